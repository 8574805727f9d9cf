"""The export dialog and the jobs panel: a real render in the background decoded back, in-out
range, a snapshot unaffected by edits made meanwhile, cancel leaves nothing, refusals."""
from __future__ import annotations

import os
import sys
from fractions import Fraction

import av
import pytest
from PySide6.QtCore import Qt

from desktop.media.probe import media_for
from desktop.timeline import edits, organize
from desktop.timeline.model import Project, Track, TrackKind
from desktop.ui.export_dialog import PRESETS, ExportDialog, output_size
from desktop.ui.jobs_panel import JobList, JobsPanel, JobState, format_time_left
from desktop.ui.session import Session
from mediafactory import Audio, Video, frame_index, write_media

FPS = Fraction(24)


@pytest.fixture
def session(tmp_path):
    path = write_media(tmp_path / "source.mp4", video=Video(frames=24, fps=FPS),
                       audio=Audio(seconds=1.0, amplitude=0.4))
    project = Project(fps=FPS, width=64, height=48, tracks=[Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")])
    s = Session(project)
    s.edit(organize.import_media, media_for(path, FPS))
    return s


@pytest.fixture
def dialog(qtbot, session):
    jobs = JobList()
    d = ExportDialog(session, jobs, marks=(5, 11))
    qtbot.addWidget(d)
    d.set_preset("Project settings")
    return d


def decoded_frames(path) -> list[int]:
    with av.open(str(path)) as container:
        return [frame_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def wait_ended(qtbot, job, timeout=20_000):
    if not job.is_ended:
        with qtbot.waitSignal(job.ended, timeout=timeout):
            pass


def test_export_renders_the_timeline_in_the_background(qtbot, dialog, tmp_path):
    out = tmp_path / "out.mp4"
    dialog.set_output(str(out))
    statuses = []
    dialog.status.connect(statuses.append)
    panel = JobsPanel(dialog.jobs)
    qtbot.addWidget(panel)
    job = dialog.start()
    assert job is not None and dialog.running and not dialog.export_button.isEnabled()
    assert panel.row(job) is not None and not panel.empty_label.isVisible()
    wait_ended(qtbot, job)
    assert job.state is JobState.DONE, job.message
    assert decoded_frames(out) == list(range(24))
    assert statuses and str(out) in statuses[-1]
    assert dialog.progress_bar.value() == 1000 and dialog.export_button.isEnabled()
    row = panel.row(job)
    assert row.state_label.text() == "done" and str(out) in row.detail_label.text()
    assert row.cancel_button.isHidden()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.row(job) is None and dialog.jobs.jobs == []


def test_in_out_range_and_snapshot_ignore_edits_made_meanwhile(qtbot, dialog, session, tmp_path):
    out = tmp_path / "range.mp4"
    dialog.set_output(str(out))
    dialog.use_marks(True)
    job = dialog.start()
    video_clip = session.project.tracks[0].clips[0]
    session.edit(edits.remove, [video_clip.id])  # the live project loses the picture at once
    assert session.project.tracks[0].clips == []
    wait_ended(qtbot, job)
    assert job.state is JobState.DONE, job.message
    assert decoded_frames(out) == list(range(5, 11))


def test_cancel_from_the_jobs_panel_leaves_no_file(qtbot, session, tmp_path):
    long = write_media(tmp_path / "long.mp4", video=Video(frames=240, fps=FPS))
    session.edit(organize.import_media, media_for(long, FPS))
    jobs = JobList()
    dialog = ExportDialog(session, jobs)
    qtbot.addWidget(dialog)
    dialog.set_preset("Project settings")
    panel = JobsPanel(jobs)
    qtbot.addWidget(panel)
    out = tmp_path / "exports" / "cancelled.mp4"
    out.parent.mkdir()
    dialog.set_output(str(out))
    job = dialog.start()
    qtbot.waitUntil(lambda: job.done >= 3, timeout=10_000)
    assert job.state is JobState.RUNNING and job.total == 264
    assert format_time_left(job.time_left()).endswith("left")
    qtbot.mouseClick(panel.row(job).cancel_button, Qt.MouseButton.LeftButton)
    wait_ended(qtbot, job)
    assert job.state is JobState.CANCELLED
    assert os.listdir(out.parent) == []
    assert "nothing was written" in dialog.message_label.text()
    assert dialog.export_button.isEnabled()


def test_output_equal_to_an_input_is_refused(qtbot, dialog, session):
    source = session.project.bin[0].path
    dialog.set_output(source)
    assert dialog.start() is None
    assert "one of the project's media files" in dialog.message_label.text()
    assert dialog.jobs.jobs == [] and os.path.getsize(source) > 0


def test_missing_folder_and_empty_timeline_are_refused(qtbot, dialog, tmp_path):
    dialog.set_output(str(tmp_path / "nowhere" / "x.mp4"))
    assert dialog.start() is None and "no such folder" in dialog.message_label.text()
    empty = ExportDialog(Session(Project(fps=FPS)), dialog.jobs)
    qtbot.addWidget(empty)
    empty.set_output(str(tmp_path / "x.mp4"))
    assert empty.start() is None and "empty" in empty.message_label.text()
    assert dialog.jobs.jobs == []


def test_presets_keep_the_project_aspect():
    project = Project(width=1280, height=544)
    sizes = {p.name: output_size(project, p) for p in PRESETS}
    assert sizes == {"1080p H.264 high quality": (2540, 1080), "720p H.264 fast": (1694, 720),
                     "Project settings": (1280, 544)}


def test_a_failing_task_fails_its_job_with_one_line(qtbot):
    jobs = JobList()
    panel = JobsPanel(jobs)
    qtbot.addWidget(panel)

    def broken(progress, cancel):
        progress(1, 4)
        raise ValueError("the disk is full")

    job = jobs.run("Broken job", broken)
    wait_ended(qtbot, job)
    assert job.state is JobState.FAILED and job.message == "ValueError: the disk is full"
    row = panel.row(job)
    assert row.state_label.text() == "failed" and row.detail_label.text() == job.message


def test_emitting_signals_does_not_use_up_references_to_true(qtbot):
    """PySide6 6.12.0 leaked a reference to True per emit and aborted after a few thousand."""
    jobs = JobList()
    job = jobs.add("counting")
    before = sys.getrefcount(True)
    for i in range(5000):
        job.report(i, 5000)
    qtbot.wait(50)
    assert sys.getrefcount(True) >= before - 50 and job.done == 4999
