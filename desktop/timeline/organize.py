"""Edits that organise rather than cut: tracks, links, gain, fades, markers, the bin, relinking and
importing.

Same contract as `edits.py`: one transaction each, `EditError` and no change on failure.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

from desktop.timeline.changes import (
    AddMarker,
    AddMedia,
    AddTrack,
    EditError,
    MoveTrack,
    RemoveMarker,
    RemoveMedia,
    RemoveTrack,
    ReplaceClip,
    SetTrack,
    TrackValue,
    clip_label,
)
from desktop.timeline.edit_support import (
    Placed,
    check_kind,
    check_shape,
    drop_lonely_links,
    editable,
    find_track,
    groups,
)
from desktop.timeline.edits import append, insert, overwrite
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Marker, Media, Project, Track, TrackKind, new_id

__all__ = [
    "add_track", "remove_track", "move_track", "set_track", "link", "unlink", "set_gain",
    "add_media", "remove_media", "relink", "place_media", "import_media",
]


def add_track(history: History, kind: TrackKind, name: str | None = None, index: int | None = None) -> Track:
    """Add an empty track (named V<n> or A<n> unless `name` is given), last unless `index` is given."""
    project = history.project
    if name is None:
        names = {t.name for t in project.tracks}
        prefix = "V" if kind is TrackKind.VIDEO else "A"
        n = sum(t.kind is kind for t in project.tracks) + 1
        while f"{prefix}{n}" in names:
            n += 1
        name = f"{prefix}{n}"
    if not name.strip():
        raise EditError("a track needs a name")
    index = len(project.tracks) if index is None else index
    if not 0 <= index <= len(project.tracks):
        raise EditError(f"no track position {index} (there are {len(project.tracks)} tracks)")
    value = TrackValue(TrackKind(kind), name, (), False, False, False, new_id())
    with history.transaction("Add track"):
        history.apply(AddTrack(value, index))
    return project.track(value.id)


def remove_track(history: History, track_id: str) -> None:
    """Remove a track and its clips; their partners on other tracks lose the link."""
    track = find_track(history.project, track_id)
    editable(track)
    with history.transaction("Remove track"):
        history.apply(RemoveTrack(track.id))
        drop_lonely_links(history)


def move_track(history: History, track_id: str, index: int) -> None:
    """Move a track to position `index` in the track order (later video tracks draw on top)."""
    project = history.project
    find_track(project, track_id)
    if not 0 <= index < len(project.tracks):
        raise EditError(f"no track position {index} (there are {len(project.tracks)} tracks)")
    if project.tracks[index].id == track_id:
        return
    with history.transaction("Move track"):
        history.apply(MoveTrack(track_id, index))


def set_track(history: History, track_id: str, *, name: str | None = None, muted: bool | None = None,
              hidden: bool | None = None, locked: bool | None = None) -> None:
    """Rename a track or set its flags (allowed on a locked track, so it can be unlocked)."""
    track = find_track(history.project, track_id)
    if name is not None and not name.strip():
        raise EditError("a track needs a name")
    values = tuple((k, v) for k, v in (("name", name), ("muted", muted), ("hidden", hidden), ("locked", locked))
                   if v is not None and getattr(track, k) != v)
    if values:
        with history.transaction("Track settings"):
            history.apply(SetTrack(track.id, values))


def link(history: History, clip_ids: Sequence[str]) -> str:
    """Link clips on different tracks into one group (they then move, trim and split together).

    Clips leave any group they were in. Returns the new link id.
    """
    project = history.project
    targets = groups(project, clip_ids, linked=False)
    if len(targets) < 2:
        raise EditError("linking needs at least two clips")
    if len({t.id for t, _ in targets}) < len(targets):
        raise EditError("linked clips must be on different tracks")
    editable(*(t for t, _ in targets))
    link_id = new_id()
    with history.transaction("Link"):
        for t, c in targets:
            history.apply(ReplaceClip(t.id, c.id, replace(c, link=link_id)))
        drop_lonely_links(history)
    return link_id


def unlink(history: History, clip_ids: Sequence[str]) -> None:
    """Break the groups of the given clips, so each of their clips edits alone."""
    targets = [(t, c) for t, c in groups(history.project, clip_ids) if c.link is not None]
    if not targets:
        return
    editable(*(t for t, _ in targets))
    with history.transaction("Unlink"):
        for t, c in targets:
            history.apply(ReplaceClip(t.id, c.id, replace(c, link=None)))


def set_gain(history: History, clip_ids: Sequence[str], gain_db: float, linked: bool = True) -> None:
    """Set the sound level (dB) of audio clips; a video clip's linked sound is set through it."""
    if not math.isfinite(gain_db):
        raise EditError("gain must be a finite number of dB")
    targets = [(t, c) for t, c in groups(history.project, clip_ids, linked) if t.kind is TrackKind.AUDIO]
    if not targets:
        raise EditError("gain applies to sound: none of the clips is on an audio track")
    editable(*(t for t, _ in targets))
    if all(c.gain_db == gain_db for _, c in targets):
        return
    with history.transaction("Gain"):
        for t, c in targets:
            history.apply(ReplaceClip(t.id, c.id, replace(c, gain_db=float(gain_db))))


