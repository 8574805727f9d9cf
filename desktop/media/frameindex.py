"""Every frame's timestamp and the keyframes of a video stream, from one demux pass (no decoding).

This is what makes access frame-exact for any container: frame i of a file is the i-th timestamp in
presentation order, and a seek for it starts at the last keyframe at or before it. When the
timestamps follow a constant rate (within the container's rounding, e.g. Matroska's milliseconds)
times map to frames through that exact Fraction rate; otherwise (variable rate) through the
timestamps themselves.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from fractions import Fraction
from math import floor

import numpy as np

from desktop.media.errors import MediaError
from desktop.media.files import FileId, file_id, open_container


class VideoIndex:
    """The frames of one video stream, in presentation order.

    `pts` are stream timestamps (units of `time_base`), strictly increasing; `keyframes` are the
    positions (frame numbers) of keyframes. `rate` is exact when `constant` is true. `duration`
    is in seconds from the first frame to the end of the last one.
    """

    def __init__(self, time_base: Fraction, pts: np.ndarray, keyframes: np.ndarray,
                 rate: Fraction, constant: bool, duration: Fraction, stream_index: int):
        self.time_base = time_base
        self.pts = pts
        self.keyframes = keyframes
        self.rate = rate
        self.constant = constant
        self.duration = duration
        self.stream_index = stream_index
        self._position = {int(p): i for i, p in enumerate(pts)}

    def __len__(self) -> int:
        return len(self.pts)

    @property
    def start(self) -> Fraction:
        """The first frame's time in the file, in seconds (the origin of all our media times)."""
        return int(self.pts[0]) * self.time_base

    def at_time(self, seconds: Fraction) -> int:
        """The last frame whose time (seconds since the first frame) is <= `seconds`, clamped."""
        if self.constant:
            i = floor(seconds * self.rate)
        else:
            # Half a tick of tolerance: containers round timestamps to their time base.
            target = floor(int(self.pts[0]) + Fraction(seconds) / self.time_base + Fraction(1, 2))
            i = int(np.searchsorted(self.pts, target, side="right")) - 1
        return min(max(i, 0), len(self.pts) - 1)

    def for_project_frame(self, frame: int, fps: Fraction) -> int:
        """The frame shown at project frame `frame` of this media (time frame / fps)."""
        return self.at_time(Fraction(frame) / fps)

    def position(self, pts: int | None) -> int | None:
        """The frame number of a decoded frame's timestamp, None if it is not in the index."""
        return None if pts is None else self._position.get(pts)

    def keyframe_at_or_before(self, i: int) -> int:
        """The frame number of the last keyframe at or before frame `i`."""
        k = int(np.searchsorted(self.keyframes, i, side="right")) - 1
        return int(self.keyframes[max(k, 0)])


def _fits(pts: np.ndarray, rate: Fraction | None, time_base: Fraction) -> bool:
    """True when frame i sits at first + i / rate for every i, within one tick of the time base."""
    if not rate or rate <= 0:
        return False
    step = float(1 / (rate * time_base))
    ideal = pts[0] + np.arange(len(pts)) * step
    return bool(np.abs(pts - ideal).max() <= 1.0)


def build_index(container, stream) -> VideoIndex:
    """Scan `stream`'s packets. A truncated file keeps the frames read before the damage."""
    import av

    ts: list[int] = []
    keys: list[int] = []
    durations: list[int] = []
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            t = packet.pts if packet.pts is not None else packet.dts
            if t is None:
                continue
            ts.append(t)
            durations.append(packet.duration or 0)
            if packet.is_keyframe:
                keys.append(t)
    except av.FFmpegError:
        pass  # damaged tail: keep what was read
    if not ts:
        raise MediaError(f"{container.name}: the video stream has no frames")
    order = np.argsort(np.asarray(ts, dtype=np.int64), kind="stable")
    pts = np.asarray(ts, dtype=np.int64)[order]
    keep = np.concatenate(([True], np.diff(pts) > 0))  # drop duplicate timestamps
    last_duration = int(np.asarray(durations, dtype=np.int64)[order][-1])
    pts = pts[keep]
    key_positions = np.flatnonzero(np.isin(pts, np.asarray(keys, dtype=np.int64)))
    if len(key_positions) == 0 or key_positions[0] != 0:
        key_positions = np.concatenate(([0], key_positions))

    tb = Fraction(stream.time_base)
    deltas = np.diff(pts)
    candidates = [stream.guessed_rate, stream.average_rate, stream.base_rate]
    if len(deltas):
        median = int(np.median(deltas))
        candidates.append((1 / (median * tb)).limit_denominator(1001))
    rate = next((Fraction(r) for r in candidates if r and _fits(pts, Fraction(r), tb)), None)
    if rate is not None:
        return VideoIndex(tb, pts, key_positions, rate, True, len(pts) / rate, stream.index)
    span = int(pts[-1] - pts[0])
    tail = last_duration or (int(np.median(deltas)) if len(deltas) else 1)
    duration = (span + tail) * tb
    rate = Fraction(stream.average_rate) if stream.average_rate else len(pts) / duration
    return VideoIndex(tb, pts, key_positions, rate, False, duration, stream.index)


_cache: OrderedDict[FileId, VideoIndex] = OrderedDict()
_lock = threading.Lock()
_CACHE_SIZE = 64


def video_index(path) -> VideoIndex:
    """The index of a file's first video stream, built once per file identity and kept."""
    fid = file_id(path)
    with _lock:
        if fid in _cache:
            _cache.move_to_end(fid)
            return _cache[fid]
    with open_container(path) as container:
        stream = picture_stream(container)
        if stream is None:
            raise MediaError(f"{path}: has no video stream")
        index = build_index(container, stream)
    with _lock:
        _cache[fid] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def picture_stream(container):
    """The first video stream that is moving picture (not cover art), or None."""
    import av

    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None
