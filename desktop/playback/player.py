"""The player: plays a project at its frame rate with sound, pictures composited ahead off the UI thread.

Threads. Commands (play, pause, seek, step, shuttle, ...) and reads (`position`, `picture`) may be
called from any thread and return at once: they only change or read state under one lock. A
decode-ahead thread with its own Compositor composites the frames the clock is about to reach, at the
preview size, into a small store of ready pictures. While paused it composites the frame a seek asked
for, hands it over through `on_picture`, then composites a few frames after it (for stepping). When
seeks come faster than frames decode (scrubbing), a frame finished after a newer seek is shown
until the newer one is ready, so the picture keeps moving; the last seek's frame always ends on
screen. Sound is mixed ahead on the AudioFeed's thread (see sound.py).

Clock. At 1x forward with a sound device, the clock is the sound heard (AudioFeed.heard); otherwise
(other speeds, no device) it is time.monotonic. The time t since play started gives k = floor(t *
fps) frame periods and the frame start + k * speed, so at 8x every 8th frame is shown, fps of them a
second. Play stops by itself at the last frame of the play range (the whole project, or in/out).

Edits. The threads work on a snapshot of the project (snapshot.py); `invalidate()` takes a new one
and drops everything made from the old, so an edit shows at once, also while playing.

Callbacks run on whichever thread noticed the event (a worker, the caller, the sound thread):
`on_picture(frame)` when a new paused picture is ready, `on_state(playing, speed)` when playback
starts, stops or changes speed, `on_message(text)` for things the user should read (once each).
"""
from __future__ import annotations

import threading
import time
from math import ceil
from typing import Callable, NamedTuple

import numpy as np

from desktop.media.compositor import Compositor, fit, sample_at
from desktop.media.framecache import FrameCache
from desktop.media.pool import MediaPool
from desktop.playback.snapshot import snapshot
from desktop.playback.sound import AudioFeed, Fill, open_sounddevice
from desktop.playback.stats import PlaybackStats, StatsCounter
from desktop.timeline.model import Project

MAX_SPEED = 8
PREFETCH = 3  # frames composited after a paused picture, so stepping forward is instant


class Picture(NamedTuple):
    frame: int
    image: np.ndarray  # (height, width, 3) uint8 RGB, C-contiguous, read-only, at the preview size


def shuttle_speed(speed: int, direction: int) -> int:
    """The next J/L speed: L (+1) goes 1, 2, 4, 8 forward; J (-1) the same backward; a change of
    direction starts again at 1x."""
    if direction > 0:
        return 1 if speed <= 0 else min(speed * 2, MAX_SPEED)
    return -1 if speed >= 0 else max(speed * 2, -MAX_SPEED)


