"""The inspector: what is selected, in words and numbers.

One clip: its name, track, file, where it sits (timecode and frames), the part of the file it uses,
its linked partners, its fades and the sound level of an audio clip (editable: one undo step when
the edit is finished), and for generated media how it was made. Several clips: how many and how long. Nothing:
the project's settings. It follows the selection and the session, and writes only through
`Session.edit`.
"""
from __future__ import annotations

import json
import os
from fractions import Fraction

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.timeline import organize
from desktop.timeline.model import Clip, Project, TrackKind
from desktop.ui import theme
from desktop.ui.selection import Selection
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode

GAIN_RANGE = (-60.0, 24.0)


def when(frames: int, fps: Fraction) -> str:
    """'00:00:01:05 (30)': timecode and frame count."""
    return f"{timecode(frames, fps)} ({frames})"


def rate_text(fps: Fraction) -> str:
    fps = Fraction(fps)
    return f"{float(fps):.5g} fps" + (f" ({fps.numerator}/{fps.denominator})" if fps.denominator != 1 else "")


class _Form(QWidget):
    """A form of read-only, selectable values, set by field name."""

    def __init__(self, fields: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for key, title in fields:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            self.form.addRow(title, label)

    def set(self, **values: str) -> None:
        for key, text in values.items():
            self.labels[key].setText(text)

    def show_row(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self.labels[key], visible)


class Inspector(QWidget):
    def __init__(self, session: Session, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.selection = selection
        self._clip_id: str | None = None

        self.clip_form = _Form([("track", "Track"), ("media", "File"), ("start", "Start"),
                                ("end", "End"), ("duration", "Duration"), ("source_in", "Source in"),
                                ("source_out", "Source out"), ("linked", "Linked to")])
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("The clip's name on the timeline, and its linked partners' "
                                  "(empty: the file's name; Enter applies; one undo step)")
        self.name_edit.editingFinished.connect(self._name_edited)
        self.clip_form.form.insertRow(0, "Name", self.name_edit)
        self.gain_spin = QDoubleSpinBox()
        self.gain_spin.setRange(*GAIN_RANGE)
        self.gain_spin.setDecimals(1)
        self.gain_spin.setSingleStep(0.5)
        self.gain_spin.setSuffix(" dB")
        self.gain_spin.setKeyboardTracking(False)
        self.gain_spin.setToolTip("Sound level of this clip (Enter applies; one undo step)")
        self.gain_spin.editingFinished.connect(self._gain_edited)
        self.gain_label = QLabel("Gain")
        self.clip_form.form.addRow(self.gain_label, self.gain_spin)
        self.fade_spins = {}
        for edge, title in (("fade_in", "Fade in"), ("fade_out", "Fade out")):
            spin = QSpinBox()
            spin.setSuffix(" frames")
            spin.setKeyboardTracking(False)
            spin.setToolTip(f"{title} of this clip and its linked partners, from or to nothing "
                            "(over the track below on a video track; Enter applies; one undo step)")
            spin.editingFinished.connect(lambda edge=edge: self._fade_edited(edge))
            self.fade_spins[edge] = spin
            self.clip_form.form.addRow(title, spin)
        self.provenance_form = _Form([("prompt", "Prompt"), ("seed", "Seed"), ("model", "Model"),
                                      ("settings", "Settings"), ("created", "Made"), ("source", "Extends")])
        self.provenance_box = QGroupBox("Generated")
        box = QVBoxLayout(self.provenance_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.provenance_form)
        clip_page = QWidget()
        page = QVBoxLayout(clip_page)
        page.addWidget(self.clip_form)
        page.addWidget(self.provenance_box)
        page.addStretch(1)

        self.many_form = _Form([("count", "Selected"), ("duration", "Total duration"), ("span", "From - to")])
        self.project_form = _Form([("name", "Project"), ("fps", "Frame rate"), ("size", "Picture size"),
                                   ("sample_rate", "Sample rate"), ("duration", "Duration"), ("tracks", "Tracks"),
                                   ("bin", "Media in bin")])
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")

        self.pages = QStackedWidget()
        for w in (clip_page, self._top(self.many_form), self._top(self.project_form)):
            self.pages.addWidget(w)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.pages)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        selection.changed.connect(self.refresh)
        session.changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _top(widget: QWidget) -> QWidget:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.addWidget(widget)
        layout.addStretch(1)
        return holder

    # --- model -> view ------------------------------------------------------------------------------

    def refresh(self) -> None:
        project = self.session.project
        existing = {c.id for _, c in project.all_clips()}
        ids = [i for i in self.selection.ids if i in existing]
        if len(ids) == 1:
            self._show_clip(project, project.clip(ids[0]))
        elif ids:
            self._show_many(project, [project.clip(i) for i in ids])
        else:
            self._show_project(project)

    def _show_clip(self, project: Project, clip: Clip) -> None:
        fps = project.fps
        track = project.track_of(clip.id)
        media = clip.media
        self._clip_id = clip.id
        self.title.setText("Clip")
        self.pages.setCurrentIndex(0)
        partners = [c for c in project.linked(clip) if c.id != clip.id]
        file_text = media.path + ("  (offline)" if media.offline else "")
        self.name_edit.setText(clip.name)
        self.name_edit.setPlaceholderText(media.name)
        self.name_edit.setEnabled(not track.locked)
        self.clip_form.set(
            track=f"{track.name} ({track.kind.value})", media=file_text,
            start=when(clip.start, fps), end=when(clip.end, fps), duration=when(clip.duration, fps),
            source_in=when(clip.source_start, fps), source_out=when(clip.source_end, fps),
            linked=", ".join(f"{project.track_of(c.id).name}: {c.name or c.media.name}" for c in partners) or "none",
        )
        self.clip_form.labels["media"].setStyleSheet(f"color: {theme.PLAYHEAD.name()};" if media.offline else "")
        audio = track.kind is TrackKind.AUDIO
        self.clip_form.form.setRowVisible(self.gain_spin, audio)
        if audio:
            self.gain_spin.blockSignals(True)
            self.gain_spin.setValue(clip.gain_db)
            self.gain_spin.blockSignals(False)
            self.gain_spin.setEnabled(not track.locked)
        for edge, spin in self.fade_spins.items():
            spin.blockSignals(True)
            spin.setRange(0, clip.duration)
            spin.setValue(getattr(clip, edge))
            spin.blockSignals(False)
            spin.setEnabled(not track.locked)
        p = media.provenance
        self.provenance_box.setVisible(p is not None)
        if p is not None:
            self.provenance_form.set(
                prompt=p.prompt, seed=str(p.seed), model=p.model,
                settings=json.dumps(p.settings, sort_keys=True, default=str) if p.settings else "-",
                created=p.created or "-", source=os.path.basename(p.source) if p.source else "-")
            self.provenance_form.show_row("source", p.source is not None)

    def _show_many(self, project: Project, clips: list[Clip]) -> None:
        fps = project.fps
        self._clip_id = None
        self.title.setText("Selection")
        self.pages.setCurrentIndex(1)
        first, last = min(c.start for c in clips), max(c.end for c in clips)
        self.many_form.set(count=f"{len(clips)} clips", duration=when(sum(c.duration for c in clips), fps),
                           span=f"{timecode(first, fps)} - {timecode(last, fps)}")

    def _show_project(self, project: Project) -> None:
        self._clip_id = None
        self.title.setText("Project settings")
        self.pages.setCurrentIndex(2)
        kinds = [t.kind for t in project.tracks]
        self.project_form.set(
            name=project.name, fps=rate_text(project.fps), size=f"{project.width} x {project.height}",
            sample_rate=f"{project.sample_rate} Hz", duration=when(project.duration, project.fps),
            tracks=f"{kinds.count(TrackKind.VIDEO)} video, {kinds.count(TrackKind.AUDIO)} audio",
            bin=str(len(project.bin)))

    # --- view -> model ------------------------------------------------------------------------------

    def _edited_clip(self):
        """The clip the form shows, if it is still in the project."""
        project = self.session.project
        if self._clip_id is None or self._clip_id not in {c.id for _, c in project.all_clips()}:
            return None
        return project.clip(self._clip_id)

    def _gain_edited(self) -> None:
        clip = self._edited_clip()
        if clip is None:
            return
        value = round(self.gain_spin.value(), 1)
        if value != round(clip.gain_db, 1):
            self.session.edit(organize.set_gain, [clip.id], value, linked=False)
        self.refresh()  # a refused edit shows the clip's real value again

    def _name_edited(self) -> None:
        clip = self._edited_clip()
        if clip is None:
            return
        name = self.name_edit.text().strip()
        if name != clip.name:
            self.session.edit(organize.rename_clip, [clip.id], name)
        self.refresh()

    def _fade_edited(self, edge: str) -> None:
        clip = self._edited_clip()
        if clip is None:
            return
        value = self.fade_spins[edge].value()
        if value != getattr(clip, edge):
            self.session.edit(organize.set_fades, [clip.id], **{edge: value})
        self.refresh()
