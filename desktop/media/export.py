"""Render a project to an MP4 file: H.264 (libx264, yuv420p, BT.709) picture and AAC stereo sound.

The file is written to a hidden temp file in the output's folder and renamed over the output only
when complete, so a cancelled or failed render leaves nothing behind and a reader never sees half a
file. An output that is one of the project's media files is refused.
"""
from __future__ import annotations

import dataclasses
import os
from fractions import Fraction
from math import ceil, floor
from pathlib import Path
from typing import Callable

from desktop.media.compositor import Compositor, sample_at
from desktop.media.errors import Cancelled, MediaError
from desktop.media.mp4out import add_aac, add_h264, mp4_output
from desktop.media.pool import MediaPool
from desktop.timeline.model import Project

PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
           "veryslow")


class RenderCancelled(Cancelled):
    """The caller's cancel check asked the render to stop; nothing was written."""


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def snapshot(project: Project) -> Project:
    """A copy of the project's timeline that later edits do not touch (clips and media are
    immutable values, so copying the lists is enough). Take it on the thread that edits, then
    render it in the background."""
    copy = dataclasses.replace(project)
    copy.tracks = [dataclasses.replace(t, clips=list(t.clips)) for t in project.tracks]
    copy.bin = list(project.bin)
    return copy


def _offline_in(project: Project, start: int, end: int) -> list[str]:
    """The missing files that frames [start, end) would draw or play, each named once."""
    from desktop.timeline.model import TrackKind

    missing: dict[str, None] = {}
    for track in project.tracks:
        if track.hidden if track.kind is TrackKind.VIDEO else track.muted:
            continue
        for clip in track.clips_in(start, end):
            if clip.enabled and clip.media.offline:
                missing.setdefault(clip.media.path)
    return list(missing)


def check_output(project: Project, out_path: str | os.PathLike) -> None:
    """MediaError when `out_path` cannot be rendered to: an input, a folder, or no such folder."""
    out = os.fspath(out_path)
    for media in project.media_list():
        if _same_file(out, media.path):
            raise MediaError(f"{out}: is one of the project's media files; choose another output")
    if os.path.isdir(out):
        raise MediaError(f"{out}: is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise MediaError(f"{folder}: no such folder")


def render(
    project: Project,
    out_path: str | os.PathLike,
    *,
    width: int | None = None,
    height: int | None = None,
    fps: Fraction | None = None,
    crf: int = 20,
    preset: str = "medium",
    frame_range: tuple[int, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    pool: MediaPool | None = None,
) -> Path:
    """Render project frames [start, end) = `frame_range` (default: all) to `out_path`; returns the output path.

    width/height/fps default to the project's (sizes are rounded down to even numbers, as yuv420p
    needs). `progress(done, total)` is called after each output frame; `cancel()` is polled before
    each one and a true answer stops the render with RenderCancelled. MediaError for bad settings,
    offline media or unreadable media. The timeline is copied when the render starts (see
    `snapshot`), so edits made meanwhile do not reach this render.
    """
    import av

    project = snapshot(project)
    out_path = Path(out_path)
    width = int(width or project.width) // 2 * 2
    height = int(height or project.height) // 2 * 2
    out_fps = Fraction(fps) if fps else project.fps
    start, end = frame_range if frame_range is not None else (0, project.duration)
    if width < 2 or height < 2:
        raise MediaError(f"the output size {width}x{height} is too small")
    if out_fps <= 0:
        raise MediaError(f"the frame rate {out_fps} must be positive")
    if not 0 <= crf <= 51:
        raise MediaError(f"crf {crf} is outside 0..51")
    if preset not in PRESETS:
        raise MediaError(f"unknown preset {preset!r}; one of: {', '.join(PRESETS)}")
    if not 0 <= start < end:
        raise MediaError("nothing to render: the range is empty" if project.duration
                         else "nothing to render: the timeline is empty")
    offline = _offline_in(project, start, end)
    if offline:
        raise MediaError("offline media: " + ", ".join(offline))
    check_output(project, out_path)

    own_pool = pool is None
    pool = pool if pool is not None else MediaPool(max_open=32)
    compositor = Compositor(project, pool, (width, height))
    # Output frame j shows the project frame on screen at its time j / out_fps.
    total = ceil((end - start) * out_fps / project.fps)
    rate = project.sample_rate
    first_sample = sample_at(start, rate, project.fps)

    try:
        with mp4_output(out_path, "rendering") as container:
            video = add_h264(container, width, height, out_fps, crf, preset)
            audio = add_aac(container, rate) if compositor.has_sound() else None
            for j in range(total):
                if cancel is not None and cancel():
                    raise RenderCancelled()
                frame = start + floor(j * project.fps / out_fps)
                picture = compositor.video_frame(frame, format="yuv420p", dst_colorspace="ITU709",
                                                 dst_color_range="MPEG")
                picture.pts = j
                picture.time_base = 1 / out_fps
                container.mux(video.encode(picture))
                if audio is not None:
                    s0 = first_sample + floor(j * rate / out_fps)
                    s1 = first_sample + floor((j + 1) * rate / out_fps)
                    sound = av.AudioFrame.from_ndarray(compositor.samples(s0, s1).T.copy(),
                                                       format="fltp", layout="stereo")
                    sound.sample_rate = rate
                    sound.pts = s0 - first_sample
                    sound.time_base = Fraction(1, rate)
                    container.mux(audio.encode(sound))
                if progress is not None:
                    progress(j + 1, total)
            container.mux(video.encode(None))
            if audio is not None:
                container.mux(audio.encode(None))
    finally:
        if own_pool:
            pool.close()
    return out_path

