"""Python's garbage collector runs on the UI thread only while the editor runs: collected on a
decode or generation thread, a Qt object caught in a cycle can crash the program."""
from __future__ import annotations

import gc
import threading

from desktop.ui.collector import collecting_on_the_ui_thread


class _Cycle:
    freed_on_ui_thread: list[bool] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on_ui_thread.append(threading.current_thread() is threading.main_thread())


def test_cycles_made_on_a_worker_thread_are_freed_on_the_ui_thread(qtbot):
    # the Qt tests run with the collector on (tests/conftest.py), as the editor does
    assert not gc.isenabled()
    _Cycle.freed_on_ui_thread.clear()
    worker = threading.Thread(target=lambda: [_Cycle() for _ in range(5000)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(_Cycle.freed_on_ui_thread) == 5000, timeout=10_000)
    assert all(_Cycle.freed_on_ui_thread)


def test_leaving_the_collector_gives_collection_back_to_python(qapp):
    with collecting_on_the_ui_thread():
        assert not gc.isenabled()
    assert gc.isenabled()
