"""Sound from one media file at a project's sample rate, as stereo float32, by sample position.

Media time 0 is the file's first video frame when it has video (so picture and sound stay in sync),
else its first audio sample; sample s sits at s / sample_rate seconds of media time. Sound is
resampled with PyAV's AudioResampler and folded to stereo by `stereo_matrix` (ITU-R BS.775 levels:
centre and surrounds at -3 dB, LFE dropped; mono goes to both sides at full level).

Reads that continue where the previous one ended (playback, export) decode forward; others seek
(with a short pre-roll so codecs with overlapping frames decode cleanly). After a seek, positions are
as exact as the container's timestamps (Matroska/WebM round them to 1 ms) and a resampled stream
may shift by a fraction of a sample; reading from the start is sample-exact. Thread rule: calls on one
reader run one at a time (a lock); give each sequential consumer its own MediaPool.
"""
from __future__ import annotations

import os
import threading
from fractions import Fraction
from math import floor

import numpy as np

from desktop.media.errors import MediaError
from desktop.media.files import open_container
from desktop.media.frameindex import picture_stream, video_index

_M3DB = 0.7071067811865476
# Each channel's share of (left, right). Unknown channels go half to each side.
_TO_STEREO = {
    "FL": (1.0, 0.0), "FR": (0.0, 1.0), "FC": (_M3DB, _M3DB), "LFE": (0.0, 0.0), "LFE2": (0.0, 0.0),
    "BL": (_M3DB, 0.0), "BR": (0.0, _M3DB), "SL": (_M3DB, 0.0), "SR": (0.0, _M3DB),
    "FLC": (1.0, 0.0), "FRC": (0.0, 1.0), "BC": (0.5, 0.5), "DL": (1.0, 0.0), "DR": (0.0, 1.0),
    "WL": (1.0, 0.0), "WR": (0.0, 1.0), "SDL": (_M3DB, 0.0), "SDR": (0.0, _M3DB),
}
_DEFAULT_LAYOUTS = {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}
_PREROLL = Fraction(1, 5)  # seconds decoded and dropped before a seek target
_FORWARD_GAP = Fraction(1, 2)  # decode forward rather than seek across a gap up to this long
_KEEP_BEHIND = Fraction(1, 4)  # seconds kept behind the last read, for slightly overlapping reads


def stereo_matrix(names: list[str]) -> np.ndarray:
    """The (2, channels) matrix that folds channels with these names (FL, FR, FC, ...) to stereo.

    Channels of an unspecified order are read as the usual layout for their count.
    """
    n = len(names)
    if n == 1:
        return np.ones((2, 1), np.float32)
    if any(name not in _TO_STEREO for name in names) and n in _DEFAULT_LAYOUTS:
        import av

        names = [c.name for c in av.AudioLayout(_DEFAULT_LAYOUTS[n]).channels]
    return np.array([_TO_STEREO.get(name, (0.5, 0.5)) for name in names], np.float32).T


