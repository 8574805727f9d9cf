"""Checks and building blocks shared by the edit functions (lookups, validation, ripple).

Everything here either raises `EditError` before changing anything, or changes the project only
through `history.apply`, inside the caller's transaction (which rolls back on any error).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Iterable, Sequence

from desktop.timeline.changes import EditError, PutClip, RemoveClip, ReplaceClip, clip_label
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind, new_id

Placed = tuple[str, Clip]
"""A clip and the id of the track it goes on."""


def find_track(project: Project, track_id: str) -> Track:
    for t in project.tracks:
        if t.id == track_id:
            return t
    raise EditError(f"no track with id {track_id!r}")


def find_clip(project: Project, clip_id: str) -> tuple[Track, Clip]:
    for t in project.tracks:
        c = t.clip(clip_id)
        if c is not None:
            return t, c
    raise EditError(f"no clip with id {clip_id!r}")


def editable(*tracks: Track) -> None:
    for t in tracks:
        if t.locked:
            raise EditError(f"track {t.name} is locked")


def group(project: Project, clip_id: str, linked: bool = True) -> list[tuple[Track, Clip]]:
    """The clip (first) and, when `linked`, the clips linked to it, each with its track."""
    track, clip = find_clip(project, clip_id)
    out = [(track, clip)]
    if linked and clip.link is not None:
        out += [(t, c) for t, c in project.all_clips() if c.link == clip.link and c.id != clip.id]
    return out


def groups(project: Project, clip_ids: Iterable[str], linked: bool = True) -> list[tuple[Track, Clip]]:
    """The union of `group` over several clips, each clip once, in first-seen order."""
    seen: dict[str, tuple[Track, Clip]] = {}
    for cid in clip_ids:
        for t, c in group(project, cid, linked):
            seen.setdefault(c.id, (t, c))
    if not seen:
        raise EditError("no clips given")
    return list(seen.values())


def check_kind(track: Track, media: Media) -> None:
    if track.kind is TrackKind.VIDEO and not media.has_video:
        raise EditError(f"'{media.name}' has no picture; it cannot go on video track {track.name}")
    if track.kind is TrackKind.AUDIO and not media.has_audio:
        raise EditError(f"'{media.name}' has no sound; it cannot go on audio track {track.name}")


def check_shape(clip: Clip, action: str) -> None:
    """Raise unless `clip` has frames, starts at or after 0 and stays inside its media.

    `action` starts the message, e.g. "trim" -> "trim past the start of the media".
    """
    if clip.duration <= 0:
        raise EditError(f"{action} would leave '{clip_label(clip)}' with no frames")
    if clip.start < 0:
        raise EditError(f"{action} past frame 0")
    if clip.source_start < 0:
        raise EditError(f"{action} past the start of the media")
    if clip.source_end > clip.media.duration:
        raise EditError(
            f"{action} past the end of the media ('{clip.media.name}' has {clip.media.duration} frames)"
        )


def check_new(project: Project, placed: Sequence[Placed]) -> None:
    """Validate clips about to be placed: tracks exist and are unlocked, media fits, ids are new."""
    if not placed:
        raise EditError("no clips given")
    track_ids = [tid for tid, _ in placed]
    if len(set(track_ids)) != len(track_ids):
        raise EditError("two of the clips go on the same track")
    known = {c.id for _, c in project.all_clips()}
    ids = [c.id for _, c in placed]
    if len(set(ids)) != len(ids) or known & set(ids):
        raise EditError("a clip with that id is already in the project")
    links = Counter(c.link for _, c in placed if c.link is not None)
    used = {c.link for _, c in project.all_clips()}
    if any(n < 2 or link in used for link, n in links.items()):
        raise EditError("a link must join new clips to each other only")
    check_targets(project, placed)


def check_targets(project: Project, placed: Sequence[Placed]) -> None:
    """Each clip's track exists, is unlocked and holds its kind of media, and the clip fits its media."""
    for tid, clip in placed:
        track = find_track(project, tid)
        editable(track)
        check_kind(track, clip.media)
        check_shape(clip, f"'{clip_label(clip)}' would run")


