"""Background threads yield the CPU to the UI thread (and to playback).

Linux sets niceness per thread, and threads started by a nice thread (x264's, torch's) inherit it;
elsewhere this does nothing.
"""
from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Make the calling thread nicer than the UI thread."""
    if sys.platform.startswith("linux"):
        try:
            tid = threading.get_native_id()
            if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
                os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)
        except OSError:
            pass
