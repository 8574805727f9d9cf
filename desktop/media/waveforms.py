"""Audio peaks for drawing waveforms: the lowest and highest sample per block, at many zoom levels.

Level k holds one (min, max) pair per BIN * 2**k samples of the file's sound (both stereo sides
together), at the file's own sample rate and on the same time origin as AudioReader (media time 0 is
the first video frame when there is one). `Waveform.peaks(start, end, columns)` gives what a lane
`columns` pixels wide draws for media seconds [start, end). Computed by a pure function that runs
off the UI thread, and cached on disk as .npz keyed by file identity, so reopening is instant.
"""
from __future__ import annotations

import math
import os
from typing import Callable

import numpy as np

from desktop.media.audio import AudioReader
from desktop.media.errors import Cancelled, MediaError
from desktop.media.files import cache_dir, file_id, write_atomic
from desktop.media.probe import probe

BIN = 256  # samples per peak at level 0 (5.3 ms at 48 kHz)
_CHUNK = BIN * 256


class Waveform:
    def __init__(self, sample_rate: int, levels: list[np.ndarray]):
        self.sample_rate = sample_rate
        self.levels = levels  # levels[k]: (n, 2) float32 of (min, max) per BIN * 2**k samples

    @property
    def seconds(self) -> float:
        return len(self.levels[0]) * BIN / self.sample_rate

    def peaks(self, start: float, end: float, columns: int) -> np.ndarray:
        """(columns, 2) float32 (min, max) of media seconds [start, end) split into columns.
        Vectorised: the timeline asks for every audio clip on every paint."""
        out = np.zeros((max(columns, 0), 2), np.float32)
        if columns <= 0 or end <= start:
            return out
        per_column = (end - start) * self.sample_rate / columns  # samples
        k = max(0, min(len(self.levels) - 1, int(math.floor(math.log2(max(per_column / BIN, 1))))))
        level, block = self.levels[k], BIN * 2**k
        edges = np.floor((start + (end - start) * np.arange(columns + 1) / columns)
                         * self.sample_rate / block).astype(np.int64)
        lo = np.maximum(edges[:-1], 0)
        hi = np.minimum(np.maximum(edges[1:], edges[:-1] + 1), len(level))
        valid = np.flatnonzero(hi > lo)  # one contiguous run: the columns that have sound
        if len(valid):
            first, last = valid[0], valid[-1]
            starts = lo[first:last + 1]
            part = level[:hi[last]]
            # reduceat takes [starts[i], starts[i+1]); equal neighbours give the single block starts[i]
            out[first:last + 1, 0] = np.minimum.reduceat(part[:, 0], starts)
            out[first:last + 1, 1] = np.maximum.reduceat(part[:, 1], starts)
        return out


def _levels(base: np.ndarray) -> list[np.ndarray]:
    levels = [base]
    while len(levels[-1]) > 1:
        prev = levels[-1]
        if len(prev) % 2:
            prev = np.concatenate([prev, prev[-1:]])
        pairs = prev.reshape(-1, 2, 2)
        levels.append(np.stack([pairs[:, :, 0].min(1), pairs[:, :, 1].max(1)], axis=1))
    return levels


def waveform(
    path: str | os.PathLike,
    cache: str | os.PathLike | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Waveform:
    """The peaks of `path`'s sound (MediaError when it has none). See thumbnail_strip for the
    meaning of `cache`, `progress` and `cancel`."""
    fid = file_id(path)
    cached = cache_dir("waveforms", cache) / f"{fid.key('peaks', BIN)}.npz"
    if cached.exists():
        with np.load(cached) as data:
            count = int(data["count"])
            return Waveform(int(data["rate"]), [data[f"l{k}"] for k in range(count)])
    info = probe(path)
    if not info.audio:
        raise MediaError(f"{path}: has no sound")
    rate = info.audio[0].sample_rate
    end = math.ceil((info.audio[0].start + info.audio[0].duration - info.origin) * rate)
    blocks = max(1, math.ceil(end / BIN))
    base = np.zeros((blocks, 2), np.float32)
    reader = AudioReader(path, rate)
    try:
        chunks = math.ceil(blocks * BIN / _CHUNK)
        for c in range(chunks):
            if cancel is not None and cancel():
                raise Cancelled()
            samples = reader.read(c * _CHUNK, _CHUNK).reshape(-1, BIN, 2)
            part = base[c * (_CHUNK // BIN):(c + 1) * (_CHUNK // BIN)]
            part[:, 0] = samples.min(axis=(1, 2))[:len(part)]
            part[:, 1] = samples.max(axis=(1, 2))[:len(part)]
            if progress is not None:
                progress(c + 1, chunks)
    finally:
        reader.close()
    result = Waveform(rate, _levels(base))
    arrays = {f"l{k}": level for k, level in enumerate(result.levels)}
    write_atomic(cached, lambda f: np.savez(f, rate=rate, count=len(result.levels), **arrays))
    return result
