"""Background jobs (exports now, generation later): a small job model and the panel that lists them.

A `Job` is what the panel shows: name, state, progress, time left, a message. Whoever does the work
reports into it from any thread (`begin`, `report`, `finish`, `fail`, `mark_cancelled`); the job
applies the news on the UI thread and emits `changed`. The user's cancel button calls `cancel()`,
which the worker sees through `is_cancelled()` or the `cancel_requested` signal. `JobList.run` does
the wiring for a task run by a `desktop.ui.workers.Worker`; a worker with its own thread (the
generation worker) makes a job with `JobList.add` and reports into it itself.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.jobs.queue import State as JobState
from desktop.ui import theme
from desktop.ui.workers import Task, Worker, job_pool


ENDED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


def format_time_left(seconds: float | None) -> str:
    """'12 s left', '3:05 left', '1:02:03 left'; '' when unknown."""
    if seconds is None:
        return ""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s left"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d} left"
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d} left"


class Job(QObject):
    changed = Signal()
    ended = Signal()  # once, on done, failed or cancelled
    cancel_requested = Signal()
    # Reports from any thread, applied on the UI thread (queued when sent from another thread).
    _began = Signal()
    _reported = Signal(int, int)
    _ended = Signal(str, str, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.state = JobState.QUEUED
        self.message = ""
        self.done = 0
        self.total = 0
        self.result: Any = None
        self._began_at: float | None = None
        self._cancel = threading.Event()
        self._began.connect(self._on_began)
        self._reported.connect(self._on_reported)
        self._ended.connect(self._on_ended)

    # --- reporting (any thread) -------------------------------------------------------------------

    def begin(self) -> None:
        self._began.emit()

    def report(self, done: int, total: int) -> None:
        self._reported.emit(int(done), int(total))

    def finish(self, message: str = "", result: Any = None) -> None:
        self._ended.emit(JobState.DONE.value, message, result)

    def fail(self, message: str) -> None:
        self._ended.emit(JobState.FAILED.value, message, None)

    def mark_cancelled(self, message: str = "Cancelled") -> None:
        self._ended.emit(JobState.CANCELLED.value, message, None)

    def is_cancelled(self) -> bool:
        """Whether the user asked to stop (thread-safe; long work polls this)."""
        return self._cancel.is_set()

    # --- the user ---------------------------------------------------------------------------------

    def cancel(self) -> None:
        if self.state not in ENDED and not self._cancel.is_set():
            self._cancel.set()
            self.cancel_requested.emit()
            self.changed.emit()

    # --- reading (UI thread) ----------------------------------------------------------------------

    @property
    def is_ended(self) -> bool:
        return self.state in ENDED

    @property
    def fraction(self) -> float:
        if self.state is JobState.DONE:
            return 1.0
        return self.done / self.total if self.total > 0 else 0.0

    def time_left(self) -> float | None:
        """Seconds to go at the rate so far; None before the first report or once ended."""
        if self.state is not JobState.RUNNING or self._began_at is None or self.done <= 0 or self.total <= 0:
            return None
        elapsed = time.monotonic() - self._began_at
        return elapsed / self.done * (self.total - self.done)

    def _on_began(self) -> None:
        if self.state is JobState.QUEUED:
            self.state = JobState.RUNNING
            self._began_at = time.monotonic()
            self.changed.emit()

    def _on_reported(self, done: int, total: int) -> None:
        if self.state in ENDED:
            return
        if self.state is JobState.QUEUED:
            self._on_began()
        self.done, self.total = done, total
        self.changed.emit()

    def _on_ended(self, state: str, message: str, result: Any) -> None:
        if self.state in ENDED:
            return
        self.state = JobState(state)
        self.message = message
        self.result = result
        self.changed.emit()
        self.ended.emit()


class JobList(QObject):
    """Every job of this session, oldest first."""

    added = Signal(object)  # Job
    removed = Signal(object)  # Job

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []

    def add(self, name: str) -> Job:
        """A new queued job that its worker reports into."""
        job = Job(name, self)
        self.jobs.append(job)
        self.added.emit(job)
        return job

    def run(self, name: str, task: Task, done_message=None) -> Job:
        """Run `task(progress, cancel)` on the job thread as a new job. `done_message(result)` makes
        the message shown when it succeeds; the result is kept as `job.result`."""
        job = self.add(name)
        worker = Worker(task)
        worker.started.connect(job.begin)
        worker.progress.connect(job.report)
        worker.succeeded.connect(lambda result: job.finish(done_message(result) if done_message else "", result))
        worker.failed.connect(job.fail)
        worker.cancelled.connect(job.mark_cancelled)
        job.cancel_requested.connect(worker.cancel)
        worker.start(job_pool())
        return job

    def cancel_all(self) -> None:
        for job in self.jobs:
            job.cancel()

    @property
    def running(self) -> list[Job]:
        return [j for j in self.jobs if not j.is_ended]

    def clear_finished(self) -> None:
        for job in [j for j in self.jobs if j.is_ended]:
            self.jobs.remove(job)
            self.removed.emit(job)


_STATE_COLOURS = {
    JobState.QUEUED: theme.DIM_TEXT,
    JobState.RUNNING: theme.ACCENT,
    JobState.DONE: theme.AUDIO_CLIP.lighter(150),
    JobState.FAILED: theme.PLAYHEAD,
    JobState.CANCELLED: theme.DIM_TEXT,
}


class JobRow(QFrame):
    """One job: name and state, a progress bar, time left or the final message, a cancel button."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = QLabel(job.name)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.state_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(f"Stop {job.name}")
        self.cancel_button.clicked.connect(job.cancel)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.addWidget(self.name_label, 0, 0)
        grid.addWidget(self.state_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.progress_bar, 1, 0)
        grid.addWidget(self.cancel_button, 1, 1)
        grid.addWidget(self.detail_label, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        job.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        job = self.job
        state = job.state.value
        if job.is_cancelled() and not job.is_ended:
            state = "cancelling"
        self.state_label.setText(state)
        self.state_label.setStyleSheet(f"color: {_STATE_COLOURS[job.state].name()};")
        self.progress_bar.setValue(round(job.fraction * 1000))
        self.progress_bar.setFormat(f"{job.done}/{job.total}" if job.total and not job.is_ended else "%p%")
        self.detail_label.setText(job.message if job.is_ended else format_time_left(job.time_left()))
        self.cancel_button.setVisible(not job.is_ended)
        self.cancel_button.setEnabled(not job.is_cancelled())


class JobsPanel(QWidget):
    """The list of jobs, newest on top, with a button to clear the finished ones."""

    def __init__(self, jobs: JobList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self._rows: dict[int, JobRow] = {}
        self._list = QVBoxLayout()
        self._list.setContentsMargins(4, 4, 4, 4)
        self._list.setSpacing(4)
        self._list.addStretch(1)
        inner = QWidget()
        inner.setLayout(self._list)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.empty_label = QLabel("No jobs")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.clicked.connect(jobs.clear_finished)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        jobs.added.connect(self._add)
        jobs.removed.connect(self._remove)
        for job in jobs.jobs:
            self._add(job)
        self._update_empty()

    def row(self, job: Job) -> JobRow | None:
        return self._rows.get(id(job))

    def _add(self, job: Job) -> None:
        row = JobRow(job)
        self._rows[id(job)] = row
        self._list.insertWidget(0, row)
        job.ended.connect(self._update_empty)
        self._update_empty()

    def _remove(self, job: Job) -> None:
        row = self._rows.pop(id(job), None)
        if row is not None:
            row.deleteLater()
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty_label.setVisible(not self._rows)
        self.clear_button.setEnabled(any(j.is_ended for j in self.jobs.jobs))
