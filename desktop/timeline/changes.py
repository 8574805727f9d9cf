"""Primitive changes to a project: the only code that mutates one.

Every edit is built from these. Each change is a frozen value with `apply(project)`, which makes
the change and returns its inverse (another change), so the history can undo and redo any
compound edit by replaying primitives. Changes refer to tracks and clips by id and hold only
immutable values, so a recorded change stays valid however often it is undone and redone.

Changes guard the track structure (clips sorted, never overlapping, positive length, no negative
start) and raise `EditError` with the reason, so an edit that forgot a check still cannot corrupt
a project: its transaction rolls back.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.errors import UserError
from desktop.timeline.model import Clip, Marker, Media, Project, Track, TrackKind


class EditError(UserError):
    """An edit that cannot be made; the message says why. The project is left unchanged."""


class Change(Protocol):
    def apply(self, project: Project) -> "Change":
        """Make the change and return the change that undoes it."""


def clip_label(clip: Clip) -> str:
    """How messages name a clip: its name, else its media file's name."""
    return clip.name or clip.media.name


def _check_fits(track: Track, clip: Clip, index: int) -> None:
    """Raise if `clip`, about to go at `index` of `track.clips`, is malformed or overlaps."""
    if clip.duration <= 0:
        raise EditError(f"'{clip_label(clip)}' would have no frames")
    if clip.start < 0:
        raise EditError(f"'{clip_label(clip)}' would start before frame 0")
    for other in track.clips[max(index - 1, 0) : index + 1]:
        if other.start < clip.end and clip.start < other.end:
            at = max(other.start, clip.start)
            raise EditError(f"clip would overlap '{clip_label(other)}' on {track.name} at frame {at}")


def _track_index(project: Project, track_id: str) -> int:
    for i, t in enumerate(project.tracks):
        if t.id == track_id:
            return i
    raise EditError(f"no track with id {track_id!r}")


def _clip_index(track: Track, clip_id: str) -> int:
    for i, c in enumerate(track.clips):
        if c.id == clip_id:
            return i
    raise EditError(f"no clip with id {clip_id!r} on {track.name}")


@dataclass(frozen=True)
class PutClip:
    """Place a clip on a track (at its own `start`)."""

    track_id: str
    clip: Clip

    def apply(self, project: Project) -> Change:
        track = project.tracks[_track_index(project, self.track_id)]
        index = bisect_right([c.start for c in track.clips], self.clip.start)
        _check_fits(track, self.clip, index)
        track.clips.insert(index, self.clip)
        return RemoveClip(self.track_id, self.clip.id)


@dataclass(frozen=True)
class RemoveClip:
    """Take a clip off its track."""

    track_id: str
    clip_id: str

    def apply(self, project: Project) -> Change:
        track = project.tracks[_track_index(project, self.track_id)]
        return PutClip(self.track_id, track.clips.pop(_clip_index(track, self.clip_id)))


@dataclass(frozen=True)
class ReplaceClip:
    """Swap one clip for another value (new position, range, gain, media...)."""

    track_id: str
    old_id: str
    clip: Clip

    def apply(self, project: Project) -> Change:
        track = project.tracks[_track_index(project, self.track_id)]
        old = track.clips.pop(_clip_index(track, self.old_id))
        index = bisect_right([c.start for c in track.clips], self.clip.start)
        try:
            _check_fits(track, self.clip, index)
        except EditError:
            track.clips.insert(bisect_right([c.start for c in track.clips], old.start), old)
            raise
        track.clips.insert(index, self.clip)
        return ReplaceClip(self.track_id, self.clip.id, old)


@dataclass(frozen=True)
class TrackValue:
    """A frozen copy of a track, so a removed track can be put back exactly."""

    kind: TrackKind
    name: str
    clips: tuple[Clip, ...]
    muted: bool
    hidden: bool
    locked: bool
    id: str

    @staticmethod
    def of(track: Track) -> "TrackValue":
        return TrackValue(track.kind, track.name, tuple(track.clips), track.muted, track.hidden,
                          track.locked, track.id)

    def track(self) -> Track:
        return Track(self.kind, self.name, list(self.clips), self.muted, self.hidden, self.locked, self.id)


