"""New, open, save, save as, recent projects, the unsaved-changes prompt, autosave and recovery.

Autosave writes a recovery file beside the project (`.NAME.otio.autosave`), never the project
itself: every minute while there are unsaved changes, and after a few idle seconds following an
edit. Untitled projects autosave into the user data folder. Opening a project whose recovery file
is newer offers to recover it; a recovery file that fails to load is moved aside (`.broken`) so
the offer never comes back in a loop. A clean save or close removes the recovery file.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.errors import UserError
from desktop.timeline import otio_io
from desktop.ui.session import Session, default_project

AUTOSAVE_MS = 60_000
IDLE_MS = 5_000
MAX_RECENT = 10
FILTER = "OpenTimelineIO project (*.otio)"


def recovery_path(project_path: str | None) -> Path:
    """Where the autosave of a project goes: beside it, hidden; untitled ones in the data folder."""
    if project_path:
        p = Path(project_path)
        return p.with_name(f".{p.name}.autosave")
    return Path(platformdirs.user_data_dir("Framesmith")) / "recovery" / "untitled.otio.autosave"


class ProjectFiles(QObject):
    recent_changed = Signal()
    message = Signal(str)

    def __init__(self, session: Session, parent: QWidget, settings: QSettings) -> None:
        super().__init__(parent)
        self.session = session
        self.window = parent
        self.settings = settings
        self._autosave = QTimer(self, interval=AUTOSAVE_MS, timeout=self.autosave)
        self._autosave.start()
        self._idle = QTimer(self, singleShot=True, interval=IDLE_MS, timeout=self.autosave)
        session.changed.connect(self._idle.start)

    # --- questions (one place, so a test can answer them) -------------------------------------------

    def ask(self, title: str, text: str, choices: tuple[str, ...]) -> str:
        """Ask the user; returns the chosen label (the first is the default, the last is Escape)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.window)
        buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
        box.setDefaultButton(buttons[0])
        box.setEscapeButton(buttons[-1])
        box.exec()
        clicked = box.clickedButton()
        return choices[buttons.index(clicked)] if clicked in buttons else choices[-1]

    def tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # --- recent projects ------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p for p in paths if p]

    def _remember(self, path: str) -> None:
        path = os.path.abspath(path)
        paths = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self.recent_changed.emit()

    # --- commands ---------------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled what they were doing."""
        if not self.session.modified:
            return True
        answer = self.ask("Unsaved changes", f"Save changes to {self.session.project.name}?",
                          ("Save", "Discard", "Cancel"))
        if answer == "Cancel":
            return False
        if answer == "Save":
            return self.save()
        return True

    def new(self) -> None:
        if self.maybe_save():
            self.discard_recovery()
            self.session.replace(default_project(), None)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = os.path.dirname(self.session.path or "") or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", start, FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Open a project (offering its recovery file when newer); False if it could not be opened."""
        recovery = recovery_path(path)
        load_from = path
        if recovery.exists() and (not os.path.exists(path) or recovery.stat().st_mtime > os.stat(path).st_mtime):
            answer = self.ask(
                "Recover unsaved changes?",
                f"{os.path.basename(path)} has unsaved changes from an earlier session "
                f"({time.strftime('%Y-%m-%d %H:%M', time.localtime(recovery.stat().st_mtime))}). Recover them?",
                ("Recover", "Discard"))
            if answer == "Recover":
                load_from = str(recovery)
            else:
                recovery.unlink(missing_ok=True)
        try:
            project = otio_io.load(load_from)
        except UserError as e:
            if load_from != path:
                self._set_aside(recovery, str(e))
                return self.open(path)
            self.tell("Cannot open project", str(e))
            return False
        self.session.replace(project, path, modified=load_from != path)
        self._remember(path)
        offline = project.offline_media()
        if offline:
            self.message.emit(f"{len(offline)} media file(s) offline: {', '.join(os.path.basename(p) for p in offline)}")
        return True

    def _set_aside(self, recovery: Path, why: str) -> None:
        broken = recovery.with_name(recovery.name + ".broken")
        os.replace(recovery, broken)
        self.tell("Recovery failed", f"The recovery file could not be opened ({why}). It was kept as {broken}.")

    def save(self) -> bool:
        if self.session.path is None:
            return self.save_as()
        return self._write(self.session.path)

    def save_as(self) -> bool:
        start = self.session.path or str(Path.home() / f"{self.session.project.name}.otio")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project as", start, FILTER)
        if not path:
            return False
        if not path.endswith(".otio"):
            path += ".otio"
        return self._write(path)

    def _write(self, path: str) -> bool:
        old_recovery = recovery_path(self.session.path)
        try:
            otio_io.save(self.session.project, path)
        except (UserError, OSError) as e:
            self.tell("Cannot save project", str(e))
            return False
        self.session.mark_saved(path)
        old_recovery.unlink(missing_ok=True)
        recovery_path(path).unlink(missing_ok=True)
        self._remember(path)
        self.message.emit(f"Saved {path}")
        return True

    # --- autosave ---------------------------------------------------------------------------------

    def autosave(self) -> None:
        """Write the recovery file if there are unsaved changes (never the project file itself)."""
        if not self.session.modified:
            return
        target = recovery_path(self.session.path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            otio_io.save(self.session.project, str(target))
        except (UserError, OSError) as e:
            self.message.emit(f"Autosave failed: {e}")

    def discard_recovery(self) -> None:
        recovery_path(self.session.path).unlink(missing_ok=True)

    def untitled_recovery(self) -> Path | None:
        """An autosave of an untitled project left by a crash, if any."""
        p = recovery_path(None)
        return p if p.exists() else None

    def offer_untitled_recovery(self) -> None:
        """At start-up: offer an untitled project that was autosaved before a crash."""
        p = self.untitled_recovery()
        if p is None:
            return
        answer = self.ask("Recover unsaved project?",
                          "An untitled project was not saved before Framesmith closed. Recover it?",
                          ("Recover", "Discard"))
        if answer != "Recover":
            p.unlink(missing_ok=True)
            return
        try:
            project = otio_io.load(str(p))
        except UserError as e:
            self._set_aside(p, str(e))
            return
        self.session.replace(project, None, modified=True)
        self.message.emit("Recovered the untitled project; save it to keep it")
