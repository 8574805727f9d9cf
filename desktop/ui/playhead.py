"""The current frame, shared by the viewer, the timeline and the player."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Playhead(QObject):
    moved = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._frame = 0

    @property
    def frame(self) -> int:
        return self._frame

    def seek(self, frame: int) -> None:
        frame = max(0, int(frame))
        if frame != self._frame:
            self._frame = frame
            self.moved.emit(frame)