@dataclass(frozen=True)
class AddTrack:
    """Insert a track (with whatever clips it holds) at `index` of the project's tracks."""

    value: TrackValue
    index: int

    def apply(self, project: Project) -> Change:
        if any(t.id == self.value.id for t in project.tracks):
            raise EditError(f"a track with id {self.value.id!r} already exists")
        project.tracks.insert(self.index, self.value.track())
        return RemoveTrack(self.value.id)


@dataclass(frozen=True)
class RemoveTrack:
    track_id: str

    def apply(self, project: Project) -> Change:
        index = _track_index(project, self.track_id)
        return AddTrack(TrackValue.of(project.tracks.pop(index)), index)


@dataclass(frozen=True)
class MoveTrack:
    """Move a track to position `index` in the project's track order."""

    track_id: str
    index: int

    def apply(self, project: Project) -> Change:
        old = _track_index(project, self.track_id)
        project.tracks.insert(self.index, project.tracks.pop(old))
        return MoveTrack(self.track_id, old)


TRACK_FIELDS = ("name", "muted", "hidden", "locked")


@dataclass(frozen=True)
class SetTrack:
    """Set a track's name or flags; `values` is a tuple of (field, value) pairs."""

    track_id: str
    values: tuple[tuple[str, Any], ...]

    def apply(self, project: Project) -> Change:
        track = project.tracks[_track_index(project, self.track_id)]
        for name, _ in self.values:
            if name not in TRACK_FIELDS:
                raise EditError(f"a track has no setting {name!r}")
        old = tuple((name, getattr(track, name)) for name, _ in self.values)
        for name, value in self.values:
            setattr(track, name, value)
        return SetTrack(self.track_id, old)


@dataclass(frozen=True)
class AddMedia:
    """Put a media file in the bin at `index`."""

    media: Media
    index: int

    def apply(self, project: Project) -> Change:
        if any(m.path == self.media.path for m in project.bin):
            raise EditError(f"'{self.media.name}' is already in the bin")
        project.bin.insert(self.index, self.media)
        return RemoveMedia(self.media.path)


@dataclass(frozen=True)
class RemoveMedia:
    """Take the media with this path out of the bin (its clips stay on the timeline)."""

    path: str

    def apply(self, project: Project) -> Change:
        for i, m in enumerate(project.bin):
            if m.path == self.path:
                return AddMedia(project.bin.pop(i), i)
        raise EditError(f"{self.path} is not in the bin")


@dataclass(frozen=True)
class AddMarker:
    """Put a marker on the timeline (one at most on a frame)."""

    marker: Marker

    def apply(self, project: Project) -> Change:
        frames = [m.frame for m in project.markers]
        if not isinstance(self.marker.frame, int) or self.marker.frame < 0:
            raise EditError("a marker must be at a whole frame, 0 or later")
        if self.marker.frame in frames:
            raise EditError(f"there is already a marker at frame {self.marker.frame}")
        project.markers.insert(bisect_right(frames, self.marker.frame), self.marker)
        return RemoveMarker(self.marker.frame)


@dataclass(frozen=True)
class RemoveMarker:
    """Take the marker at `frame` off the timeline."""

    frame: int

    def apply(self, project: Project) -> Change:
        for i, m in enumerate(project.markers):
            if m.frame == self.frame:
                return AddMarker(project.markers.pop(i))
        raise EditError(f"no marker at frame {self.frame}")


PROJECT_FIELDS = ("name", "width", "height", "sample_rate")


@dataclass(frozen=True)
class SetProject:
    """Set project settings other than the frame rate; `values` is (field, value) pairs."""

    values: tuple[tuple[str, Any], ...]

    def apply(self, project: Project) -> Change:
        for name, _ in self.values:
            if name not in PROJECT_FIELDS:
                raise EditError(f"a project has no setting {name!r}")
        old = tuple((name, getattr(project, name)) for name, _ in self.values)
        for name, value in self.values:
            setattr(project, name, value)
        return SetProject(old)
