"""The main window: dockable panels around the viewer, menus, toolbar, shortcuts, status bar.

It builds the panels, connects them to the one `Session`, and turns menu actions into core edits
through `Session.edit`. Panels never talk to each other directly: they share the session, the
selection and the playhead.
"""
from __future__ import annotations

import asyncio
import os

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QScrollArea, QUndoView, QWidget

from desktop.timeline import edits, organize
from desktop.timeline.model import TrackKind
from desktop.ui import workers
from desktop.ui.export_dialog import ExportDialog
from desktop.ui.generate_panel import GeneratePanel
from desktop.ui.generation import GenerationController, JobFailed
from desktop.ui.inspector import Inspector
from desktop.ui.jobs_panel import JobList, JobsPanel
from desktop.ui.media_bin import MediaBin
from desktop.ui.playhead import Playhead
from desktop.ui.previews import Previews
from desktop.ui.project_files import ProjectFiles
from desktop.ui.selection import Selection
from desktop.ui.session import Session
from desktop.ui.shortcuts import ShortcutsDialog
from desktop.ui.timeline.widget import TimelineWidget
from desktop.ui.timeline_commands import TimelineCommands
from desktop.ui.viewer import Viewer


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.session = Session()
        self.selection = Selection()
        self.playhead = Playhead()
        for shared in (self.session, self.selection, self.playhead):
            shared.setParent(self)  # they live and die with the window
        self.files = ProjectFiles(self.session, self, self.settings)
        self.setDockNestingEnabled(True)
        self.resize(1500, 900)

        self.previews = Previews(self.session, parent=self)
        self.jobs = JobList(self)
        self.generation = GenerationController(self.session, self.playhead, self.jobs, self)
        self.timeline = TimelineWidget(self.session, self.selection, self.playhead, self.previews)
        self.viewer = Viewer(self.session, self.playhead, self)
        self.media_bin = MediaBin(self.session, self.previews)
        self.inspector = Inspector(self.session, self.selection)
        self.generate_panel = GeneratePanel(self.generation)
        self.jobs_panel = JobsPanel(self.jobs)
        self.setCentralWidget(self.viewer)
        self.timeline_dock = self._dock("Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.bin_dock = self._dock("Media", self.media_bin, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.generate_dock = self._dock("Generate", self._scrolling(self.generate_panel), Qt.DockWidgetArea.RightDockWidgetArea)
        self.jobs_dock = self._dock("Jobs", self.jobs_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.history_view = QUndoView(self.session.undo_stack)
        self.history_view.setEmptyLabel("Opened")  # the state before the first step
        self.history_dock = self._dock("History", self.history_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.inspector_dock, self.generate_dock)
        self.tabifyDockWidget(self.generate_dock, self.history_dock)
        self.inspector_dock.raise_()

        self._apply_model_folders()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.session.changed.connect(self._update_title)
        self.session.path_changed.connect(self._update_title)
        # Bound methods, not lambdas: Qt drops them when the window goes, before its children do.
        self.session.failed.connect(self.show_message)
        self.session.undo_stack.cleanChanged.connect(self._update_title)
        self.files.message.connect(self.show_message)
        self.timeline.media_dropped.connect(self._insert_paths)
        self.viewer.message.connect(self.show_message)
        self.media_bin.status.connect(self.show_message)
        self.previews.message.connect(self.show_message)
        self.media_bin.source_requested.connect(self.viewer.show_source)
        self.generation.message.connect(self.show_message)
        self.timeline.clip_menu_requested.connect(self._clip_menu)
        self.timeline.track_menu_requested.connect(self._track_menu)
        self.timeline.lane_menu_requested.connect(self._lane_menu)
        self.timeline.marker_menu_requested.connect(self._marker_menu)
        self.viewer.insert_requested.connect(self._insert_source)
        self.viewer.overwrite_requested.connect(self._overwrite_source)
        self._update_title()
        self._restore_layout()
        self.statusBar().showMessage("Ready")

    # --- panels -----------------------------------------------------------------------------------

    def _placeholder(self, text: str) -> QWidget:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #6c6e74;")
        return label

    @staticmethod
    def _scrolling(widget: QWidget) -> QScrollArea:
        """A tall panel in a scroll area, so it never stops the timeline from growing."""
        area = QScrollArea()
        area.setWidget(widget)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        return area

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        else:  # first start: sizes apply once the window has its size
            QTimer.singleShot(0, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.timeline_dock], [int(self.height() * 0.42)], Qt.Orientation.Vertical)
        self.resizeDocks([self.bin_dock, self.inspector_dock], [320, 330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.bin_dock, self.jobs_dock], [int(self.height() * 0.3), 120], Qt.Orientation.Vertical)

    # --- actions ----------------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, checkable: bool = False, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        f = self.files
        self.act_new = a("&New Project", f.new, QKeySequence.StandardKey.New)
        self.act_open = a("&Open Project...", f.open_dialog, QKeySequence.StandardKey.Open)
        self.act_save = a("&Save", f.save, QKeySequence.StandardKey.Save)
        self.act_save_as = a("Save &As...", f.save_as, "Ctrl+Shift+S")
        self.act_import = self.media_bin.import_action
        self.addAction(self.act_import)
        self.act_export = a("&Export...", self.show_export, ["Ctrl+E", "Ctrl+M"])
        self.act_export_frame = a("Export &Frame...", lambda: self.export_frame(), "Ctrl+Shift+E",
                                  tip="Save the timeline's picture at the playhead as a PNG or JPEG still")
        self.act_quit = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.act_undo, self.act_redo])
        self.commands = TimelineCommands(self)
        self.act_add_video = a("Add &Video Track", lambda: self.session.edit(organize.add_track, TrackKind.VIDEO))
        self.act_add_audio = a("Add A&udio Track", lambda: self.session.edit(organize.add_track, TrackKind.AUDIO))
        self.act_zoom_in = a("Zoom &In", lambda: self.timeline.zoom(1.5), ["+", "=", "Ctrl+="])
        self.act_zoom_out = a("Zoom &Out", lambda: self.timeline.zoom(1 / 1.5), ["-", "Ctrl+-"])
        self.act_zoom_fit = a("Zoom to &Fit", self.timeline.zoom_to_fit, ["\\", "Shift+Z"])
        self.act_snap = a("&Snapping", self._toggle_snapping, "N", checkable=True)
        self.act_snap.setChecked(self.timeline.snapping)
        self.act_model_folder = a("Add &Model Folder...", self._add_model_folder_dialog,
                                  tip="Use diffusers video models from a folder on this computer")
        self.act_extend_overwrites = a("Extensions &Overwrite What Follows", self._toggle_extend_overwrites,
                                       checkable=True, tip="Off: an extension pushes later clips right")
        self.act_extend_overwrites.setChecked(self.settings.value("generation/extend_overwrites", False, type=bool))
        self.act_shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, "F1")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        m.addSeparator()
        m.addActions([self.act_import, self.media_bin.import_folder_action, self.act_export, self.act_export_frame])
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        for group in self.commands.edit_menu_groups():
            m.addSeparator()
            m.addActions(group)
        m = bar.addMenu("&View")
        m.addActions([self.act_zoom_in, self.act_zoom_out, self.act_zoom_fit, self.act_snap])
        m.addSeparator()
        for dock in (self.bin_dock, self.timeline_dock, self.inspector_dock, self.generate_dock, self.jobs_dock,
                     self.history_dock):
            m.addAction(dock.toggleViewAction())
        self.playback_menu = bar.addMenu("&Playback")
        for act in self.viewer.playback_actions():
            if act is None:
                self.playback_menu.addSeparator()
            else:
                self.playback_menu.addAction(act)
                self.addAction(act)
        m = bar.addMenu("&Timeline")
        for group in self.commands.timeline_menu_groups():
            m.addActions(group)
            m.addSeparator()
        m.addActions([self.act_add_video, self.act_add_audio])
        m = bar.addMenu("&Generate")
        m.addAction(self.generate_dock.toggleViewAction())
        m.addAction(self.act_model_folder)
        m.addAction(self.act_extend_overwrites)
        m = bar.addMenu("&Help")
        m.addAction(self.act_shortcuts)

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("toolbar-main")
        tb.setMovable(False)
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_import, self.act_export])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo])
        tb.addSeparator()
        tb.addActions([self.commands.act_split, self.commands.act_ripple_delete, self.act_snap])
        tb.addSeparator()
        tb.addActions([self.act_zoom_out, self.act_zoom_fit, self.act_zoom_in])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.files.recent():
            self.recent_menu.addAction(path, lambda p=path: self.files.maybe_save() and self.files.open(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # --- edits ------------------------------------------------------------------------------------

    def _toggle_snapping(self) -> None:
        self.timeline.snapping = self.act_snap.isChecked()
        self.statusBar().showMessage(f"Snapping {'on' if self.timeline.snapping else 'off'}", 3000)

    def _insert_paths(self, paths: list[str], track_id: str, frame: int) -> None:
        """Media dropped on the timeline: insert each file at `frame`, one after another."""
        from desktop.media.probe import media_for

        project = self.session.project
        track = project.track(track_id)
        at = frame
        for path in paths:
            try:
                media = next((m for m in project.bin if m.path == path), None) or media_for(path, project.fps)
            except Exception as e:  # a file that is not media: say so, keep going
                self.statusBar().showMessage(f"Cannot import {os.path.basename(path)}: {e}", 8000)
                continue
            kw = {"video_track_id": track_id} if track.kind is TrackKind.VIDEO else {"audio_track_id": track_id}
            placed = self.session.edit(organize.import_media, media, at, "insert", **kw)
            if placed:
                at = max(c.end for c in placed)

    def _insert_source(self, media, first: int, end: int) -> None:
        self._place_source(media, first, end, edits.insert)

    def _overwrite_source(self, media, first: int, end: int) -> None:
        self._place_source(media, first, end, edits.overwrite)

    def _place_source(self, media, first: int, end: int, edit) -> None:
        """Source mode's insert/overwrite: the marked part of `media` at the playhead, picture on
        the first unlocked video track and sound on the first unlocked audio track."""
        project = self.session.project

        def target(kind: TrackKind, wanted: bool):
            return next((t.id for t in project.tracks if t.kind is kind and not t.locked), None) if wanted else None

        def place(history):
            placed = organize.place_media(history.project, media, self.playhead.frame,
                                          target(TrackKind.VIDEO, media.has_video),
                                          target(TrackKind.AUDIO, media.has_audio),
                                          source_start=first, duration=end - first)
            return edit(history, placed)

        if self.session.edit(place):
            self.playhead.seek(self.playhead.frame + end - first)

    def _clip_menu(self, clip_id: str, where) -> None:
        """Right-click on a clip: extend it, regenerate it, split, delete."""
        from PySide6.QtWidgets import QMenu

        clip = self.session.project.clip(clip_id)
        menu = QMenu(self)
        if clip.media.has_video:
            for model, label in (("flow", "Extend Forward (motion)"), ("builtin", "Extend Forward (built-in model)")):
                sub = menu.addMenu(label)
                for seconds in (0.5, 1, 2, 4):
                    sub.addAction(f"by {seconds:g} s", lambda m=model, s=seconds: self.extend_clip(clip_id, s, m))
        provenance = clip.media.provenance
        if provenance is not None and provenance.source is None:
            menu.addAction("Regenerate", lambda: self.generation.regenerate(clip.media))
            menu.addAction("New Take", lambda: self.generation.regenerate(clip.media, new_take=True))
        menu.addSeparator()
        c = self.commands
        menu.addActions([c.act_cut, c.act_copy, c.act_paste])
        menu.addSeparator()
        menu.addActions([c.act_split, c.act_delete, c.act_ripple_delete, c.act_unlink, c.act_enable])
        menu.exec(where)

    def _lane_menu(self, track_id: str, frame: int, where) -> None:
        self.commands.lane_menu(track_id, frame).exec(where)

    def _marker_menu(self, frame: int, where) -> None:
        self.commands.marker_menu(frame).exec(where)

    def _track_menu(self, track_id: str, where) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction("Rename Track...", lambda: self.rename_track(track_id))
        menu.addAction("Remove Track", lambda: self.session.edit(organize.remove_track, track_id))
        menu.addSeparator()
        menu.addActions([self.act_add_video, self.act_add_audio])
        menu.exec(where)

    def rename_track(self, track_id: str, name: str | None = None) -> None:
        if name is None:
            from PySide6.QtWidgets import QInputDialog

            name, ok = QInputDialog.getText(self, "Rename Track", "Name:",
                                            text=self.session.project.track(track_id).name)
            if not ok:
                return
        if name.strip():
            self.session.edit(organize.set_track, track_id, name=name.strip())

    def extend_clip(self, clip_id: str, seconds: float, model: str = "flow"):
        """Extend a timeline clip forward; the setting says whether the result ripples or overwrites."""
        overwrite = self.settings.value("generation/extend_overwrites", False, type=bool)
        job = self.generation.extend_clip(clip_id, seconds, model, overwrite=overwrite)
        if job is not None:
            self._announce(job, f"Extended by {seconds:g} s: the new part is right after the clip")
        return job

    def _announce(self, job, text: str) -> None:
        """Show `text` in the status bar when `job` is done (its failure shows in the Jobs panel).
        Needs the editor's asyncio loop; without one (a bare QApplication) nothing is announced."""
        async def wait() -> None:
            try:
                await self.generation.outcome(job)
            except (JobFailed, asyncio.CancelledError):
                return
            self.show_message(text)

        try:
            asyncio.get_running_loop().create_task(wait())
        except RuntimeError:
            pass

    def _toggle_extend_overwrites(self) -> None:
        self.settings.setValue("generation/extend_overwrites", self.act_extend_overwrites.isChecked())

    def export_frame(self, path: str | None = None) -> None:
        """The timeline's picture at the playhead as a still, to `path` or where the user picks."""
        from desktop.errors import UserError
        from desktop.media.still import export_frame

        frame = self.playhead.frame
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            folder = os.path.dirname(self.session.path) if self.session.path else os.path.expanduser("~")
            name = f"{self.session.project.name or 'frame'}-{frame}.png"
            path, _ = QFileDialog.getSaveFileName(self, "Export Frame", os.path.join(folder, name),
                                                  "Images (*.png *.jpg *.jpeg)")
            if not path:
                return
        try:
            export_frame(self.session.project, frame, path)
        except UserError as e:
            self.show_message(f"Cannot export the frame: {e}")
            return
        self.show_message(f"Saved frame {frame} as {path}")

    def show_export(self) -> None:
        marks = self.viewer.timeline_marks()
        dialog = ExportDialog(self.session, self.jobs, marks if None not in marks else None, self)
        dialog.status.connect(self.show_message)
        dialog.show()

    # --- local models ---

    def model_folders(self) -> list[str]:
        value = self.settings.value("generation/model_dirs", [])
        return [value] if isinstance(value, str) else [v for v in (value or []) if v]

    def _apply_model_folders(self) -> None:
        from generation.diffusers.settings import configure

        configure(model_dirs=self.model_folders())

    def add_model_folder(self, folder: str) -> None:
        """Remember a folder of local diffusers models and list what it holds."""
        folder = os.path.abspath(os.path.expanduser(folder))
        if not os.path.isdir(folder):
            self.show_message(f"{folder}: no such folder")
            return
        self.settings.setValue("generation/model_dirs", list(dict.fromkeys(self.model_folders() + [folder])))
        self._apply_model_folders()
        self.generate_panel.refresh_models()

    def _add_model_folder_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Folder of diffusers video models")
        if folder:
            self.add_model_folder(folder)

    # --- window -----------------------------------------------------------------------------------

    def open_project(self, path: str) -> None:
        if self.files.open(path):
            self.timeline.zoom_to_fit()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _update_title(self, *_) -> None:
        name = os.path.basename(self.session.path) if self.session.path else self.session.project.name
        self.setWindowTitle(f"{'*' if self.session.modified else ''}{name} - Framesmith")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        if not self.files.maybe_save():
            event.ignore()
            return
        self.files.discard_recovery()
        self.viewer.shutdown()
        self.generation.shutdown()
        self.jobs.cancel_all()
        self.previews.cancel_all()
        workers.wait_all(5000)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        event.accept()

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)
