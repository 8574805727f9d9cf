"""Which clips are selected: view state shared by the timeline, the inspector and the actions."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[str] = []

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __contains__(self, clip_id: str) -> bool:
        return clip_id in self._ids

    def set(self, ids) -> None:
        ids = list(dict.fromkeys(ids))
        if ids != self._ids:
            self._ids = ids
            self.changed.emit()

    def toggle(self, clip_id: str) -> None:
        self.set([i for i in self._ids if i != clip_id] if clip_id in self._ids else self._ids + [clip_id])

    def add(self, clip_id: str) -> None:
        self.set(self._ids + [clip_id])

    def clear(self) -> None:
        self.set([])

    def prune(self, existing) -> None:
        """Forget clips that no longer exist (after an edit or undo)."""
        self.set([i for i in self._ids if i in existing])
