"""Python's cyclic garbage collector, run on the UI thread only.

Left automatic, the collector runs on whichever thread happens to allocate: a decode, sound,
preview or generation thread. A Qt object owned by Python and caught in a reference cycle is then
deleted on that thread, while the UI thread may be delivering it an event, and the program
crashes (seen as an intermittent segfault inside QCoreApplication::notify, and an abort while
"Garbage-collecting", in the editor's tests). So while the editor runs, automatic collection is
off and a timer on the UI thread collects as the automatic collector would have (pyqtgraph's
GarbageCollector does the same).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QTimer

INTERVAL_MS = 500


class UiThreadCollector:
    def __init__(self, interval_ms: int = INTERVAL_MS) -> None:
        self._timer = QTimer(interval=interval_ms)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left, here on the UI thread, and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        gc.enable()

    def collect(self) -> None:
        """The oldest generation whose count has passed its threshold, as Python would pick it."""
        counts, limits = gc.get_count(), gc.get_threshold()
        generation = next((g for g in (2, 1, 0) if counts[g] > limits[g]), None)
        if generation is not None:
            gc.collect(generation)


@contextmanager
def collecting_on_the_ui_thread() -> Iterator[UiThreadCollector]:
    """Collection on the UI thread for the body (the editor's run, a Qt test); call on that thread."""
    collector = UiThreadCollector()
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()
