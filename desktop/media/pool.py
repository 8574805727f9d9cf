"""One open decoder per media file, reused across requests, and a shared cache of decoded pictures.

A MediaPool is what the compositor, thumbnails and generation context read media through. Files are
keyed by identity (path, size, mtime), so a file replaced on disk is reopened, never served stale.
At most `max_open` files stay open; the least recently used is closed (it reopens if asked again).

Threads: every method is safe to call from any thread. Decoders keep a read position, so give each
sequential consumer (the player's decode-ahead, an export) its own pool; they may share a FrameCache.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from fractions import Fraction

import numpy as np

from desktop.media.audio import AudioReader
from desktop.media.decoder import VideoDecoder
from desktop.media.files import file_id
from desktop.media.framecache import FrameCache


class MediaPool:
    def __init__(self, cache: FrameCache | None = None, max_open: int = 16, threads: int = 0):
        self.cache = cache if cache is not None else FrameCache()
        self.max_open = max_open
        self.threads = threads
        self._open: OrderedDict[tuple, VideoDecoder | AudioReader] = OrderedDict()
        self._lock = threading.Lock()

    def video(self, path: str | os.PathLike) -> VideoDecoder:
        """The decoder of `path`'s picture (MediaError when it cannot be read)."""
        return self._get(("video", file_id(path)),
                         lambda: VideoDecoder(path, cache=self.cache, threads=self.threads))

    def audio(self, path: str | os.PathLike, sample_rate: int) -> AudioReader:
        """The reader of `path`'s sound at `sample_rate`, folded to stereo."""
        return self._get(("audio", file_id(path), sample_rate), lambda: AudioReader(path, sample_rate))

    def frame_at(self, path: str | os.PathLike, project_frame: int, fps: Fraction,
                 size: tuple[int, int] | None = None) -> np.ndarray:
        """The picture of `path` shown at project frame `project_frame` of the media (see decoder)."""
        return self.video(path).frame_at(project_frame, fps, size)

    def close(self) -> None:
        with self._lock:
            items = list(self._open.values())
            self._open.clear()
        for item in items:
            item.close()

    def __enter__(self) -> "MediaPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _get(self, key: tuple, make):
        with self._lock:
            item = self._open.get(key)
            if item is not None:
                self._open.move_to_end(key)
                return item
        item = make()  # outside the lock: opening a file can take a while
        evicted = []
        with self._lock:
            existing = self._open.get(key)
            if existing is not None:  # another thread opened it meanwhile
                evicted.append(item)
                item = existing
            else:
                self._open[key] = item
            while len(self._open) > self.max_open:
                evicted.append(self._open.popitem(last=False)[1])
        for old in evicted:
            old.close()
        return item
