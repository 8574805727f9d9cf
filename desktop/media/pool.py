"""Open decoders per media file, reused across requests, and a shared cache of decoded pictures.

A MediaPool is what the compositor, thumbnails and generation context read media through. Files are
keyed by identity (path, size, mtime), so a file replaced on disk is reopened, never served stale.
A request goes to the reader of that file that can reach it without seeking (so two clips of one
file playing at once, on two tracks, each keep their own position); when none can, a new reader is
opened, up to PER_FILE per file, else the least recently used one seeks. At most `max_open` readers
stay open; the least recently used is closed (it reopens if asked again).

Threads: every method is safe to call from any thread. Give each sequential consumer (the player's
decode-ahead, an export) its own pool; pools may share a FrameCache.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from fractions import Fraction

import numpy as np

from desktop.media.audio import AudioReader
from desktop.media.decoder import VideoDecoder, frame_key
from desktop.media.files import file_id
from desktop.media.framecache import FrameCache

PER_FILE = 3


class MediaPool:
    def __init__(self, cache: FrameCache | None = None, max_open: int = 24, threads: int = 0):
        self.cache = cache if cache is not None else FrameCache()
        self.max_open = max_open
        self.threads = threads
        self._open: OrderedDict[tuple, VideoDecoder | AudioReader] = OrderedDict()
        self._lock = threading.Lock()

    # -- pictures ---------------------------------------------------------------------------

    def video(self, path: str | os.PathLike) -> VideoDecoder:
        """A decoder of `path`'s picture, for its size, index and rotation (MediaError when the
        file cannot be read)."""
        fid = file_id(path)
        return self._pick(("video", fid), lambda reader: 0, lambda: self._new_decoder(path))

    def decoder_for(self, path: str | os.PathLike, i: int) -> VideoDecoder:
        """The decoder of `path` that reaches frame number `i` with the least work."""
        fid = file_id(path)
        return self._pick(("video", fid), lambda d: d.distance(i), lambda: self._new_decoder(path))

    def frame(self, path: str | os.PathLike, i: int, size: tuple[int, int] | None = None) -> np.ndarray:
        """Frame number `i` of `path` as a read-only RGB picture (see VideoDecoder.frame)."""
        decoder = self.video(path)
        i = min(max(int(i), 0), len(decoder) - 1)
        hit = self.cache.get(frame_key(decoder.id, i, tuple(size) if size else decoder.size))
        return hit if hit is not None else self.decoder_for(path, i).frame(i, size)

    def frame_at(self, path: str | os.PathLike, project_frame: int, fps: Fraction,
                 size: tuple[int, int] | None = None) -> np.ndarray:
        """The picture of `path` shown at project frame `project_frame` of the media."""
        return self.frame(path, self.video(path).index.for_project_frame(project_frame, fps), size)

    # -- sound ------------------------------------------------------------------------------

    def audio(self, path: str | os.PathLike, sample_rate: int) -> AudioReader:
        """A reader of `path`'s sound at `sample_rate`, folded to stereo."""
        key = ("audio", file_id(path), sample_rate)
        return self._pick(key, lambda reader: 0, lambda: AudioReader(path, sample_rate))

    def sound(self, path: str | os.PathLike, sample_rate: int, start: int, count: int) -> np.ndarray:
        """Samples [start, start + count) of `path` at `sample_rate`: (count, 2) float32."""
        key = ("audio", file_id(path), sample_rate)
        reader = self._pick(key, lambda r: r.distance(start), lambda: AudioReader(path, sample_rate))
        return reader.read(start, count)

    # -- keeping readers --------------------------------------------------------------------

    def readers(self) -> list[VideoDecoder | AudioReader]:
        """The open readers, least recently used first."""
        with self._lock:
            return list(self._open.values())

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

    def _new_decoder(self, path) -> VideoDecoder:
        return VideoDecoder(path, cache=self.cache, threads=self.threads)

    def _pick(self, base: tuple, distance, make):
        """The open reader of `base` with the smallest distance(reader); a new one when none is
        within reach and the file has fewer than PER_FILE; else the least recently used."""
        with self._lock:
            slots = [(key, reader) for key, reader in self._open.items() if key[:-1] == base]
        reachable = [(d, key) for key, reader in slots if (d := distance(reader)) is not None]
        if reachable:
            key = min(reachable)[1]
        elif slots and len(slots) >= PER_FILE:
            key = slots[0][0]  # the least recently used
        else:
            used = {key[-1] for key, _ in slots}
            key = (*base, next(n for n in range(PER_FILE + 1) if n not in used))
            reader = make()  # outside the lock: opening a file can take a while
            evicted = []
            with self._lock:
                if key in self._open:  # another thread took the slot meanwhile
                    evicted.append(reader)
                else:
                    self._open[key] = reader
                while len(self._open) > self.max_open:
                    evicted.append(self._open.popitem(last=False)[1])
            for old in evicted:
                old.close()
        with self._lock:
            reader = self._open.get(key)
            if reader is None:  # closed by another thread just now: open it again
                return self._pick(base, distance, make)
            self._open.move_to_end(key)
            return reader
