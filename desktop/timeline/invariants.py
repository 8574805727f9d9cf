"""The rules every project obeys after every edit; tests check them after each step.

`check(project)` raises `InvariantError` (an AssertionError) describing the first rule broken.
"""
from __future__ import annotations

from collections import defaultdict

from desktop.timeline.model import Project, TrackKind


class InvariantError(AssertionError):
    """A project breaks one of the timeline's rules (a bug, never a user mistake)."""


def check(project: Project) -> None:
    """Raise `InvariantError` unless the project is well formed.

    Clips sorted and not overlapping, positive durations, starts >= 0, fades of 0 or more whole
    frames, source ranges inside [0, media.duration), clips on tracks of a kind their media has,
    link groups of two or more clips on different tracks, unique track and clip ids, bin paths
    unique, markers in order on distinct frames.
    """

    def fail(message: str) -> None:
        raise InvariantError(message)

    track_ids: set[str] = set()
    clip_ids: set[str] = set()
    groups: dict[str, list[str]] = defaultdict(list)
    for track in project.tracks:
        if track.id in track_ids:
            fail(f"two tracks have id {track.id}")
        track_ids.add(track.id)
        if not isinstance(track.kind, TrackKind):
            fail(f"track {track.name} has kind {track.kind!r}")
        previous_end = 0
        for clip in track.clips:
            where = f"clip {clip.id} ({clip.name or clip.media.name}) on {track.name}"
            if clip.id in clip_ids:
                fail(f"two clips have id {clip.id}")
            clip_ids.add(clip.id)
            if not all(isinstance(v, int) for v in (clip.start, clip.duration, clip.source_start)):
                fail(f"{where}: frame values must be integers")
            if clip.duration <= 0:
                fail(f"{where}: duration {clip.duration}")
            if not all(isinstance(v, int) and v >= 0 for v in (clip.fade_in, clip.fade_out)):
                fail(f"{where}: fades {clip.fade_in}, {clip.fade_out} must be whole frames, 0 or more")
            if clip.start < 0:
                fail(f"{where}: starts at {clip.start}")
            if clip.start < previous_end:
                fail(f"{where}: starts at {clip.start}, before the previous clip ends at {previous_end}")
            previous_end = clip.end
            if clip.source_start < 0 or clip.source_end > clip.media.duration:
                fail(f"{where}: source {clip.source_start}-{clip.source_end} outside media of "
                     f"{clip.media.duration} frames")
            if track.kind is TrackKind.VIDEO and not clip.media.has_video:
                fail(f"{where}: media has no picture")
            if track.kind is TrackKind.AUDIO and not clip.media.has_audio:
                fail(f"{where}: media has no sound")
            if clip.link is not None:
                groups[clip.link].append(track.id)
    for link, tracks in groups.items():
        if len(tracks) < 2:
            fail(f"link group {link} has a single clip")
        if len(set(tracks)) != len(tracks):
            fail(f"link group {link} has two clips on one track")
    paths = [m.path for m in project.bin]
    if len(set(paths)) != len(paths):
        fail("the bin lists a file twice")
    frames = [m.frame for m in project.markers]
    if not all(isinstance(f, int) and f >= 0 for f in frames) or frames != sorted(set(frames)):
        fail(f"markers must be at distinct whole frames, 0 or later, in order: {frames}")
