"""Sound out: the project's mix, made ahead on its own thread, pulled by the audio device's callback.

The device callback (`fill`) only copies samples already mixed, so it never waits on decoding; when
the ring runs dry it plays silence for the rest of the block and counts an underrun. What the device
has played is the player's master clock (`heard`): samples handed to the device, less the device's
reported output delay, advanced between callbacks by the system clock.

The device is opened on the feed's own thread (opening can take a while), through `open_output`
(default: sounddevice). When that fails (no sounddevice, no PortAudio, no device) the feed says why
once through `on_unavailable` and the player keeps to the system clock.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

import numpy as np

from desktop.media.compositor import Compositor
from desktop.media.pool import MediaPool
from desktop.timeline.model import Project

Fill = Callable[[np.ndarray, float], None]  # (out block (n, 2) float32, output delay in seconds)


def open_sounddevice(sample_rate: int, fill: Fill):
    """A started sounddevice OutputStream (stereo float32) whose callback calls `fill`."""
    import sounddevice  # OSError when the PortAudio library is missing

    holder = []

    def callback(outdata, frames, time_info, status):  # noqa: ARG001 (sounddevice's signature)
        delay = time_info.outputBufferDacTime - time_info.currentTime
        if time_info.currentTime <= 0 or delay < 0:  # a host API that gives no times
            delay = holder[0].latency if holder else 0.0
        fill(outdata, delay)

    stream = sounddevice.OutputStream(samplerate=sample_rate, channels=2, dtype="float32",
                                      callback=callback, latency="low")
    holder.append(stream)
    stream.start()
    return stream


class AudioFeed:
    """A ring of mixed sound ahead of the device, and the count of what the device played."""

    def __init__(self, sample_rate: int, open_output: Callable[[int, Fill], object] | None = open_sounddevice,
                 on_ready: Callable[[], None] | None = None,
                 on_unavailable: Callable[[str], None] | None = None,
                 ahead: float = 0.35, chunk: int = 1024):
        self.sample_rate = sample_rate
        self.available: bool | None = None  # None while the device is being opened
        self.underruns = 0
        self._open_output = open_output
        self._on_ready = on_ready
        self._on_unavailable = on_unavailable
        self._ahead = int(ahead * sample_rate)
        self._chunk = chunk
        self._cv = threading.Condition()
        self._chunks: deque[np.ndarray] = deque()
        self._buffered = 0
        self._active = False
        self._closed = False
        self._project: Project | None = None
        self._gen = 0
        self._origin = 0  # project sample the current run started at
        self._mix_at = 0  # next project sample to mix
        self._played = 0  # samples handed to the device since the run started
        self._last: tuple[int, float, float, int] | None = None  # (played before, time, delay, n)
        self._heard = 0.0
        self._stream = None
        self._thread = threading.Thread(target=self._run, name="audio-mix", daemon=True)
        self._thread.start()

    # -- commands (player) -------------------------------------------------------------------

    def start(self, project: Project, first_sample: int) -> None:
        """Play `project` from sample `first_sample` on; the clock restarts at 0."""
        with self._cv:
            self._reset(project, first_sample)
            self._origin = first_sample
            self._played = 0
            self._last = None
            self._heard = 0.0
            self._active = True
            self._cv.notify_all()

    def remix(self, project: Project) -> None:
        """The project changed: mix again from the first sample not yet handed to the device."""
        with self._cv:
            self._reset(project, self._origin + self._played)
            self._cv.notify_all()

    def stop(self) -> None:
        """Silence from the next block on."""
        with self._cv:
            self._active = False
            self._chunks.clear()
            self._buffered = 0
            self._gen += 1

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._active = False
            self._cv.notify_all()
        self._thread.join(timeout=2)
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def heard(self) -> float:
        """Seconds of this run's sound that have come out of the device (never goes back)."""
        with self._cv:
            if self._last is not None:
                before, at, delay, n = self._last
                s = before + min(max((time.monotonic() - at - delay) * self.sample_rate, 0.0), n)
                self._heard = max(self._heard, s / self.sample_rate)
            return self._heard

    # -- the device's callback --------------------------------------------------------------

    def fill(self, out: np.ndarray, delay: float) -> None:
        """Copy mixed samples into the device block `out`; silence where there are none."""
        n = len(out)
        got = 0
        with self._cv:
            if self._active:
                while got < n and self._chunks:
                    chunk = self._chunks[0]
                    take = min(n - got, len(chunk))
                    out[got:got + take] = chunk[:take]
                    if take == len(chunk):
                        self._chunks.popleft()
                    else:
                        self._chunks[0] = chunk[take:]
                    got += take
                self._buffered -= got
                if got < n and self._played + got > 0:  # dry after the sound began (not at its start)
                    self.underruns += 1
                self._last = (self._played, time.monotonic(), delay, got)
                self._played += got
                self._cv.notify_all()
        out[got:] = 0

    # -- mixing thread -----------------------------------------------------------------------

    def _reset(self, project: Project, at: int) -> None:
        self._gen += 1
        self._project = project
        self._chunks.clear()
        self._buffered = 0
        self._mix_at = at

    def _run(self) -> None:
        self._open()
        compositor = None
        with MediaPool() as pool:
            while True:
                with self._cv:
                    while not self._closed and not (self._active and self._buffered < self._ahead):
                        self._cv.wait()
                    if self._closed:
                        return
                    gen, project, at = self._gen, self._project, self._mix_at
                if compositor is None or compositor.project is not project:
                    compositor = Compositor(project, pool)
                try:
                    data = compositor.samples(at, at + self._chunk)
                except Exception:  # unreadable sound: silence; the picture side reports the file
                    data = np.zeros((self._chunk, 2), np.float32)
                with self._cv:
                    if gen == self._gen and self._active:
                        self._chunks.append(data)
                        self._buffered += len(data)
                        self._mix_at = at + len(data)

    def _open(self) -> None:
        try:
            if self._open_output is None:
                raise RuntimeError("sound output is off")
            self._stream = self._open_output(self.sample_rate, self.fill)
        except Exception as e:  # ImportError, OSError (no PortAudio), PortAudioError (no device)
            self.available = False
            if self._on_unavailable is not None:
                self._on_unavailable(f"{type(e).__name__}: {e}".strip().rstrip(":"))
            return
        self.available = True
        if self._on_ready is not None:
            self._on_ready()
