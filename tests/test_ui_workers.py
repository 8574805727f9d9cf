"""Background workers: a task's outcome reaches the UI thread as signals, and a worker is deleted by
Qt on the UI thread, never by Python's garbage collector on whichever thread it happens to run."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from desktop.errors import UserError
from desktop.ui import workers
from desktop.ui.workers import Worker


def test_a_task_result_and_a_refusal_arrive_as_signals(qtbot):
    worker = Worker(lambda progress, cancel: 6 * 7)
    with qtbot.waitSignal(worker.succeeded) as done:
        worker.start()
    assert done.args == [42]

    def refuse(progress, cancel):
        raise UserError("no such clip")

    worker = Worker(refuse)
    with qtbot.waitSignal(worker.failed) as failed:
        worker.start()
    assert failed.args == ["no such clip"]


class _Witness(QObject):
    """Records, on the UI thread, whether a worker is still held when its retirement reaches it."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker, self.held = worker, []

    @Slot()
    def look(self) -> None:
        self.held.append(self.worker in workers._live)


def test_a_worker_stays_referenced_until_qt_has_deleted_it(qtbot):
    # were its last Python reference dropped first, the cyclic collector (run by any thread that
    # allocates) could delete it on that thread while the UI thread delivers it an event: a crash
    # seen as a segfault inside QCoreApplication::notify in the editor's tests
    worker = Worker(lambda progress, cancel: None)
    witness = _Witness(worker)
    worker._retired.connect(witness.look)  # delivered after the worker's own reaction to it
    with qtbot.waitSignal(worker.destroyed, timeout=10_000):
        worker.start()
    assert witness.held == [True]
    assert worker not in workers._live
