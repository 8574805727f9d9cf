"""File > Export: render the timeline to an MP4 in the background while editing goes on.

The dialog renders a snapshot of the project taken when Export is pressed (a deep copy; clips are
frozen values), so edits made during the export never race with it. The render runs as a job of the
shared `JobList` (so it also shows in the jobs panel, and the dialog may be closed meanwhile); the
dialog shows its progress and time left and can cancel it. A cancelled or failed render leaves no
file (the media layer writes a temp file and renames it at the end) and an output that is one of the
project's inputs is refused before anything starts. `start()` holds the logic, so tests need no
human; only the buttons ask questions.
"""
from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.media.errors import MediaError
from desktop.media.export import check_output, render
from desktop.timeline.model import Project
from desktop.ui import theme
from desktop.ui.jobs_panel import Job, JobList, JobState, format_time_left
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode


@dataclass(frozen=True)
class ExportPreset:
    name: str
    height: int | None  # output height, the width following the project's aspect; None: the project's size
    crf: int  # x264 quality: lower is better and bigger
    speed: str  # x264 preset: slower compresses better


PRESETS = (
    ExportPreset("1080p H.264 high quality", 1080, 18, "medium"),
    ExportPreset("720p H.264 fast", 720, 23, "veryfast"),
    ExportPreset("Project settings", None, 20, "medium"),
)