class AudioReader:
    """The sound of one file, resampled to `sample_rate` and folded to stereo."""

    def __init__(self, path: str | os.PathLike, sample_rate: int):
        self.path = os.fspath(path)
        self.sample_rate = int(sample_rate)
        self._lock = threading.RLock()
        with open_container(self.path) as container:
            if not container.streams.audio:
                raise MediaError(f"{self.path}: has no audio stream")
            stream = container.streams.audio[0]
            self._tb = Fraction(stream.time_base)
            self._first = (stream.start_time or 0) * self._tb
            has_picture = picture_stream(container) is not None
        self.origin = video_index(self.path).start if has_picture else self._first
        self.seeks = 0
        self._container = None
        self._restart(self._first)

    def close(self) -> None:
        with self._lock:
            if self._container is not None:
                self._container.close()
                self._container = None

    def read(self, start: int, count: int) -> np.ndarray:
        """Samples [start, start + count) as (count, 2) float32; silence outside the file."""
        out = np.zeros((max(count, 0), 2), np.float32)
        if count <= 0:
            return out
        end = start + count
        with self._lock:
            if self._container is None:
                self._restart(self._first)
            if self.distance(start) is None:
                self._restart(self.origin + Fraction(start, self.sample_rate) - _PREROLL)
            while not self._eof and (self._buf_start is None or self._buf_end < end):
                self._decode_some()
            if self._buf_start is not None:
                buf = self._joined()
                lo, hi = max(start, self._buf_start), min(end, self._buf_end)
                if hi > lo:
                    out[lo - start:hi - start] = buf[:, lo - self._buf_start:hi - self._buf_start].T
                self._trim(start - int(_KEEP_BEHIND * self.sample_rate))
        return out

    def distance(self, start: int) -> int | None:
        """How many samples reading from `start` decodes before it without seeking; None when
        it must seek."""
        if self._container is None:
            return None
        decoded = self._buf_start is not None
        if decoded and start < self._buf_start:
            return 0 if self._from_start else None
        end = self._buf_end if decoded else self._aim
        if start <= end:
            return 0
        return start - end if self._eof or start - end <= _FORWARD_GAP * self.sample_rate else None

    # -- decoding -------------------------------------------------------------------------

    @property
    def _buf_end(self) -> int:
        return self._buf_start + self._buf_len

    def _joined(self) -> np.ndarray:
        """The buffered samples as one (2, n) array."""
        if len(self._chunks) != 1:
            self._chunks = [np.concatenate(self._chunks, axis=1) if self._chunks
                            else np.zeros((2, 0), np.float32)]
        return self._chunks[0]

    def _restart(self, seconds: Fraction) -> None:
        """Position the demuxer at file time `seconds` with a fresh resampler.

        Positions at or before the first sample reopen the file instead of seeking: decoders such as
        AAC drop their priming samples only when reading from the very start.
        """
        import av

        self._from_start = seconds <= self._first
        self._aim = floor((max(seconds, self._first) - self.origin) * self.sample_rate)
        if self._from_start:
            if self._container is not None:
                self._container.close()
            self._container = open_container(self.path)
            self._stream = self._container.streams.audio[0]
        else:
            try:
                self._container.seek(int(seconds / self._tb), stream=self._stream, backward=True)
            except av.FFmpegError as e:
                raise MediaError(f"{self.path}: cannot seek in the sound ({e.strerror or e})") from None
            self.seeks += 1
        self._packets = self._container.demux(self._stream)
        self._resampler = av.AudioResampler(format="fltp", rate=self.sample_rate)
        self._matrix = None
        self._chunks: list[np.ndarray] = []
        self._buf_len = 0
        self._buf_start = None
        self._eof = False

    def _decode_some(self) -> None:
        import av

        packet = next(self._packets, None)
        if packet is None:
            self._append(self._resampler.resample(None), None)
            self._eof = True
            return
        try:
            frames = packet.decode()
        except av.FFmpegError:
            return  # a damaged packet: skip it
        for frame in frames:
            self._append(self._resampler.resample(frame), frame)

    def _append(self, resampled, source) -> None:
        if self._buf_start is None:
            if source is None or not resampled:
                return
            pts = source.pts if source.pts is not None else (self._stream.start_time or 0)
            self._buf_start = round((pts * self._tb - self.origin) * self.sample_rate)
        for frame in resampled:
            if self._matrix is None:
                self._matrix = stereo_matrix([c.name for c in frame.layout.channels])
            chunk = self._matrix @ frame.to_ndarray()
            self._chunks.append(chunk)
            self._buf_len += chunk.shape[1]

    def _trim(self, keep_from: int) -> None:
        drop = min(keep_from - self._buf_start, self._buf_len)
        if drop > 0:
            self._chunks = [self._joined()[:, drop:]]
            self._buf_len -= drop
            self._buf_start += drop
            self._from_start = False