def rename_clip(history: History, clip_ids: Sequence[str], name: str, linked: bool = True) -> None:
    """Name clips (with their partners when `linked`); an empty name shows the media's name."""
    targets = [(t, c) for t, c in groups(history.project, clip_ids, linked) if c.name != name]
    editable(*(t for t, _ in targets))
    if not targets:
        return
    with history.transaction("Rename clip"):
        for t, c in targets:
            history.apply(ReplaceClip(t.id, c.id, replace(c, name=name)))


def set_enabled(history: History, clip_ids: Sequence[str], enabled: bool, linked: bool = True) -> None:
    """Switch clips (with their partners when `linked`) off or back on; an off clip keeps its place
    but gives no picture or sound."""
    targets = [(t, c) for t, c in groups(history.project, clip_ids, linked) if c.enabled != enabled]
    editable(*(t for t, _ in targets))
    if not targets:
        return
    with history.transaction("Enable clip" if enabled else "Disable clip"):
        for t, c in targets:
            history.apply(ReplaceClip(t.id, c.id, replace(c, enabled=bool(enabled))))


def set_fades(history: History, clip_ids: Sequence[str], fade_in: int | None = None,
              fade_out: int | None = None, linked: bool = True) -> None:
    """Set how many frames clips fade in and out over (None leaves that fade as it is). With
    `linked`, partners fade alike, so a picture and its sound fade together."""
    for value in (fade_in, fade_out):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise EditError("a fade is a whole number of frames, 0 or more")
    targets = groups(history.project, clip_ids, linked)
    editable(*(t for t, _ in targets))
    changes = []
    for t, c in targets:
        wanted = (c.fade_in if fade_in is None else fade_in, c.fade_out if fade_out is None else fade_out)
        if sum(wanted) > c.duration:
            raise EditError(f"fades of {wanted[0]} and {wanted[1]} frames do not fit in "
                            f"'{clip_label(c)}' ({c.duration} frames)")
        new = replace(c, fade_in=wanted[0], fade_out=wanted[1])
        if new != c:
            changes.append((t, c, new))
    if not changes:
        return
    with history.transaction("Fade"):
        for t, c, new in changes:
            history.apply(ReplaceClip(t.id, c.id, new))


def add_marker(history: History, frame: int, name: str = "") -> None:
    """Mark timeline frame `frame` (refused where a marker already is)."""
    with history.transaction("Add marker"):
        history.apply(AddMarker(Marker(frame, name)))


def remove_marker(history: History, frame: int) -> None:
    with history.transaction("Remove marker"):
        history.apply(RemoveMarker(frame))


def rename_marker(history: History, frame: int, name: str) -> None:
    marker = next((m for m in history.project.markers if m.frame == frame), None)
    if marker is None:
        raise EditError(f"no marker at frame {frame}")
    if marker.name == name:
        return
    with history.transaction("Rename marker"):
        history.apply(RemoveMarker(frame))
        history.apply(AddMarker(Marker(frame, name)))