def update(history: History, olds: Sequence[tuple[Track, Clip]], news: Sequence[Placed]) -> None:
    """Take all `olds` off their tracks, then put all `news` (so clips may swap places)."""
    for t, c in olds:
        history.apply(RemoveClip(t.id, c.id))
    for tid, c in news:
        history.apply(PutClip(tid, c))


def ripple(history: History, track_ids: Iterable[str], at: int, delta: int, split: bool = False) -> None:
    """Shift every clip starting at or after `at` by `delta` frames.

    Acts on the given tracks and, so linked pairs stay in sync, on every track holding a partner
    of a clip that shifts (repeatedly, until no new track joins). With `split`, a clip that
    straddles `at` is cut there and its right part shifts (an insert in the middle of a clip).
    Shifting left onto a clip that stays raises the usual overlap error.
    """
    project = history.project
    links: dict[str, set[str]] = {}
    for t, c in project.all_clips():
        if c.link is not None:
            links.setdefault(c.link, set()).add(t.id)
    todo = list(dict.fromkeys(track_ids))
    affected: dict[str, Track] = {}
    while todo:
        track = find_track(project, todo.pop())
        if track.id in affected:
            continue
        affected[track.id] = track
        todo += [tid for c in track.clips if c.end > at and c.link for tid in links[c.link]]
    olds: list[tuple[Track, Clip]] = []
    news: list[Placed] = []
    right_links: dict[str, str] = {}
    for track in affected.values():
        for c in track.clips:
            if c.start >= at:
                olds.append((track, c))
                news.append((track.id, replace(c, start=c.start + delta)))
            elif c.end > at and split:
                left, right = cut_at(c, at - c.start)
                link = c.link and right_links.setdefault(c.link, new_id())
                olds.append((track, c))
                news.append((track.id, left))
                news.append((track.id, replace(right, start=at + delta, link=link, id=new_id())))
        if any(t is track for t, _ in olds):
            editable(track)
    update(history, olds, news)


def cut_at(clip: Clip, offset: int) -> tuple[Clip, Clip]:
    """`clip` cut `offset` frames after its start into a left and a right piece, both still with
    its id and link (the caller gives one new ones). Each keeps only the fade of its outer edge."""
    left = replace(clip, duration=offset, fade_out=0)
    right = replace(clip, start=clip.start + offset, source_start=clip.source_start + offset,
                    duration=clip.duration - offset, fade_in=0)
    return left, right


def clear(history: History, track: Track, start: int, end: int,
          right_links: dict[str, str] | None = None) -> None:
    """Make [start, end) of `track` empty by cutting away what is there.

    A clip across the whole range leaves a right piece that is a new clip: unlinked, or, given
    `right_links` (shared by calls that clear the same range on several tracks), linked to the
    right pieces of its partners.
    """
    for c in track.clips_in(start, end):
        if c.start < start:
            history.apply(ReplaceClip(track.id, c.id, cut_at(c, start - c.start)[0]))
        else:
            history.apply(RemoveClip(track.id, c.id))
        if c.end > end:
            right = cut_at(c, end - c.start)[1]
            if c.start < start:
                link = c.link and right_links is not None and right_links.setdefault(c.link, new_id())
                right = replace(right, id=new_id(), link=link or None)
            history.apply(PutClip(track.id, right))


def drop_lonely_links(history: History) -> None:
    """Clear the link of any clip whose partners are all gone (a group needs two clips)."""
    project = history.project
    counts = Counter(c.link for _, c in project.all_clips() if c.link is not None)
    for t, c in list(project.all_clips()):
        if c.link is not None and counts[c.link] == 1:
            history.apply(ReplaceClip(t.id, c.id, replace(c, link=None)))
