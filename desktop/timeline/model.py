"""The editorial data model: a project of tracks holding clips at integer-frame positions.

Time is an integer count of frames at the project's Fraction rate, so no tolerance is ever needed.
Clips, media and gaps are immutable values; a track keeps its clips sorted by start and never
overlapping, and reports the empty space between them as Gap items (the form OpenTimelineIO and
the `info` command use). Mutable state (a track's clip list, the project's tracks and bin) is changed
only through the primitive changes in `desktop.timeline.changes`, which the edit functions
(`edits`, `trims`, `organize`) apply through a `History` that records every change for undo.
"""
from __future__ import annotations

import enum
import os
import uuid
from bisect import bisect_right
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterator, Union


def new_id() -> str:
    """A short unique id for clips, tracks and link groups (stable across save/load)."""
    return uuid.uuid4().hex[:12]


class TrackKind(str, enum.Enum):
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class Provenance:
    """How generated media was made, so it can be shown, reused and regenerated."""

    prompt: str
    seed: int
    model: str
    settings: dict[str, Any] = field(default_factory=dict, hash=False)
    created: str = ""  # ISO 8601 date and time
    source: str | None = None  # for an extension: the media it continues


@dataclass(frozen=True)
class Media:
    """A media file clips draw from.

    `duration` is how many frames of the project's grid the file covers (frame k of the grid is at
    time k / project fps from the start of the file). `rate` is the file's own video rate, None for
    sound only. A file that is missing on disk is "offline": it keeps its clips, it is reported, and
    it can be relinked.
    """

    path: str
    duration: int
    rate: Fraction | None = None
    width: int | None = None
    height: int | None = None
    has_video: bool = True
    has_audio: bool = False
    provenance: Provenance | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def offline(self) -> bool:
        return not os.path.exists(self.path)


@dataclass(frozen=True)
class Clip:
    """A range of a media file placed on a track.

    `start` is its first frame on the timeline; `source_start` its first frame of the media, in
    project frames; it covers `duration` frames of both. Clips sharing a `link` id (a picture and its
    sound) move, trim and split together. `fade_in` and `fade_out` are frame counts: the clip rises
    from nothing over its first `fade_in` frames and sinks to nothing over its last `fade_out`
    (picture over what is below it, sound in level). A fade belongs to its edge: trims keep it, a
    cut leaves each piece only the fade of its outer edge. Fades are cut down to fit the clip
    (fade in first), so a trim that shortens a clip shortens fades that no longer fit. A clip that
    is not `enabled` keeps its place but gives no picture or sound.
    """

    media: Media
    start: int
    source_start: int
    duration: int
    name: str = ""
    link: str | None = None
    gain_db: float = 0.0
    id: str = field(default_factory=new_id)
    fade_in: int = 0
    fade_out: int = 0
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.fade_in > self.duration or self.fade_in + self.fade_out > self.duration:
            fade_in = max(0, min(self.fade_in, self.duration))
            object.__setattr__(self, "fade_in", fade_in)
            object.__setattr__(self, "fade_out", max(0, min(self.fade_out, self.duration - fade_in)))

    @property
    def end(self) -> int:
        """One past the last timeline frame (ranges are half-open)."""
        return self.start + self.duration

    @property
    def source_end(self) -> int:
        return self.source_start + self.duration

    @property
    def generated(self) -> bool:
        return self.media.provenance is not None


@dataclass(frozen=True)
class Gap:
    """Empty space on a track: transparent picture, silence."""

    start: int
    duration: int

    @property
    def end(self) -> int:
        return self.start + self.duration


Item = Union[Clip, Gap]


@dataclass(eq=False)
class Track:
    """An ordered lane of clips of one kind. `clips` is sorted by start and never overlaps."""

    kind: TrackKind
    name: str
    clips: list[Clip] = field(default_factory=list)
    muted: bool = False
    hidden: bool = False
    locked: bool = False
    id: str = field(default_factory=new_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Track):
            return NotImplemented
        return self.state() == other.state()

    def state(self) -> tuple:
        """Everything that defines the track, as a comparable value (tests compare snapshots)."""
        return (self.kind, self.name, tuple(self.clips), self.muted, self.hidden, self.locked, self.id)

    @property
    def end(self) -> int:
        return self.clips[-1].end if self.clips else 0

    def items(self) -> list[Item]:
        """Clips and the gaps between them, from frame 0 to the end of the last clip."""
        out: list[Item] = []
        at = 0
        for clip in self.clips:
            if clip.start > at:
                out.append(Gap(at, clip.start - at))
            out.append(clip)
            at = clip.end
        return out

    def clip_at(self, frame: int) -> Clip | None:
        """The clip covering `frame`, if any."""
        i = bisect_right([c.start for c in self.clips], frame) - 1
        if i >= 0 and self.clips[i].start <= frame < self.clips[i].end:
            return self.clips[i]
        return None

    def clips_in(self, start: int, end: int) -> list[Clip]:
        """Clips that overlap the half-open range [start, end)."""
        return [c for c in self.clips if c.start < end and c.end > start]

    def clip(self, clip_id: str) -> Clip | None:
        return next((c for c in self.clips if c.id == clip_id), None)


@dataclass(frozen=True)
class Marker:
    """A named frame of the timeline to come back to: the playhead jumps to markers and drags
    snap to them. Markers stay where they are when clips move."""

    frame: int
    name: str = ""


@dataclass(eq=False)
class Project:
    """A timeline and its settings. The bin holds media imported but not necessarily used;
    `markers` are sorted by frame, one at most on a frame."""

    fps: Fraction = Fraction(30000, 1001)
    width: int = 1920
    height: int = 1080
    sample_rate: int = 48000
    name: str = "Untitled"
    tracks: list[Track] = field(default_factory=list)
    bin: list[Media] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fps = Fraction(self.fps)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Project):
            return NotImplemented
        return self.state() == other.state()

    def state(self) -> tuple:
        return (
            self.fps,
            self.width,
            self.height,
            self.sample_rate,
            self.name,
            tuple(t.state() for t in self.tracks),
            tuple(self.bin),
            tuple(self.markers),
        )

    @property
    def duration(self) -> int:
        return max((t.end for t in self.tracks), default=0)

    def track(self, track_id: str) -> Track:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(track_id)

    def track_of(self, clip_id: str) -> Track:
        for t in self.tracks:
            if t.clip(clip_id) is not None:
                return t
        raise KeyError(clip_id)

    def clip(self, clip_id: str) -> Clip:
        return self.track_of(clip_id).clip(clip_id)  # type: ignore[return-value]

    def all_clips(self) -> Iterator[tuple[Track, Clip]]:
        for t in self.tracks:
            for c in t.clips:
                yield t, c

    def linked(self, clip: Clip) -> list[Clip]:
        """The clip and every clip linked to it (just the clip when it has no link)."""
        if clip.link is None:
            return [clip]
        return [c for _, c in self.all_clips() if c.link == clip.link]

    def media_list(self) -> list[Media]:
        """Every distinct media file the project refers to: bin first, then the timeline's."""
        seen: dict[str, Media] = {}
        for m in self.bin:
            seen.setdefault(m.path, m)
        for _, c in self.all_clips():
            seen.setdefault(c.media.path, c.media)
        return list(seen.values())

    def offline_media(self) -> list[str]:
        return [m.path for m in self.media_list() if m.offline]

    def frames(self, seconds: float | Fraction) -> int:
        """Seconds to the nearest whole project frame."""
        return round(Fraction(seconds) * self.fps)