def add_media(history: History, media: Media) -> None:
    """Put a media file in the bin (last)."""
    if media.duration <= 0:
        raise EditError(f"'{media.name}' has no frames")
    if not (media.has_video or media.has_audio):
        raise EditError(f"'{media.name}' has neither picture nor sound")
    with history.transaction("Add media"):
        history.apply(AddMedia(media, len(history.project.bin)))


def remove_media(history: History, path: str) -> None:
    """Take a media file out of the bin; clips already on the timeline keep it."""
    with history.transaction("Remove media"):
        history.apply(RemoveMedia(path))


def relink(history: History, old_path: str, media: Media) -> int:
    """Point the bin entry and every clip that uses `old_path` at `media` (e.g. a moved file).

    Refused if a clip would then reach past the new media's end or land on a track of the wrong
    kind. Relinking fixes references, so it is allowed on locked tracks. Returns the number of
    clips changed.
    """
    project = history.project
    users = [(t, c) for t, c in project.all_clips() if c.media.path == old_path]
    in_bin = [i for i, m in enumerate(project.bin) if m.path == old_path]
    if not users and not in_bin:
        raise EditError(f"no clip or bin item uses {old_path}")
    if media.path != old_path and any(m.path == media.path for m in project.bin):
        raise EditError(f"'{media.name}' is already in the bin")
    for t, c in users:
        check_kind(t, media)
        check_shape(replace(c, media=media), f"relinked '{clip_label(c)}' would reach")
    with history.transaction("Relink"):
        for i in in_bin:
            history.apply(RemoveMedia(old_path))
            history.apply(AddMedia(media, i))
        for t, c in users:
            history.apply(ReplaceClip(t.id, c.id, replace(c, media=media)))
    return len(users)


def place_media(project: Project, media: Media, at: int, video_track_id: str | None = None,
                audio_track_id: str | None = None, source_start: int = 0,
                duration: int | None = None) -> list[Placed]:
    """Build (without placing) the clips that show `media` from `at`: its picture on the video
    track, its sound on the audio track, linked when both are given. For `insert`, `overwrite`,
    `append`, which check the clips.
    """
    duration = media.duration - source_start if duration is None else duration
    kinds = [(tid, has) for tid, has in ((video_track_id, media.has_video), (audio_track_id, media.has_audio))
             if tid is not None and has]
    if not kinds:
        raise EditError(f"no track given for '{media.name}'s " + ("picture" if media.has_video else "sound"))
    link_id = new_id() if len(kinds) == 2 else None
    return [(tid, Clip(media, at, source_start, duration, name=media.name, link=link_id)) for tid, _ in kinds]


def import_media(history: History, media: Media, at: int | None = None, mode: str = "append",
                 video_track_id: str | None = None, audio_track_id: str | None = None) -> list[Clip]:
    """Add `media` to the bin (if new) and put all of it on the timeline, as one undo step.

    A file with picture and sound becomes a linked pair. Missing track ids mean the first
    unlocked track of that kind, made if there is none. `mode` is "append" (after the tracks'
    last clips; `at` ignored), "insert" or "overwrite" (at frame `at`). Returns the placed clips.
    """
    edit = {"append": append, "insert": insert, "overwrite": overwrite}.get(mode)
    if edit is None:
        raise EditError(f"unknown placing mode {mode!r} (append, insert or overwrite)")
    if mode != "append" and at is None:
        raise EditError(f"{mode} needs a frame to place the media at")
    project = history.project
    with history.transaction("Import"):
        if not any(m.path == media.path for m in project.bin):
            add_media(history, media)
        if media.has_video and video_track_id is None:
            video_track_id = _first_free(history, TrackKind.VIDEO)
        if media.has_audio and audio_track_id is None:
            audio_track_id = _first_free(history, TrackKind.AUDIO)
        placed = place_media(project, media, at or 0, video_track_id, audio_track_id)
        return edit(history, placed)


def _first_free(history: History, kind: TrackKind) -> str:
    track = next((t for t in history.project.tracks if t.kind is kind and not t.locked), None)
    return (track or add_track(history, kind)).id
