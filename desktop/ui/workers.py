"""Running a function off the UI thread, with progress, cancel and its result as Qt signals.

A `Worker` wraps `task(progress, cancel)`: the task runs on a thread pool, calls `progress(done,
total)` as it goes and polls `cancel()` (the media layer's long functions take exactly these two
callbacks). The worker lives on the UI thread, so its signals reach UI slots queued, never while the
task runs. Exactly one of `succeeded(result)`, `failed(message)`, `cancelled()` is emitted, then
`finished()`, after which the worker deletes itself.

Two pools, one thread each, because this machine has two cores and the UI needs one:
`preview_pool()` for short view work (probing, thumbnails, waveforms; newest request first) and
`job_pool()` for long jobs (exports), which must not wait behind previews. Both threads run at a
lower priority than the UI (desktop.jobs.priority), so the event loop keeps its core.
"""
from __future__ import annotations

import itertools
import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import UserError
from desktop.jobs.priority import lower_priority
from desktop.media.errors import Cancelled

Progress = Callable[[int, int], None]
Task = Callable[[Progress, Callable[[], bool]], Any]

_log = logging.getLogger(__name__)
_pools: dict[str, QThreadPool] = {}
_order = itertools.count()
_live: set["Worker"] = set()  # queued or running workers, kept alive until they finish


def _pool(name: str) -> QThreadPool:
    if name not in _pools:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _pools[name] = pool
    return _pools[name]


def preview_pool() -> QThreadPool:
    """The thread for probes, thumbnails and waveforms."""
    return _pool("preview")


def job_pool() -> QThreadPool:
    """The thread for long jobs such as exports."""
    return _pool("job")


def wait_all(msecs: int = 10_000) -> bool:
    """Wait for every pool to go idle (on quit, after cancelling); False on timeout."""
    return all(pool.waitForDone(msecs) for pool in _pools.values())


class _Runnable(QRunnable):
    def __init__(self, worker: "Worker") -> None:
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        lower_priority()
        self.worker._run()


class Worker(QObject):
    started = Signal()
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()
    _retired = Signal()  # after `finished` has been posted to every receiver: safe to delete

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancel = threading.Event()
        self._runnable: _Runnable | None = None
        self._retired.connect(self._forget)

    def start(self, pool: QThreadPool | None = None) -> "Worker":
        """Queue the task on `pool` (default: the preview pool); later requests run first, since
        what is on screen now matters most."""
        self._runnable = _Runnable(self)
        self._runnable.setAutoDelete(False)
        _live.add(self)
        (pool or preview_pool()).start(self._runnable, next(_order))
        return self

    def cancel(self) -> None:
        """Ask the task to stop at its next cancel check (thread-safe)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _forget(self) -> None:
        # Not a slot of `finished`: an emit posts to its receivers one by one, so deleting this
        # worker from the first would drop the calls still being posted for the others.
        _live.discard(self)
        self.deleteLater()

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the owner (and with it this worker) was deleted meanwhile
            pass

    def _run(self) -> None:
        if self._cancel.is_set():
            self._emit(self.cancelled)
            self._emit(self.finished)
            self._emit(self._retired)
            return
        self._emit(self.started)
        try:
            result = self._task(lambda done, total: self._emit(self.progress, done, total), self._cancel.is_set)
        except Cancelled:
            self._emit(self.cancelled)
        except UserError as e:
            self._emit(self.failed, str(e))
        except Exception as e:  # a bug, not bad input: log it, report one line
            _log.exception("background task failed")
            self._emit(self.failed, f"{type(e).__name__}: {e}")
        else:
            self._emit(self.succeeded, result)
        self._emit(self.finished)
        self._emit(self._retired)
