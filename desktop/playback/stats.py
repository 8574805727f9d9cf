"""What playback achieved: frames shown and dropped, and how late pictures came against the clock."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaybackStats:
    """Counters since the player was made (or `Player.reset_stats`).

    `dropped`: frames the clock passed that were never handed to the display. `late_ms_*`: how long
    after its time on the master clock each frame was handed out. When the clock is the sound
    (`clock == "sound"`) that is the picture's lag behind the sound heard, the A/V offset; on the
    system clock it is the lag behind the ideal schedule. It includes the display's polling
    interval (up to 1/60 s for the viewer's 60 Hz timer).
    """

    shown: int
    dropped: int
    late_ms_mean: float
    late_ms_max: float
    underruns: int  # sound blocks the device asked for before they were mixed
    clock: str  # "sound" or "system": what the current (or last) run was timed by


class StatsCounter:
    """Accumulates the counters; the player calls it under its own lock."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.shown = 0
        self.dropped = 0
        self._late_sum = 0.0
        self._late_max = 0.0

    def show(self, late_s: float) -> None:
        self.shown += 1
        late = max(late_s, 0.0) * 1000
        self._late_sum += late
        self._late_max = max(self._late_max, late)

    def drop(self, n: int) -> None:
        self.dropped += max(n, 0)

    def value(self, underruns: int, clock: str) -> PlaybackStats:
        mean = self._late_sum / self.shown if self.shown else 0.0
        return PlaybackStats(self.shown, self.dropped, mean, self._late_max, underruns, clock)
