"""Edits that place, remove, move and cut clips.

Each edit takes the project's `History` first, checks everything it can, then changes the project
in one transaction (one undo step). It either succeeds or raises `EditError` saying why and leaves
the project exactly as it was. Locked tracks refuse edits. Clips are named by id; with `linked`
(the default) a clip's linked partners (its picture or its sound) take part in the edit too.

Diagrams: one character per frame, `.` empty, a letter starts a clip and `-` continues it.
Trims, roll and slip are in `trims.py`; tracks, links, gain, fades, the bin and importing in
`organize.py`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from desktop.timeline.changes import EditError, PutClip, RemoveClip, ReplaceClip, clip_label
from desktop.timeline.edit_support import (
    Placed,
    check_new,
    clear,
    cut_at,
    drop_lonely_links,
    editable,
    find_clip,
    find_track,
    groups,
    ripple,
    update,
)
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Gap, new_id

__all__ = ["EditError", "Placed", "insert", "overwrite", "append", "remove", "ripple_delete", "close_gap", "lift",
           "extract", "move", "split"]


def insert(history: History, placed: Sequence[Placed]) -> list[Clip]:
    """Insert clips at their `start`, pushing everything from there on to the right.

        insert x--- at 2 on V1:   V1: a---b--    ->   V1: a-x---a-b--

    A clip under the insert point is cut in two. The push happens on every target track and on
    any track holding a partner of a pushed clip, so linked pairs stay in sync. Several clips (a
    picture and its sound) are inserted together: the push is from the earliest start by the span
    they cover. Returns the placed clips.
    """
    project = history.project
    check_new(project, placed)
    at = min(c.start for _, c in placed)
    span = max(c.end for _, c in placed) - at
    with history.transaction("Insert"):
        ripple(history, [tid for tid, _ in placed], at, span, split=True)
        for tid, clip in placed:
            history.apply(PutClip(tid, clip))
        drop_lonely_links(history)
    return [c for _, c in placed]


def overwrite(history: History, placed: Sequence[Placed]) -> list[Clip]:
    """Place clips at their `start`, replacing whatever lies under them on their tracks.

        overwrite x-- at 2 on V1:   V1: a---b---   ->   V1: a-x--b--

    Clips partly covered are trimmed, clips fully covered are removed, a clip covering the whole
    range is cut in two (its right part unlinked). Nothing else moves. Returns the placed clips.
    """
    project = history.project
    check_new(project, placed)
    with history.transaction("Overwrite"):
        for tid, clip in placed:
            clear(history, find_track(project, tid), clip.start, clip.end)
            history.apply(PutClip(tid, clip))
        drop_lonely_links(history)
    return [c for _, c in placed]


def append(history: History, placed: Sequence[Placed]) -> list[Clip]:
    """Place clips after the last clip of their tracks (the latest end among them).

        append x-- to V1:   V1: a---.b-   ->   V1: a---.b-x--

    The clips keep their offsets from one another; their `start` values are replaced. Returns
    the clips as placed.
    """
    project = history.project
    check_new(project, placed)
    at = max(find_track(project, tid).end for tid, _ in placed)
    first = min(c.start for _, c in placed)
    moved = [(tid, replace(c, start=at + c.start - first)) for tid, c in placed]
    with history.transaction("Append"):
        for tid, clip in moved:
            history.apply(PutClip(tid, clip))
    return [c for _, c in moved]


def remove(history: History, clip_ids: Sequence[str], linked: bool = True) -> None:
    """Lift clips off the timeline, leaving gaps.

        remove b:   V1: a---b--c-   ->   V1: a---...c-
    """
    targets = groups(history.project, clip_ids, linked)
    editable(*(t for t, _ in targets))
    with history.transaction("Remove"):
        for t, c in targets:
            history.apply(RemoveClip(t.id, c.id))
        drop_lonely_links(history)


def ripple_delete(history: History, clip_ids: Sequence[str], linked: bool = True) -> None:
    """Remove clips and close their gaps by pulling later clips left.

        ripple delete b:   V1: a---b--c-   ->   V1: a---c-

    Each removed clip's length is closed on its track and on tracks of partners of the clips
    pulled left. Refused when a pulled clip would land on a clip that stays.
    """
    targets = groups(history.project, clip_ids, linked)
    editable(*(t for t, _ in targets))
    spans: dict[tuple[int, int], list[str]] = {}
    for t, c in targets:
        spans.setdefault((c.start, c.end), []).append(t.id)
    with history.transaction("Ripple delete"):
        for t, c in targets:
            history.apply(RemoveClip(t.id, c.id))
        for (start, end), track_ids in sorted(spans.items(), reverse=True):
            ripple(history, track_ids, end, start - end)
        drop_lonely_links(history)


def close_gap(history: History, track_id: str, frame: int) -> None:
    """Pull what follows the empty space at `frame` on a track left, closing it.

        close gap at 3:   V1: a-...b-c   ->   V1: a-b-c

    The partners of pulled clips move with them on their tracks. Refused where `frame` is not
    between two clips, and when a pulled clip would land on a clip that stays.
    """
    track = find_track(history.project, track_id)
    gap = next((g for g in track.items() if isinstance(g, Gap) and g.start <= frame < g.end), None)
    if gap is None:
        raise EditError(f"no gap at frame {frame} on {track.name}")
    editable(track)
    with history.transaction("Close gap"):
        ripple(history, [track.id], gap.end, -gap.duration)


def lift(history: History, start: int, end: int) -> None:
    """Empty frames [start, end) of every unlocked track, leaving a gap (a marked range deleted).

        lift 2-4:   V1: a---b-   ->   V1: a-..b- | 0 0
    """
    with history.transaction("Lift"):
        _clear_range(history, start, end)


def extract(history: History, start: int, end: int) -> None:
    """Cut frames [start, end) out of every unlocked track and close the gap: what follows moves
    left on those tracks (and partners of what moves, on theirs).

        extract 2-4:   V1: a---b-   ->   V1: a-b-
    """
    with history.transaction("Extract"):
        tracks = _clear_range(history, start, end)
        ripple(history, tracks, end, start - end)


def _clear_range(history: History, start: int, end: int) -> list[str]:
    """Clear [start, end) on every unlocked track; returns their ids."""
    if not 0 <= start < end:
        raise EditError("mark an in and an out point first (the out after the in)")
    tracks = [t for t in history.project.tracks if not t.locked]
    if not tracks:
        raise EditError("every track is locked")
    right_links: dict[str, str] = {}
    for track in tracks:
        clear(history, track, start, end, right_links)
    drop_lonely_links(history)
    return [t.id for t in tracks]


def move(history: History, clip_id: str, delta: int, track_id: str | None = None, linked: bool = True) -> None:
    """Move a clip `delta` frames (and to another track of the same kind, if `track_id` is given).

        move b by -3:          V1: a---..b--   ->   V1: a---b--
        move b to V2 by +1:    V1: a---b--     ->   V1: a---
                               V2:             ->   V2: .....b--

    Linked partners move by the same `delta` on their own tracks. Refused if any moved clip
    would overlap a clip that stays, or start before frame 0.
    """
    project = history.project
    targets = groups(project, [clip_id], linked)
    source, clip = targets[0]
    target = find_track(project, track_id) if track_id is not None else source
    if target.kind is not source.kind:
        raise EditError(
            f"cannot move '{clip_label(clip)}' from {source.kind.value} track {source.name} "
            f"to {target.kind.value} track {target.name}"
        )
    editable(target, *(t for t, _ in targets))
    if target is not source and clip.link is not None and any(c.link == clip.link for c in target.clips):
        raise EditError(f"'{clip_label(clip)}' is linked to a clip on {target.name}; unlink them to move it there")
    if delta == 0 and target is source:
        return
    news = [((target if c is clip else t).id, replace(c, start=c.start + delta)) for t, c in targets]
    with history.transaction("Move"):
        update(history, targets, news)


def split(history: History, frame: int, clip_ids: Sequence[str] | None = None, linked: bool = True) -> list[Clip]:
    """Cut clips in two at `frame` (the razor).

        split at 4:   V1: a-------   ->   V1: a---a---
                      A1: a-------   ->   A1: a---a---

    With no `clip_ids`, every clip under `frame` on unlocked tracks is cut. Otherwise the given
    clips (each must contain `frame`) and, with `linked`, their partners that contain it. The
    left parts keep their ids and links; the right parts get new ids, and the right parts of a
    linked group form a new group. Returns the right parts.
    """
    project = history.project
    if clip_ids is None:
        targets = [(t, c) for t in project.tracks if not t.locked for c in t.clips if c.start < frame < c.end]
        if not targets:
            raise EditError(f"no clip to split at frame {frame}")
    else:
        for cid in clip_ids:
            _, c = find_clip(project, cid)
            if not c.start < frame < c.end:
                raise EditError(f"frame {frame} is not inside '{clip_label(c)}' (frames {c.start}-{c.end - 1})")
        targets = [(t, c) for t, c in groups(project, clip_ids, linked) if c.start < frame < c.end]
    editable(*(t for t, _ in targets))
    right_links: dict[str, str] = {}
    rights = []
    with history.transaction("Split"):
        for t, c in targets:
            left, right = cut_at(c, frame - c.start)
            right = replace(right, link=c.link and right_links.setdefault(c.link, new_id()), id=new_id())
            history.apply(ReplaceClip(t.id, c.id, left))
            history.apply(PutClip(t.id, right))
            rights.append(right)
        drop_lonely_links(history)
    return [project.clip(c.id) for c in rights]