def output_size(project: Project, preset: ExportPreset) -> tuple[int, int]:
    """(width, height) of the export: even numbers, the project's aspect kept."""
    if preset.height is None:
        return project.width // 2 * 2, project.height // 2 * 2
    width = round(project.width * preset.height / project.height)
    return max(2, width // 2 * 2), preset.height


class ExportDialog(QDialog):
    status = Signal(str)  # a line for the window's status bar
    exported = Signal(str)  # the path of a finished export

    def __init__(self, session: Session, jobs: JobList, marks: tuple[int, int] | None = None,
                 parent: QWidget | None = None) -> None:
        """`marks`: the viewer's in and out frames (out exclusive), when both are set."""
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.marks = marks if marks and marks[1] > marks[0] else None
        self.job: Job | None = None
        self._started_at = 0.0
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)

        self.output_edit = QLineEdit(self._default_output())
        self.browse_button = QPushButton("Browse...")
        self.browse_button.clicked.connect(self.browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_edit, 1)
        out_row.addWidget(self.browse_button)
        self.preset_combo = QComboBox()
        for preset in PRESETS:
            self.preset_combo.addItem(preset.name)
        self.range_combo = QComboBox()
        self.range_combo.addItem("Whole timeline")
        fps = session.project.fps
        if self.marks:
            self.range_combo.addItem(f"In to out ({timecode(self.marks[0], fps)} - {timecode(self.marks[1], fps)})")
        else:
            self.range_combo.addItem("In to out (set I and O marks first)")
            self.range_combo.model().item(1).setEnabled(False)
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
        form = QFormLayout()
        form.addRow("Output", out_row)
        form.addRow("Preset", self.preset_combo)
        form.addRow("Range", self.range_combo)
        form.addRow("", self.summary_label)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.time_left_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._export_clicked)
        self.cancel_button = QPushButton("Cancel Export")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.time_left_label, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        self.preset_combo.currentIndexChanged.connect(self._update_summary)
        self.range_combo.currentIndexChanged.connect(self._update_summary)
        session.changed.connect(self._update_summary)
        self._update_summary()
        self._update_buttons()

    # --- settings ---------------------------------------------------------------------------------

    def _default_output(self) -> str:
        folder = os.path.dirname(self.session.path) if self.session.path else os.path.expanduser("~")
        return os.path.join(folder, f"{self.session.project.name or 'export'}.mp4")

    def set_output(self, path: str) -> None:
        self.output_edit.setText(path)

    def output_path(self) -> str:
        """The chosen output, with .mp4 added when it has no extension."""
        path = os.path.expanduser(self.output_edit.text().strip())
        if path and not os.path.splitext(path)[1]:
            path += ".mp4"
        return os.path.abspath(path) if path else ""

    def set_preset(self, name: str) -> None:
        self.preset_combo.setCurrentIndex([p.name for p in PRESETS].index(name))

    def preset(self) -> ExportPreset:
        return PRESETS[self.preset_combo.currentIndex()]

    def use_marks(self, on: bool) -> None:
        """Export the in-out range (True) or the whole timeline (False)."""
        self.range_combo.setCurrentIndex(1 if on and self.marks else 0)

    def frame_range(self) -> tuple[int, int]:
        if self.range_combo.currentIndex() == 1 and self.marks:
            return self.marks
        return 0, self.session.project.duration

    def _update_summary(self) -> None:
        project = self.session.project
        w, h = output_size(project, self.preset())
        start, end = self.frame_range()
        self.summary_label.setText(f"{w}x{h}, {float(project.fps):.5g} fps, H.264 crf {self.preset().crf} "
                                   f"({self.preset().speed}) + AAC; {timecode(end - start, project.fps)} "
                                   f"({end - start} frames)")

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.output_edit.text(), "MP4 video (*.mp4)")
        if path:
            self.set_output(path)

    # --- running ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.job is not None and not self.job.is_ended

    def _export_clicked(self) -> None:
        path = self.output_path()
        if path and os.path.exists(path) and not os.path.isdir(path):
            answer = QMessageBox.question(self, "Replace file?", f"{path} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.start()

    def start(self) -> Job | None:
        """Check the settings and start rendering a snapshot of the project; None (and a message
        in the dialog) when the settings are refused."""
        if self.running:
            return None
        path = self.output_path()
        project = copy.deepcopy(self.session.project)
        frame_range = self.frame_range()
        preset = self.preset()
        width, height = output_size(project, preset)
        try:
            if not path:
                raise MediaError("choose an output file")
            if frame_range[1] <= frame_range[0]:
                raise MediaError("nothing to export: the timeline is empty")
            offline = project.offline_media()
            if offline:
                raise MediaError("offline media (relink it first): " + ", ".join(map(os.path.basename, offline)))
            check_output(project, path)
        except MediaError as e:
            self._show_message(str(e), error=True)
            return None

        def task(progress, cancel):
            return render(project, path, width=width, height=height, crf=preset.crf, preset=preset.speed,
                          frame_range=frame_range, progress=progress, cancel=cancel)

        self._started_at = time.monotonic()
        self.job = self.jobs.run(f"Export {os.path.basename(path)}", task,
                                 done_message=lambda out: f"Wrote {out}")
        self.job.changed.connect(self._on_job_changed)
        self.job.ended.connect(self._on_job_ended)
        self.progress_bar.setValue(0)
        self._show_message(f"Exporting to {path}...")
        self._update_buttons()
        return self.job

    def cancel(self) -> None:
        if self.running:
            self.job.cancel()

    def _on_job_changed(self) -> None:
        job = self.job
        if job is None:
            return
        self.progress_bar.setValue(round(job.fraction * 1000))
        self.time_left_label.setText(format_time_left(job.time_left()))
        self._update_buttons()

    def _on_job_ended(self) -> None:
        job = self.job
        self.time_left_label.clear()
        if job.state is JobState.DONE:
            seconds = time.monotonic() - self._started_at
            text = f"Exported {job.result} in {seconds:.1f} s"
            self._show_message(text)
            self.status.emit(text)
            self.exported.emit(str(job.result))
        elif job.state is JobState.CANCELLED:
            self.progress_bar.setValue(0)
            self._show_message("Export cancelled; nothing was written.")
            self.status.emit("Export cancelled")
        else:
            self._show_message(f"Export failed: {job.message}", error=True)
            self.status.emit(f"Export failed: {job.message}")
        self._update_buttons()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {theme.PLAYHEAD.name()};" if error else "")

    def _update_buttons(self) -> None:
        running = self.running
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running and not self.job.is_cancelled())
        for w in (self.output_edit, self.browse_button, self.preset_combo, self.range_combo):
            w.setEnabled(not running)
