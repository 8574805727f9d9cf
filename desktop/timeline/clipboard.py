"""Copy and paste of timeline clips.

A copy is a snapshot of clip values (clips are immutable), so it stays good after the copied
clips are trimmed, moved or deleted, and in another project. A paste puts the clips back on the
tracks they came from (where such a track is gone, as in another project, on the track of the
same kind at the same place among its kind), keeping their offsets from one another, with the
earliest at the paste point. Each paste makes new clip ids and new link groups, so a pasted
picture and its sound are linked to each other only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from desktop.timeline.changes import EditError, PutClip, clip_label
from desktop.timeline.edit_support import Placed, check_targets, clear, drop_lonely_links, find_track, groups, ripple
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Project, TrackKind, new_id

__all__ = ["Copied", "Source", "copy_clips", "paste"]


@dataclass(frozen=True)
class Source:
    """The track a clip was copied from: its id, and its kind and place among tracks of that kind
    (0 = the first video track) for when the id is not found."""

    track_id: str
    kind: TrackKind
    place: int


@dataclass(frozen=True)
class Copied:
    """Copied clips with the ids of their tracks; their starts count from the earliest (0)."""

    clips: tuple[Placed, ...]
    sources: dict[str, Source]  # by track id

    @property
    def duration(self) -> int:
        """From the earliest start to the latest end."""
        return max(c.end for _, c in self.clips)


def copy_clips(project: Project, clip_ids: Sequence[str], linked: bool = True) -> Copied:
    """The clips, with their linked partners when `linked`, as they are now."""
    chosen = groups(project, clip_ids, linked)
    first = min(c.start for _, c in chosen)
    sources = {}
    for track, _ in chosen:
        same_kind = [t.id for t in project.tracks if t.kind is track.kind]
        sources[track.id] = Source(track.id, track.kind, same_kind.index(track.id))
    return Copied(tuple(sorted(((t.id, replace(c, start=c.start - first)) for t, c in chosen),
                               key=lambda placed: placed[1].start)), sources)


def _target(project: Project, source: Source) -> str | None:
    """The track a copy from `source` goes on in `project`, None when there is none."""
    if any(t.id == source.track_id for t in project.tracks):
        return source.track_id
    same_kind = [t.id for t in project.tracks if t.kind is source.kind]
    return same_kind[source.place] if source.place < len(same_kind) else None


def paste(history: History, copied: Copied, at: int, insert: bool = False) -> list[Clip]:
    """A fresh copy of `copied`, its earliest clip at frame `at`. Returns the pasted clips.

        paste x- (copied from V1) at 2:   V1: a-----   ->   V1: a-x-a- | 0 0 4
        the same with `insert`:           V1: a-----   ->   V1: a-x-a--- | 0 0 2

    Overwrite (the default) replaces what lies under each pasted clip, as `edits.overwrite` does.
    With `insert`, everything from `at` on the pasted tracks first moves right by the copy's length
    (a clip under `at` is cut), as `edits.insert` does, so nothing is covered.
    """
    project = history.project
    if at < 0:
        raise EditError("cannot paste before frame 0")
    groups_copied = Counter(c.link for _, c in copied.clips if c.link is not None)
    links = {link: new_id() for link, n in groups_copied.items() if n > 1}  # a partner left behind: no link
    targets = {}
    for tid, c in copied.clips:
        source = copied.sources[tid]
        targets[tid] = _target(project, source)
        if targets[tid] is None:
            raise EditError(f"no {source.kind.value} track {source.place + 1} to paste '{clip_label(c)}' on")
    if len(set(targets.values())) < len(targets):
        raise EditError("the tracks the clips were copied from are gone")
    placed = [(targets[tid], replace(c, id=new_id(), start=at + c.start, link=links.get(c.link)))
              for tid, c in copied.clips]
    check_targets(project, placed)
    with history.transaction("Paste"):
        if insert:
            ripple(history, [tid for tid, _ in placed], at, copied.duration, split=True)
        for tid, clip in placed:
            clear(history, find_track(project, tid), clip.start, clip.end)
            history.apply(PutClip(tid, clip))
        drop_lonely_links(history)
    return [c for _, c in placed]
