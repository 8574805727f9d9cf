"""The UI event-loop probe the responsiveness benchmarks share: a 5 ms timer whose ticks' lateness
says how long the loop was kept from running, and a way to run the loop until something is done.
Aim (issue 4 and 6): p99 < 16 ms, max < 50 ms."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

PROBE_MS = 5


class LoopProbe:
    """Records how late each 5 ms tick of the UI event loop comes."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer(interval=PROBE_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0

    def start(self) -> None:
        self.lateness.clear()
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def stop(self) -> dict[str, float]:
        self._timer.stop()
        ms = np.array(self.lateness) if self.lateness else np.zeros(1)
        return {"ticks": len(self.lateness), "p50": float(np.percentile(ms, 50)),
                "p99": float(np.percentile(ms, 99)), "max": float(ms.max())}

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.lateness.append(max(0.0, (now - self._last) / 1e6 - PROBE_MS))
        self._last = now


def run_until(done, timeout_s: float) -> float:
    """Run the event loop until done() (checked every 20 ms) or the timeout; returns the seconds."""
    t0 = time.perf_counter()
    loop = QEventLoop()
    check = QTimer(interval=20)
    check.timeout.connect(lambda: (done() or time.perf_counter() - t0 > timeout_s) and loop.quit())
    check.start()
    loop.exec()
    check.stop()
    return time.perf_counter() - t0


def report(name: str, figures: dict[str, float], seconds: float, extra: str = "") -> None:
    ok = figures["p99"] < 16 and figures["max"] < 50
    print(f"{name:34s} {seconds:6.1f} s  ticks {figures['ticks']:5d}  p50 {figures['p50']:5.2f} ms  "
          f"p99 {figures['p99']:6.2f} ms  max {figures['max']:6.1f} ms  {'ok' if ok else 'OVER AIM'}  {extra}")
