"""Background workers: a task's outcome reaches the UI thread as signals."""
from __future__ import annotations

from desktop.errors import UserError
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
