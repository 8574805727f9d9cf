"""The generation worker: one thread that runs jobs one after another, in queue order.

A job's work is a generator function `work(should_cancel)` that yields `Progress` events (and may
attach a preview picture) and returns its result. The worker thread owns whatever the work loads
(models stay warm in `generation.backends`' cache, on the device they were loaded on), so the UI
thread never waits on it. Everything the queue reports goes through one `on_event(job)` callback,
called on the worker thread (or the caller's, for queue edits); the UI forwards it to its own
thread with a queued Qt signal.

Queued jobs can be cancelled, removed and reordered; a running job is cancelled at its next step.
A failure becomes the job's state with a readable message, never an exception in the caller.
"""
from __future__ import annotations

import enum
import itertools
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Generator

from desktop.errors import UserError
from desktop.jobs.priority import lower_priority
from desktop.media.errors import Cancelled as MediaCancelled
from generation.progress import Cancelled as GenerationCancelled, Progress

_ids = itertools.count(1)

Work = Callable[[Callable[[], bool]], Generator[Any, None, Any]]


class State(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(eq=False)
class Job:
    """One request and everything known about its run. Read it on the thread that got the event."""

    title: str
    work: Work
    kind: str = "generate"
    request: Any = None  # what was asked (shown, and reused by "regenerate")
    id: int = field(default_factory=lambda: next(_ids))
    state: State = State.QUEUED
    stage: str = ""
    done: int = 0
    total: int = 0
    started: float | None = None
    finished: float | None = None
    message: str = ""  # why it failed, or what it made
    result: Any = None
    preview: Any = None  # the latest partial picture (RGB numpy) when the work offers one
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def seconds_left(self) -> float | None:
        """A linear estimate from the time spent so far; None until there is progress."""
        if self.state is not State.RUNNING or self.started is None or not self.done or not self.total:
            return None
        spent = time.monotonic() - self.started
        return spent * (self.total - self.done) / self.done

    @property
    def active(self) -> bool:
        return self.state in (State.QUEUED, State.RUNNING)

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


def failure_message(error: BaseException) -> str:
    """A one-line, actionable description of why a job failed."""
    text = str(error) or type(error).__name__
    if "out of memory" in text.lower() or type(error).__name__ == "OutOfMemoryError":
        return ("Out of GPU memory: try fewer takes, fewer seconds or a smaller size, "
                "or close other programs using the GPU")
    if isinstance(error, MemoryError):
        return "Out of memory: try fewer takes, fewer seconds or a smaller size"
    if isinstance(error, UserError):
        return text.splitlines()[0]
    return f"Unexpected error ({type(error).__name__}): {text.splitlines()[0]}"


class JobQueue:
    """The queue and its single worker thread (started on first submit, a daemon)."""

    def __init__(self, on_event: Callable[[Job], None] = lambda job: None) -> None:
        self._on_event = on_event
        self._jobs: list[Job] = []
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False

    # --- the UI side ----------------------------------------------------------------------------

    def submit(self, job: Job) -> Job:
        with self._lock:
            if self._closing:
                raise RuntimeError("the job queue is closed")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="generation-worker", daemon=True)
                self._thread.start()
            self._lock.notify_all()
        self._on_event(job)
        return job

    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs)

    def cancel(self, job_id: int) -> None:
        """A queued job is cancelled at once; a running one at its next step."""
        with self._lock:
            job = self._find(job_id)
            if job is None or not job.active:
                return
            job._cancel.set()
            if job.state is State.QUEUED:
                job.state = State.CANCELLED
                job.message = "Cancelled"
            else:
                return
        self._on_event(job)

    def remove(self, job_id: int) -> None:
        """Forget a job that is not running (cancelling it if queued)."""
        with self._lock:
            job = self._find(job_id)
            if job is None or job.state is State.RUNNING:
                return
            job._cancel.set()
            self._jobs.remove(job)
            job.state = State.CANCELLED if job.state is State.QUEUED else job.state
        self._on_event(job)

    def move(self, job_id: int, index: int) -> None:
        """Put a queued job at position `index` among the queued jobs (0 runs next)."""
        with self._lock:
            job = self._find(job_id)
            if job is None or job.state is not State.QUEUED:
                return
            queued = [j for j in self._jobs if j.state is State.QUEUED and j is not job]
            index = max(0, min(index, len(queued)))
            queued.insert(index, job)
            others = [j for j in self._jobs if j.state is not State.QUEUED]
            self._jobs = others + queued
        self._on_event(job)

    def close(self, timeout: float = 5.0) -> None:
        """Cancel everything and stop the worker (at the running job's next step)."""
        with self._lock:
            self._closing = True
            for job in self._jobs:
                job._cancel.set()
            self._lock.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is queued or running (for tests and scripts, not the UI thread)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while any(j.active for j in self._jobs):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _find(self, job_id: int) -> Job | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    # --- the worker thread --------------------------------------------------------------------------

    def _next(self) -> Job | None:
        with self._lock:
            while True:
                if self._closing:
                    return None
                job = next((j for j in self._jobs if j.state is State.QUEUED), None)
                if job is not None:
                    job.state = State.RUNNING
                    job.started = time.monotonic()
                    return job
                self._lock.wait()

    def _run(self) -> None:
        lower_priority()
        while (job := self._next()) is not None:
            self._on_event(job)
            self._execute(job)
            job.finished = time.monotonic()
            with self._lock:
                self._lock.notify_all()
            self._on_event(job)

    def _execute(self, job: Job) -> None:
        try:
            gen = job.work(job.cancel_requested)
            while True:
                if job.cancel_requested():
                    gen.close()
                    raise _Stopped()
                try:
                    event = next(gen)
                except StopIteration as stop:
                    job.result = stop.value
                    break
                self._progress(job, event)
            job.state = State.DONE
        except (_Stopped, MediaCancelled, GenerationCancelled):
            job.state, job.message = State.CANCELLED, "Cancelled"
        except Exception as error:  # every failure becomes the job's state, with its reason
            job.state, job.message = State.FAILED, failure_message(error)
            if not isinstance(error, UserError):
                traceback.print_exc(file=sys.stderr)

    def _progress(self, job: Job, event: Any) -> None:
        job.stage = getattr(event, "stage", job.stage)
        job.done = getattr(event, "done", job.done)
        job.total = getattr(event, "total", job.total)
        preview = event.picture() if isinstance(event, Progress) else None
        if preview is not None:
            job.preview = preview
        self._on_event(job)


class _Stopped(Exception):
    """The job's cancel flag was seen between two steps."""
