"""Thumbnail strips for the timeline and the bin: small pictures of a file at regular steps.

Level L of a file holds one picture every 2**L project frames (media frames 0, 2**L, 2 * 2**L, ...),
HEIGHT pixels high, the width following the picture's aspect. The timeline picks the level that fits
its zoom with `level_for` and reads a clip's pictures with `clip_thumbnails`. A strip is a pure
function of (file, fps, level, height), so it is computed off the UI thread and cached on disk as
.npy keyed by file identity: reopening a project reads it back at once. A coarser level is cut from
a finer one already on disk.
"""
from __future__ import annotations

import math
import os
from fractions import Fraction
from typing import Callable

import numpy as np

from desktop.media.decoder import VideoDecoder
from desktop.media.errors import Cancelled
from desktop.media.files import cache_dir, file_id, write_atomic
from desktop.timeline.model import Clip

HEIGHT = 54
MAX_LEVEL = 16


def level_for(frames_per_thumbnail: float) -> int:
    """The smallest level whose step (2**level frames) is at least `frames_per_thumbnail`."""
    if frames_per_thumbnail <= 1:
        return 0
    return min(MAX_LEVEL, math.ceil(math.log2(frames_per_thumbnail)))


def _path(folder, fid, fps: Fraction, level: int, height: int):
    return folder / f"{fid.key('thumbs', fps, level, height)}.npy"


def thumbnail_strip(
    path: str | os.PathLike,
    fps: Fraction,
    level: int,
    height: int = HEIGHT,
    cache: str | os.PathLike | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> np.ndarray:
    """Pictures of media frames 0, 2**level, ... of `path` at `fps`: shape (n, height, width, 3).

    `cache` overrides the cache folder (see files.cache_dir). `progress(done, total)` is called per
    picture; `cancel()` is polled before each and a true answer raises Cancelled (nothing cached).
    """
    fid = file_id(path)
    folder = cache_dir("thumbnails", cache)
    for finer in range(level, -1, -1):
        cached = _path(folder, fid, Fraction(fps), finer, height)
        if cached.exists():
            strip = np.load(cached)
            return strip if finer == level else np.ascontiguousarray(strip[:: 2 ** (level - finer)])
    step = 2**level
    with VideoDecoder(path) as decoder:
        w, h = decoder.size
        size = (max(1, round(w * height / h)), height)
        frames = max(1, math.ceil(decoder.index.duration * Fraction(fps)))
        total = math.ceil(frames / step)
        strip = np.empty((total, height, size[0], 3), np.uint8)
        for k in range(total):
            if cancel is not None and cancel():
                raise Cancelled()
            strip[k] = decoder.frame_at(k * step, Fraction(fps), size)
            if progress is not None:
                progress(k + 1, total)
    write_atomic(_path(folder, fid, Fraction(fps), level, height), lambda f: np.save(f, strip))
    return strip


def clip_thumbnails(clip: Clip, fps: Fraction, strip: np.ndarray, level: int) -> list[tuple[int, np.ndarray]]:
    """(timeline frame, picture) for each picture of `strip` (the clip's media at `level`) that
    falls inside the clip, at the timeline frame where that media frame is shown."""
    step = 2**level
    first = math.ceil(clip.source_start / step)
    last = min(len(strip), math.ceil(clip.source_end / step))
    return [(clip.start + k * step - clip.source_start, strip[k]) for k in range(first, last)]
