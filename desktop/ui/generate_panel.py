"""The Generate panel: prompt, length, seed, takes, model, size, where the result goes; and the
generation jobs with progress, a preview of the running one, cancel and reorder.

The panel only builds requests and shows the controller's jobs; the controller runs and places them.
"""
from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.jobs.queue import Job, State
from desktop.jobs.tasks import GenerateRequest
from desktop.timeline.model import TrackKind
from desktop.ui.generation import NEW_TRACK, GenerationController, Placement
from desktop.ui.jobs_panel import format_time_left

SIZES = [("Model's own (64 px)", None), ("128 px", 128), ("256 px", 256), ("512 px", 512)]


class GeneratePanel(QWidget):
    def __init__(self, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session = controller.session
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("a small red circle moving left on a black background")
        self.prompt.setFixedHeight(64)
        self.seconds = QDoubleSpinBox(minimum=0.25, maximum=60.0, value=2.0, singleStep=0.5, suffix=" s")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=random.randrange(10**6))
        self.random_seed = QCheckBox("new each time")
        self.random_seed.setChecked(True)
        dice = QToolButton(text="\u2684", toolTip="Pick a new seed")
        dice.clicked.connect(lambda: self.seed.setValue(random.randrange(10**6)))
        self.takes = QSpinBox(minimum=1, maximum=8, value=1)
        self.model = QComboBox()
        self.model.addItem("Built-in (shapes world)", "builtin")
        self.refresh_models()
        self.size = QComboBox()
        for text, value in SIZES:
            self.size.addItem(text, value)
        self.target = QComboBox()
        self.insert = QCheckBox("Insert at the playhead when done")
        self.insert.setChecked(True)
        self.go = QPushButton("Generate")
        self.go.setDefault(True)
        self.go.setToolTip("Generate (Ctrl+Return)")
        self.go.clicked.connect(self.submit)
        QShortcut(QKeySequence("Ctrl+Return"), self.prompt, self.submit)

        form = QFormLayout()
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(dice)
        seed_row.addWidget(self.random_seed)
        form.addRow("Length", self.seconds)
        form.addRow("Seed", seed_row)
        form.addRow("Takes", self.takes)
        form.addRow("Model", self.model)
        form.addRow("Size", self.size)
        form.addRow("Track", self.target)
        self.preview = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedHeight(96)
        self.preview.setStyleSheet("background: #1c1d1f; color: #6c6e74;")
        self.preview.setText("No generation running")
        self.queue_list = QListWidget()
        self.queue_list.setAlternatingRowColors(True)
        up, down, cancel = QToolButton(text="\u25b2"), QToolButton(text="\u25bc"), QToolButton(text="Cancel")
        up.setToolTip("Run sooner")
        down.setToolTip("Run later")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        cancel.clicked.connect(self._cancel_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Queue"))
        buttons.addStretch(1)
        for b in (up, down, cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Prompt"))
        layout.addWidget(self.prompt)
        layout.addLayout(form)
        layout.addWidget(self.insert)
        layout.addWidget(self.go)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addWidget(self.queue_list, 1)
        self.session.changed.connect(self._fill_targets)
        controller.job_changed.connect(self._on_job)
        self._fill_targets()

    # --- requests -------------------------------------------------------------------------------------

    def request(self) -> GenerateRequest:
        return GenerateRequest(self.prompt.toPlainText().strip(), self.seconds.value(), self.seed.value(),
                               self.takes.value(), self.model.currentData(), self.size.currentData())

    def submit(self) -> Job | None:
        request = self.request()
        if not request.prompt:
            self.controller.message.emit("Type a prompt first")
            self.prompt.setFocus()
            return None
        where = Placement()
        if self.insert.isChecked():
            where = Placement(self.target.currentData(), self.controller.playhead.frame)
        job = self.controller.generate(request, where)
        self.controller.message.emit(f"Queued: {request.title} (seed {request.seed})")
        if self.random_seed.isChecked():
            self.seed.setValue(random.randrange(10**6))
        return job

    def refresh_models(self) -> None:
        """Fill the model list with every backend that can generate (local diffusers models too),
        found off the UI thread: looking reads model folders and imports the model code."""
        from desktop.ui.workers import Worker

        def find(progress, cancel):
            from generation.backends import list_backends

            return [(b.name, b.description, b.available, b.note) for b in list_backends()
                    if "generate" in b.capabilities]

        worker = Worker(find)
        worker.succeeded.connect(self._fill_models)
        worker.start()

    def _fill_models(self, found) -> None:
        current = self.model.currentData()
        self.model.clear()
        for name, description, available, note in found:
            label = "Built-in (shapes world)" if name == "builtin" else name
            self.model.addItem(label if available else f"{label} (unavailable)", name)
            self.model.setItemData(self.model.count() - 1, description if available else note,
                                   Qt.ItemDataRole.ToolTipRole)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))

    def _fill_targets(self) -> None:
        current = self.target.currentData()
        self.target.blockSignals(True)
        self.target.clear()
        for track in self.session.project.tracks:
            if track.kind is TrackKind.VIDEO and not track.locked:
                self.target.addItem(track.name, track.id)
        self.target.addItem("New video track", NEW_TRACK)
        index = self.target.findData(current)
        self.target.setCurrentIndex(max(index, 0))
        self.target.blockSignals(False)

    # --- the queue --------------------------------------------------------------------------------------

    def _item(self, job_id: int) -> QListWidgetItem | None:
        for i in range(self.queue_list.count()):
            item = self.queue_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == job_id:
                return item
        return None

    def _on_job(self, job: Job) -> None:
        item = self._item(job.id)
        if item is None:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, job.id)
            self.queue_list.addItem(item)
        text = f"{job.title}  \u2014  {job.state.value}"
        if job.state is State.RUNNING and job.total:
            text += f" {round(100 * job.fraction)}% {format_time_left(job.seconds_left)}"
        elif job.message and job.state is not State.DONE:
            text += f": {job.message}"
        item.setText(text)
        item.setToolTip(job.message or job.title)
        if job.preview is not None:
            self._show_preview(job.preview)
        elif job.state is State.DONE and job.result:
            self.preview.setText(f"Done: {job.title}")
        elif job.state is State.RUNNING and job.preview is None:
            self.preview.setText(f"{job.stage or 'starting'}\u2026")

    def _show_preview(self, rgb: np.ndarray) -> None:
        rgb = np.ascontiguousarray(rgb)
        h, w = rgb.shape[:2]
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.preview.setPixmap(QPixmap.fromImage(image).scaledToHeight(self.preview.height() - 4))

    def _selected_job(self) -> int | None:
        item = self.queue_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _move(self, step: int) -> None:
        job_id = self._selected_job()
        if job_id is None:
            return
        queued = [j.id for j in self.controller.queue.jobs() if j.state is State.QUEUED]
        if job_id in queued:
            self.controller.queue.move(job_id, queued.index(job_id) + step)
            order = [j.id for j in self.controller.queue.jobs()]
            items = sorted((self.queue_list.takeItem(0) for _ in range(self.queue_list.count())),
                           key=lambda it: order.index(it.data(Qt.ItemDataRole.UserRole))
                           if it.data(Qt.ItemDataRole.UserRole) in order else -1)
            for it in items:
                self.queue_list.addItem(it)
            self.queue_list.setCurrentItem(self._item(job_id))

    def _cancel_selected(self) -> None:
        job_id = self._selected_job()
        if job_id is not None:
            self.controller.queue.cancel(job_id)
