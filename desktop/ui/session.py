"""The open project as the UI sees it: the core project and history, a QUndoStack that mirrors the
history step for step, the file it lives in, and a `changed` signal views subscribe to.

Every edit the UI makes goes through `Session.edit(fn, ...)`, which calls a core edit function
(`desktop.timeline.edits` and friends) with the history. The core does the work and records the
undo step; the QUndoCommand only asks the history to undo or redo, so there is one source of truth.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.errors import UserError
from desktop.timeline.history import History, HistoryEvent
from desktop.timeline.model import Project, TrackKind


class _Step(QUndoCommand):
    """One core undo step. The edit already happened when this is pushed, so the first redo is a no-op."""

    def __init__(self, session: "Session", name: str) -> None:
        super().__init__(name)
        self._session = session
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._session.history.redo()

    def undo(self) -> None:
        self._session.history.undo()


class Session(QObject):
    """A project open in the editor."""

    changed = Signal()  # the project changed (edit, undo, redo, or a new project loaded)
    failed = Signal(str)  # an edit was refused; the message says why
    path_changed = Signal()

    def __init__(self, project: Project | None = None, path: str | None = None) -> None:
        super().__init__()
        self.undo_stack = QUndoStack(self)
        self.project = project or default_project()
        self.path = path
        self.history = History(self.project)
        self._unsubscribe = self.history.subscribe(self._on_history)

    def replace(self, project: Project, path: str | None, modified: bool = False) -> None:
        """Show another project (new, opened or recovered): fresh history and undo stack.
        `modified` marks it as not saved anywhere yet (a recovered autosave)."""
        self._unsubscribe()
        self.undo_stack.clear()
        self.project = project
        self.path = path
        self.history = History(project)
        self._unsubscribe = self.history.subscribe(self._on_history)
        if modified:
            self.history.mark_unsaved()
        self.path_changed.emit()
        self.changed.emit()

    def edit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a core edit; a refused edit emits `failed` with its message and returns None."""
        try:
            return fn(self.history, *args, **kwargs)
        except UserError as e:
            self.failed.emit(str(e))
            return None

    def _on_history(self, event: HistoryEvent) -> None:
        if event.action == "do" and not event.merged:
            self.undo_stack.push(_Step(self, event.name))
        self.changed.emit()

    @property
    def modified(self) -> bool:
        return self.history.modified

    def mark_saved(self, path: str) -> None:
        self.history.mark_saved()
        self.undo_stack.setClean()
        if path != self.path:
            self.path = path
            self.path_changed.emit()


def default_project() -> Project:
    """A new project: 1920x1080 at 30000/1001 with V1, V2, A1, A2."""
    from desktop.timeline.model import Track

    project = Project()
    project.tracks = [
        Track(TrackKind.VIDEO, "V1"),
        Track(TrackKind.VIDEO, "V2"),
        Track(TrackKind.AUDIO, "A1"),
        Track(TrackKind.AUDIO, "A2"),
    ]
    return project
