"""Edits that change where clips begin and end: trims, ripple trims, roll and slip.

Same contract as `edits.py`: one transaction each, `EditError` and no change on failure, locked
tracks refuse, linked partners follow unless `linked=False`. Every amount is a `delta` in frames
that moves an edge to the right when positive. Diagrams: one character per frame; a digit after a
track is each clip's first source frame, shown when any is not 0.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from desktop.timeline.changes import EditError, clip_label
from desktop.timeline.edit_support import check_shape, editable, find_clip, group, ripple, update
from desktop.timeline.history import History
from desktop.timeline.model import Clip

__all__ = ["trim_in", "trim_out", "ripple_trim_in", "ripple_trim_out", "roll", "slip"]


def _reshape(history: History, name: str, clip_id: str, linked: bool, change: Callable[[Clip], Clip]) -> None:
    targets = group(history.project, clip_id, linked)
    editable(*(t for t, _ in targets))
    news = [(t.id, change(c)) for t, c in targets]
    for _, c in news:
        check_shape(c, name.lower())
    if news == [(t.id, c) for t, c in targets]:
        return
    with history.transaction(name):
        update(history, targets, news)


def trim_in(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Move a clip's first frame by `delta`; its end and every other clip stay put.

        trim in +2:   V1: a-----   ->   V1: ..a--- | 2
        trim in -2:   V1: ..a--- | 2   ->   V1: a-----

    Refused past the start of the media, onto a neighbour, or to no frames.
    """
    _reshape(history, "Trim", clip_id, linked,
             lambda c: replace(c, start=c.start + delta, source_start=c.source_start + delta,
                               duration=c.duration - delta))


def trim_out(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Move a clip's end by `delta`; its start and every other clip stay put.

        trim out -2:   V1: a-----b-   ->   V1: a---..b-

    Refused past the end of the media, onto a neighbour, or to no frames.
    """
    _reshape(history, "Trim", clip_id, linked, lambda c: replace(c, duration=c.duration + delta))


def slip(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Show a later (or earlier) part of the media in the same place on the timeline.

        slip +3:   V1: .a---.   ->   V1: .a---. | 3

    Refused past either end of the media.
    """
    _reshape(history, "Slip", clip_id, linked, lambda c: replace(c, source_start=c.source_start + delta))


def _ripple_trim(history: History, clip_id: str, linked: bool, change: Callable[[Clip], Clip], shift: int) -> None:
    project = history.project
    targets = group(project, clip_id, linked)
    editable(*(t for t, _ in targets))
    news = [(t.id, change(c)) for t, c in targets]
    for _, c in news:
        check_shape(c, "trim")
    if shift == 0:
        return
    at = targets[0][1].end
    track_ids = [t.id for t, _ in targets]
    with history.transaction("Ripple trim"):
        if shift > 0:
            ripple(history, track_ids, at, shift)
        update(history, targets, news)
        if shift < 0:
            ripple(history, track_ids, at, shift)


def ripple_trim_in(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Cut `delta` frames off a clip's head (add them back when negative), moving later clips.

        ripple trim in +2:   V1: a-----b-   ->   V1: a---b- | 2 0

    The clip keeps its start; what follows it moves left by `delta` (right when negative) on its
    track and on its partners' tracks.
    """
    _ripple_trim(history, clip_id, linked,
                 lambda c: replace(c, source_start=c.source_start + delta, duration=c.duration - delta), -delta)


def ripple_trim_out(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Move a clip's end by `delta` and everything after it by the same amount.

        ripple trim out +2:   V1: a---b-   ->   V1: a-----b-
    """
    _ripple_trim(history, clip_id, linked, lambda c: replace(c, duration=c.duration + delta), delta)


def roll(history: History, clip_id: str, delta: int, linked: bool = True) -> None:
    """Move the cut between a clip and the clip right after it by `delta`.

        roll a +2:   V1: a---b---   ->   V1: a-----b- | 0 2

    The first clip gets longer by what the second loses (or the reverse); nothing else moves.
    Linked partners of both clips have their edges moved by the same `delta`.
    """
    project = history.project
    track, left = find_clip(project, clip_id)
    right = next((c for c in track.clips if c.start == left.end), None)
    if right is None:
        raise EditError(f"no clip right after '{clip_label(left)}' on {track.name}: nothing to roll")
    lefts = group(project, left.id, linked)
    rights = group(project, right.id, linked)
    if {c.id for _, c in lefts} & {c.id for _, c in rights}:
        raise EditError(f"'{clip_label(left)}' and '{clip_label(right)}' are linked; unlink them to roll")
    editable(*(t for t, _ in lefts + rights))
    news = [(t.id, replace(c, duration=c.duration + delta)) for t, c in lefts]
    news += [(t.id, replace(c, start=c.start + delta, source_start=c.source_start + delta,
                            duration=c.duration - delta)) for t, c in rights]
    for _, c in news:
        check_shape(c, "roll")
    if delta == 0:
        return
    with history.transaction("Roll"):
        update(history, lefts + rights, news)
