"""Mouse drags on the timeline as values: what is being dragged, where it would land, and the one
core edit that makes it real on release (so a whole drag is one undo step).

Nothing changes the project while the mouse moves: the widget draws `ghosts()` and, on release,
calls `commit(history)`. A refused edit raises `EditError` and leaves the project as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from desktop.timeline import edits, organize, trims
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Project

MOVE, TRIM_IN, TRIM_OUT = "move", "trim_in", "trim_out"
FADE_IN, FADE_OUT = "fade_in", "fade_out"  # dragging a fade's handle at the top of a clip
TRIMS, FADES = (TRIM_IN, TRIM_OUT), (FADE_IN, FADE_OUT)


@dataclass(frozen=True)
class Ghost:
    """A rectangle to draw: where a clip would be after the drag."""

    track_id: str
    start: int
    duration: int


@dataclass
class ClipDrag:
    """A drag of one clip (and, for a move, the rest of the selection) by `delta` frames.

    `mode` is MOVE, TRIM_IN, TRIM_OUT, FADE_IN or FADE_OUT; `ripple` turns a trim into a ripple
    trim, `roll` into a roll of the cut with the neighbour; `linked` False leaves linked partners
    where they are (and out of a fade).
    """

    mode: str
    clip: Clip
    track_id: str
    others: list[str] = field(default_factory=list)  # other selected clip ids that move along
    delta: int = 0
    target_track_id: str | None = None
    ripple: bool = False
    roll: bool = False
    linked: bool = True

    def moved_ids(self, project: Project) -> list[str]:
        ids = [self.clip.id] + [i for i in self.others if i != self.clip.id]
        if not self.linked:
            return ids
        out: list[str] = []
        for i in ids:
            for c in project.linked(project.clip(i)):
                if c.id not in out:
                    out.append(c.id)
        return out

    def edges(self, project: Project) -> list[int]:
        """The frames that should snap: the dragged edge(s) of the grabbed clip, before delta."""
        if self.mode == MOVE:
            return [self.clip.start, self.clip.end]
        if self.mode in TRIMS:
            return [self.clip.start if self.mode == TRIM_IN else self.clip.end]
        return []  # a fade's length is set by eye

    def faded(self) -> Clip:
        """The grabbed clip with the fade being dragged as it would be (within the clip)."""
        if self.mode == FADE_IN:
            length = min(max(self.clip.fade_in + self.delta, 0), self.clip.duration - self.clip.fade_out)
        else:
            length = min(max(self.clip.fade_out - self.delta, 0), self.clip.duration - self.clip.fade_in)
        return replace(self.clip, **{self.mode: length})

    def ghosts(self, project: Project) -> list[Ghost]:
        """Where clips would be; none for a fade, which moves no clip (see `faded`)."""
        out = []
        if self.mode in FADES:
            return out
        if self.mode == MOVE:
            for cid in self.moved_ids(project):
                track = project.track_of(cid)
                c = track.clip(cid)
                tid = self.target_track_id if (cid == self.clip.id and self.target_track_id) else track.id
                out.append(Ghost(tid, c.start + self.delta, c.duration))
            return out
        ids = self.moved_ids(project) if self.linked else [self.clip.id]
        for cid in ids:
            track = project.track_of(cid)
            c = track.clip(cid)
            if self.mode == TRIM_IN:
                if self.ripple:
                    out.append(Ghost(track.id, c.start, c.duration - self.delta))
                else:
                    out.append(Ghost(track.id, c.start + self.delta, c.duration - self.delta))
            else:
                out.append(Ghost(track.id, c.start, c.duration + self.delta))
        return out

    def commit(self, history: History) -> None:
        """Make the drag real as one core edit (one undo step)."""
        if self.mode == MOVE:
            self._commit_move(history)
        elif self.mode in FADES:
            organize.set_fades(history, [self.clip.id], linked=self.linked,
                               **{self.mode: getattr(self.faded(), self.mode)})
        elif self.roll:
            trims.roll(history, self.clip.id, self.delta, self.linked)
        elif self.mode == TRIM_IN:
            (trims.ripple_trim_in if self.ripple else trims.trim_in)(history, self.clip.id, self.delta, self.linked)
        else:
            (trims.ripple_trim_out if self.ripple else trims.trim_out)(history, self.clip.id, self.delta, self.linked)

    def _commit_move(self, history: History) -> None:
        target = self.target_track_id if self.target_track_id != self.track_id else None
        if not self.others:
            edits.move(history, self.clip.id, self.delta, target, self.linked)
            return
        project = history.project
        ids = [self.clip.id] + [i for i in self.others if i != self.clip.id]
        # Move the clip furthest in the direction of travel first, so none lands on one yet to move.
        ids.sort(key=lambda i: project.clip(i).start, reverse=self.delta > 0)
        moved: set[str] = set()
        with history.transaction("Move"):
            for cid in ids:
                if cid in moved:
                    continue
                group = [c.id for c in project.linked(project.clip(cid))] if self.linked else [cid]
                moved.update(group)
                edits.move(history, cid, self.delta, target if cid == self.clip.id else None, self.linked)
