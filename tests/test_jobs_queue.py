"""The worker queue: order, progress, cancel within a step, failures as states, reorder, remove."""
from __future__ import annotations

import threading
import time

from desktop.errors import UserError
from desktop.jobs.queue import Job, JobQueue, State
from generation.progress import Progress


def counting(steps: int, log: list, name: str, gate: threading.Event | None = None, pause: float = 0.0):
    def work(should_cancel):
        if gate is not None:
            gate.wait(5)
        for i in range(steps):
            log.append((name, i))
            time.sleep(pause)
            yield Progress("steps", i + 1, steps)
        return f"{name} done"
    return work


def test_jobs_run_in_order_with_progress_and_results():
    events = []
    queue = JobQueue(lambda job: events.append((job.id, job.state, job.done)))
    log = []
    a = queue.submit(Job("a", counting(3, log, "a")))
    b = queue.submit(Job("b", counting(2, log, "b")))
    assert queue.wait_idle(10)
    assert [n for n, _ in log] == ["a"] * 3 + ["b"] * 2
    assert (a.state, a.result, b.state, b.result) == (State.DONE, "a done", State.DONE, "b done")
    assert (a.id, State.RUNNING, 3) in events and (a.id, State.DONE, 3) in events
    queue.close()


def test_cancel_running_job_stops_within_one_step_and_next_job_runs():
    queue = JobQueue()
    log = []
    running = queue.submit(Job("slow", counting(1000, log, "slow", pause=0.01)))
    after = queue.submit(Job("after", counting(1, log, "after")))
    while len(log) < 3:
        time.sleep(0.005)
    queue.cancel(running.id)
    seen = len([x for x in log if x[0] == "slow"])
    assert queue.wait_idle(10)
    assert running.state is State.CANCELLED
    assert len([x for x in log if x[0] == "slow"]) <= seen + 1
    assert after.state is State.DONE
    queue.close()


def test_failures_become_readable_states_and_the_queue_goes_on():
    def bad_input(should_cancel):
        raise UserError("the prompt is empty")
        yield

    def gpu_full(should_cancel):
        yield Progress("x", 0, 1)
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    queue = JobQueue()
    a = queue.submit(Job("a", bad_input))
    b = queue.submit(Job("b", gpu_full))
    c = queue.submit(Job("c", counting(1, [], "c")))
    assert queue.wait_idle(10)
    assert (a.state, a.message) == (State.FAILED, "the prompt is empty")
    assert b.state is State.FAILED and b.message.startswith("Out of GPU memory: try fewer takes")
    assert c.state is State.DONE
    queue.close()


def test_queued_jobs_can_be_reordered_cancelled_and_removed():
    gate = threading.Event()
    queue = JobQueue()
    log = []
    first = queue.submit(Job("first", counting(1, log, "first", gate=gate)))
    while first.state is not State.RUNNING:
        time.sleep(0.005)
    x = queue.submit(Job("x", counting(1, log, "x")))
    y = queue.submit(Job("y", counting(1, log, "y")))
    z = queue.submit(Job("z", counting(1, log, "z")))
    queue.move(z.id, 0)
    queue.cancel(y.id)
    queue.remove(x.id)
    gate.set()
    assert queue.wait_idle(10)
    assert [n for n, _ in log] == ["first", "z"]
    assert y.state is State.CANCELLED and x not in queue.jobs()
    queue.close()


def test_a_deferred_preview_is_made_on_the_worker_and_kept_on_the_job():
    import numpy as np

    made_on = []

    def work(should_cancel):
        def picture():
            made_on.append(threading.current_thread())
            return np.full((4, 4, 3), 7, np.uint8)
        yield Progress("codes", 1, 2, picture)
        yield Progress("codes", 2, 2)
        return "done"

    queue = JobQueue()
    job = queue.submit(Job("g", work))
    assert queue.wait_idle(10)
    assert job.state is State.DONE and job.preview is not None and int(job.preview[0, 0, 0]) == 7
    assert len(made_on) == 1 and made_on[0] is not threading.main_thread()
    queue.close()