class Player:
    def __init__(self, project: Project, *, size: tuple[int, int] | None = None,
                 cache: FrameCache | None = None, ahead: int = 8,
                 on_picture: Callable[[int], None] | None = None,
                 on_state: Callable[[bool, int], None] | None = None,
                 on_message: Callable[[str], None] | None = None,
                 open_output: Callable[[int, Fill], object] | None = open_sounddevice):
        """`size`: the box the preview must fit (e.g. the viewer's pixels); None for full size.
        `open_output(sample_rate, fill)` opens the sound device (None: no sound)."""
        self.on_picture = on_picture
        self.on_state = on_state
        self.on_message = on_message
        self._open_output = open_output
        self._cache = cache if cache is not None else FrameCache(256 << 20)
        self._ahead = max(1, ahead)
        self._lock = threading.Condition()
        self._events: list[tuple[str, tuple]] = []
        self._told: set[str] = set()
        self._closed = False
        self._live = project
        self._project = snapshot(project)
        self._box = size
        self._size = self._preview_size()
        self._gen = 0
        self._ready: dict[int, np.ndarray] = {}
        self._want: int | None = 0  # the paused frame still to be composited
        self._shown: Picture | None = None
        self._pos = 0
        self._range: tuple[int, int] | None = None
        self._playing = False
        self._speed = 0
        self._anchor = 0  # frame the current run started at
        self._t0 = 0.0  # its time.monotonic
        self._elapsed = 0.0  # seconds of the run, by the clock
        self._k = 0  # frame periods of the run passed
        self._k_shown = False  # whether period k's frame has been handed out
        self._clock = "system"
        self._stats = StatsCounter()
        self._feed = self._new_feed()
        self._worker = threading.Thread(target=self._run, name="decode-ahead", daemon=True)
        self._worker.start()

    # -- reads -----------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> int:
        """The shuttle speed while playing (negative: backward); 0 when paused."""
        return self._speed

    @property
    def project(self) -> Project:
        """The live project being played (the one `invalidate` snapshots)."""
        return self._live

    @property
    def size(self) -> tuple[int, int]:
        """The preview size pictures are composited at."""
        return self._size

    @property
    def sound(self) -> bool | None:
        """Whether a sound device is open (None while it is being opened)."""
        return self._feed.available

    def position(self) -> int:
        """The current frame (advances the clock; playback stops here when the range ends)."""
        with self._lock:
            self._tick()
            pos = self._pos
        self._dispatch()
        return pos

    def picture(self) -> Picture | None:
        """The picture to show now: while playing the clock's frame once it is ready (else the last
        one shown), while paused the last frame a seek or step delivered. Never waits on decoding."""
        with self._lock:
            self._tick()
            if self._playing:
                image = self._ready.get(self._pos)
                if image is not None and (self._shown is None or self._shown.image is not image):
                    self._shown = Picture(self._pos, image)
                if image is not None and not self._k_shown:
                    self._k_shown = True
                    self._stats.show(self._elapsed - self._k / float(self._project.fps))
            shown = self._shown
        self._dispatch()
        return shown

    def stats(self) -> PlaybackStats:
        with self._lock:
            return self._stats.value(self._feed.underruns, self._clock)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats.reset()
            self._feed.underruns = 0

    def play_range(self) -> tuple[int, int]:
        """[first, end) of what play covers: the range set, within the project, or all of it."""
        with self._lock:
            return self._bounds()

    # -- commands ---------------------------------------------------------------------------

    def play(self, speed: int = 1) -> None:
        """Play at `speed` (1 = normal, negative = backward) from the playhead; from the start of the
        range when the playhead is outside it or at its end."""
        with self._lock:
            self._play(max(-MAX_SPEED, min(MAX_SPEED, int(speed))) or 1)
        self._dispatch()

    def pause(self) -> None:
        with self._lock:
            self._pause()
        self._dispatch()

    def toggle(self) -> None:
        with self._lock:
            if self._playing:
                self._pause()
            else:
                self._play(1)
        self._dispatch()

    def shuttle(self, direction: int) -> None:
        """J (direction -1) / L (+1): start, speed up or turn round (see shuttle_speed)."""
        with self._lock:
            self._tick()
            speed = shuttle_speed(self._speed if self._playing else 0, direction)
            if self._playing:
                self._start(self._pos, speed)
            else:
                self._play(speed)
        self._dispatch()

    def seek(self, frame: int) -> None:
        """Go to `frame`; playing goes on from there, paused shows exactly that frame."""
        frame = max(0, int(frame))
        with self._lock:
            if self._playing:
                self._start(frame, self._speed)
            else:
                self._pos = frame
                self._show(frame)
        self._dispatch()

    def step(self, frames: int) -> None:
        """Pause and move `frames` frames (negative: back)."""
        with self._lock:
            self._pause()
            self._pos = max(0, self._pos + int(frames))
            self._show(self._pos)
        self._dispatch()

    def set_range(self, play_range: tuple[int, int] | None) -> None:
        """Play only frames [first, end) (in/out marks); None: the whole project."""
        with self._lock:
            self._range = None if play_range is None else (max(0, play_range[0]), play_range[1])
        self._dispatch()

    def set_size(self, box: tuple[int, int] | None) -> None:
        """Composite pictures to fit `box` (at the project's aspect, never above its size)."""
        with self._lock:
            self._box = box
            size = self._preview_size()
            if size != self._size:
                self._size = size
                self._new_generation()
        self._dispatch()

    def invalidate(self) -> None:
        """The project changed: drop what was made ahead from the old one and show the new."""
        with self._lock:
            self._project = snapshot(self._live)
            self._size = self._preview_size()
            self._new_generation()
            if self._clock == "sound" and self._playing:
                self._feed.remix(self._project)
        self._dispatch()

    def set_project(self, project: Project, frame: int = 0) -> None:
        """Play another project (a new one opened, or the source viewer's clip), paused at `frame`."""
        old = None
        with self._lock:
            self._pause()
            self._live = project
            self._project = snapshot(project)
            self._size = self._preview_size()
            self._range = None
            self._pos = max(0, int(frame))
            self._new_generation()
            if project.sample_rate != self._feed.sample_rate:
                old, self._feed = self._feed, self._new_feed()
        if old is not None:
            old.close()
        self._dispatch()

    def close(self) -> None:
        """Stop the threads and close the sound device (a second call does nothing)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._lock.notify_all()
        self._worker.join(timeout=2)
        self._feed.close()

    # -- state changes (under the lock) -------------------------------------------------------

    def _bounds(self) -> tuple[int, int]:
        end = self._project.duration
        if self._range is None:
            return 0, end
        return min(self._range[0], end), min(self._range[1], end)

    def _play(self, speed: int) -> None:
        lo, hi = self._bounds()
        if hi <= lo:
            return
        self._tick()
        f = self._pos
        if speed > 0 and not lo <= f < hi - 1:
            f = lo
        elif speed < 0 and not lo < f <= hi - 1:
            f = hi - 1
        self._start(f, speed)

    def _start(self, frame: int, speed: int) -> None:
        changed = not self._playing or speed != self._speed
        self._playing, self._speed = True, speed
        self._anchor = self._pos = frame
        self._t0 = time.monotonic()
        self._elapsed = 0.0
        self._k, self._k_shown = 0, False
        self._want = None
        sound = speed == 1 and self._feed.available is True
        self._clock = "sound" if sound else "system"
        if sound:
            p = self._project
            self._feed.start(p, sample_at(frame, p.sample_rate, p.fps))
        else:
            self._feed.stop()
        if changed:
            self._events.append(("state", (True, speed)))
        self._lock.notify_all()

    def _pause(self) -> None:
        if not self._playing:
            return
        self._tick()
        if self._playing:
            self._stop_at(self._pos)

    def _stop_at(self, frame: int) -> None:
        self._playing, self._speed = False, 0
        self._pos = frame
        self._feed.stop()
        self._show(frame)
        self._events.append(("state", (False, 0)))

    def _show(self, frame: int) -> None:
        """Paused: make `frame` the picture on screen, now when it is ready, else via the worker."""
        image = self._ready.get(frame)
        self._lock.notify_all()  # the worker composites it, or the frames after it
        if image is None:
            self._want = frame
            return
        self._want = None
        if self._shown is None or self._shown.image is not image:
            self._shown = Picture(frame, image)
            self._events.append(("picture", (frame,)))

    def _tick(self) -> None:
        """Move the playing position to the clock; stop at the end of the range."""
        if not self._playing:
            return
        self._elapsed = self._feed.heard() if self._clock == "sound" else time.monotonic() - self._t0
        k = int(self._elapsed * self._project.fps)
        lo, hi = self._bounds()
        end = hi - 1 if self._speed > 0 else lo
        if (self._anchor + k * self._speed - end) * self._speed >= 0:
            self._periods(ceil((end - self._anchor) / self._speed))
            self._stop_at(end)
            return
        self._periods(k)
        self._pos = self._anchor + k * self._speed

    def _periods(self, k: int) -> None:
        """The clock reached period k: count the frames of the periods passed that were never shown."""
        if k <= self._k:
            return
        self._stats.drop((0 if self._k_shown else 1) + (k - self._k - 1))
        self._k, self._k_shown = k, False

    def _new_generation(self) -> None:
        self._gen += 1
        self._ready.clear()
        if not self._playing:
            self._want = self._pos
        self._lock.notify_all()

    def _preview_size(self) -> tuple[int, int]:
        w, h = self._project.width, self._project.height
        if self._box is None:
            return w, h
        bw, bh = max(16, int(self._box[0])), max(16, int(self._box[1]))
        if bw >= w and bh >= h:
            return w, h
        return fit(w, h, bw, bh)[2:]

    # -- events ------------------------------------------------------------------------------

    def _tell(self, text: str) -> None:
        with self._lock:
            if text in self._told:
                return
            self._told.add(text)
            self._events.append(("message", (text,)))

    def _dispatch(self) -> None:
        """Hand the queued events to the callbacks; none once closed (their receivers may be gone,
        e.g. a closed viewer's widgets, and a worker that outlived close's join must not reach them)."""
        with self._lock:
            events, self._events = ([] if self._closed else self._events), []
        for kind, args in events:
            callback = {"picture": self.on_picture, "state": self.on_state, "message": self.on_message}[kind]
            if callback is not None:
                callback(*args)

    # -- sound -----------------------------------------------------------------------------

    def _new_feed(self) -> AudioFeed:
        return AudioFeed(self._project.sample_rate, self._open_output,
                         on_ready=self._sound_ready, on_unavailable=self._no_sound)

    def _sound_ready(self) -> None:
        """The device opened while playing at 1x on the system clock: go on timed by the sound."""
        with self._lock:
            if self._playing and self._speed == 1 and self._clock == "system":
                self._tick()
                if self._playing:
                    self._start(self._pos, 1)
        self._dispatch()

    def _no_sound(self, reason: str) -> None:
        self._tell(f"No audio output ({reason}): playing without sound on the system clock")
        self._dispatch()

    # -- decode-ahead thread ------------------------------------------------------------------

    def _job(self) -> tuple[int, int, Project, tuple[int, int]] | None:
        """The next frame to composite: the paused frame asked for, else the first frame the clock
        will reach that is not ready, else (paused) the next few frames."""
        self._tick()
        if self._want is not None:
            frame = self._want
        elif self._playing:
            lo, hi = self._bounds()
            ahead = (self._pos + i * self._speed for i in range(self._ahead))
            frame = next((f for f in ahead if lo <= f < hi and f not in self._ready), None)
        else:
            after = range(self._pos + 1, min(self._pos + 1 + PREFETCH, self._project.duration))
            frame = next((f for f in after if f not in self._ready), None)
        return None if frame is None else (frame, self._gen, self._project, self._size)

    def _idle_wait(self) -> float | None:
        """While playing, wake for the next frame period (to keep composing ahead); else sleep."""
        if not self._playing:
            return None
        fps = float(self._project.fps)
        return min(max((self._k + 1) / fps - self._elapsed, 0.002), 0.05)

    def _run(self) -> None:
        compositor = None
        with MediaPool(cache=self._cache) as pool:
            while True:
                with self._lock:
                    job = self._job()
                    while job is None and not self._closed:
                        self._lock.wait(timeout=self._idle_wait())
                        job = self._job()
                    if self._closed:
                        return
                self._dispatch()
                frame, gen, project, size = job
                asked = frame == self._want  # a paused seek's frame, not one made ahead
                if compositor is None or compositor.size != size:
                    compositor = Compositor(project, pool, size)
                compositor.project = project
                try:
                    image = compositor.picture(frame)
                    if not image.flags.c_contiguous:  # decoders pad rows; displays want them packed
                        image = np.ascontiguousarray(image)
                        image.flags.writeable = False
                except Exception as e:  # unreadable media: black, and say why once
                    image = np.zeros((size[1], size[0], 3), np.uint8)
                    image.flags.writeable = False
                    self._tell(f"Cannot show frame {frame}: {e}")
                with self._lock:
                    if gen == self._gen:
                        self._ready[frame] = image
                        if self._want == frame and not self._playing:
                            self._show(frame)
                        elif asked and self._want is not None and not self._playing:
                            # Overtaken by a newer seek (scrubbing): show it meanwhile; the newer
                            # frame replaces it when ready.
                            self._shown = Picture(frame, image)
                            self._events.append(("picture", (frame,)))
                        self._trim()
                self._dispatch()

    def _trim(self) -> None:
        """Keep the pictures the clock is heading for (and a few just behind), drop the rest."""
        keep = self._ahead + PREFETCH + 4
        if len(self._ready) <= keep:
            return
        d = 1 if self._speed >= 0 else -1
        order = sorted(self._ready, key=lambda f: ((f - self._pos) * d < 0, abs(f - self._pos)))
        for f in order[keep:]:
            del self._ready[f]
