"""Copies of a project for the player's threads, and the one-clip project a bin clip plays in.

The UI thread edits the live project; the decode and mixing threads read a snapshot taken when the
player is told that the project changed (`Player.invalidate`), so they never see an edit half done.
Clips and media are immutable values, so a snapshot copies only the lists that hold them.
"""
from __future__ import annotations

from dataclasses import replace

from desktop.timeline.model import Clip, Media, Project, Track, TrackKind


def snapshot(project: Project) -> Project:
    """A copy of `project` that later edits of the original do not change."""
    return Project(fps=project.fps, width=project.width, height=project.height,
                   sample_rate=project.sample_rate, name=project.name,
                   tracks=[replace(t, clips=list(t.clips)) for t in project.tracks],
                   bin=list(project.bin))


def source_project(media: Media, like: Project) -> Project:
    """A project that plays all of `media` from frame 0: its picture on V1, its sound on A1.

    Rate and sample rate are `like`'s (the bin's durations are in its frames); the size is the
    media's own, so the viewer shows it at its aspect ratio.
    """
    tracks = []
    if media.has_video:
        tracks.append(Track(TrackKind.VIDEO, "V1", [Clip(media, 0, 0, media.duration, media.name)]))
    if media.has_audio:
        tracks.append(Track(TrackKind.AUDIO, "A1", [Clip(media, 0, 0, media.duration, media.name)]))
    return Project(fps=like.fps, width=media.width or like.width, height=media.height or like.height,
                   sample_rate=like.sample_rate, name=media.name, tracks=tracks)
