"""Generation in the editor, end to end: a prompt becomes a clip in the bin and on the timeline as
one undo step; a clip is extended in place; jobs can be cancelled; a failing job shows its message
and the editor goes on. The built-in backend is a real tiny model made in the test."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from desktop.jobs.queue import State
from desktop.timeline import edits
from desktop.ui.jobs_panel import JobState
from editor_fixture import window  # noqa: F401 (the fixture)
from test_diffusers_discovery import ltx_folder  # at collection: imported mid-test, pytest rewrote it
# while worker threads ran and CPython 3.11's ast raised "AST constructor recursion depth mismatch"
from generation import backends
from generation.builtin import BuiltinModel
from generation.tiny import write_tiny_model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return BuiltinModel.load(write_tiny_model(tmp_path_factory.mktemp("tiny")))


@pytest.fixture
def builtin(tiny_model, monkeypatch):
    monkeypatch.setattr(backends, "load_backend", lambda name, device=None: tiny_model)
    return tiny_model


def wait_job(qtbot, w, job, timeout=60_000):
    qtbot.waitUntil(lambda: not job.active and job.id not in w.generation._rows, timeout=timeout)


def test_prompt_to_clip_on_the_timeline_and_undo(qtbot, window, builtin):  # noqa: F811
    w = window
    panel = w.generate_panel
    w.playhead.seek(96)
    qtbot.keyClicks(panel.prompt, "a small red circle moving left on a black background")
    panel.seconds.setValue(1.0)
    panel.random_seed.setChecked(False)
    panel.seed.setValue(7)
    panel.target.setCurrentIndex(panel.target.findData(w.session.project.tracks[0].id))
    steps = w.session.undo_stack.count()
    qtbot.mouseClick(panel.go, Qt.MouseButton.LeftButton)
    job = w.generation.queue.jobs()[-1]
    reports = []
    w.jobs.jobs[-1].changed.connect(lambda: reports.append(w.jobs.jobs[-1].fraction))
    wait_job(qtbot, w, job)
    assert job.state is State.DONE, job.message
    assert any(0 < f < 1 for f in reports)  # progress was shown while it ran
    assert w.jobs.jobs[-1].state is JobState.DONE
    media = job.result[0]
    assert os.path.exists(media.path) and media.provenance.prompt.startswith("a small red circle")
    assert media.provenance.seed == 7 and media.provenance.model == "builtin"
    assert media in w.session.project.bin
    v1 = w.session.project.tracks[0]
    placed = v1.clip_at(96)
    assert placed is not None and placed.media.path == media.path and placed.start == 96
    assert placed.duration == media.duration == 24  # 1 s at the project's 24 fps
    assert w.session.undo_stack.count() == steps + 1
    w.session.undo_stack.undo()
    assert v1.clip_at(96) is None and media not in w.session.project.bin


def test_extend_a_clip_puts_the_continuation_right_after_it(qtbot, window):  # noqa: F811
    w = window
    a, b = w.session.project.tracks[0].clips
    job = w.extend_clip(a.id, 0.5, "flow")
    wait_job(qtbot, w, job)
    assert job.state is State.DONE, job.message
    v1 = w.session.project.tracks[0]
    new = v1.clip_at(48)
    assert new.media.provenance.source == a.media.path and new.generated
    assert (new.start, new.duration) == (48, 12)
    assert v1.clip(b.id).start == 60  # the next clip rippled right, with its sound
    assert w.session.project.tracks[2].clip(w.session.project.linked(v1.clip(b.id))[1].id).start == 60
    w.session.undo_stack.undo()
    assert v1.clip(b.id).start == 48 and v1.clip_at(50).id == b.id


def test_outcome_futures_settle_on_the_qasync_loop(qtbot, window):  # noqa: F811
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.ui.generation import JobFailed

    w = window
    a, b = w.session.project.tracks[0].clips
    loop = qasync.QEventLoop(QApplication.instance())

    async def scenario():
        job = w.extend_clip(a.id, 0.5, "flow")
        done = await asyncio.wait_for(w.generation.outcome(job), 60)
        assert done is job and job.state is State.DONE
        assert w.session.project.tracks[0].clip_at(48).generated  # placed before the future settled
        await asyncio.sleep(0)  # the window's own waiter runs next
        assert w.statusBar().currentMessage().startswith("Extended by 0.5 s")
        os.remove(b.media.path)
        failing = w.extend_clip(b.id, 0.5, "flow")
        with pytest.raises(JobFailed, match="offline"):
            await asyncio.wait_for(w.generation.outcome(failing), 60)
        assert w.generation.outcome(failing).exception() is not None  # an ended job settles at once

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def test_cancel_a_running_job_places_nothing(qtbot, window, builtin):  # noqa: F811
    w = window
    panel = w.generate_panel
    qtbot.keyClicks(panel.prompt, "a blue square drifting up")
    panel.seconds.setValue(30.0)
    before = w.session.project.state()
    job = panel.submit()
    qtbot.waitUntil(lambda: job.state is State.RUNNING and job.done > 0, timeout=30_000)
    w.jobs.jobs[-1].cancel()  # the Jobs panel's cancel button
    wait_job(qtbot, w, job)
    assert job.state is State.CANCELLED
    assert w.jobs.jobs[-1].state is JobState.CANCELLED
    assert w.session.project.state() == before


def test_a_failing_job_shows_why_and_the_editor_keeps_working(qtbot, window):  # noqa: F811
    w = window
    a = w.session.project.tracks[0].clips[0]
    os.remove(a.media.path)
    job = w.extend_clip(a.id, 1.0, "flow")
    wait_job(qtbot, w, job)
    assert job.state is State.FAILED and "offline" in job.message
    assert w.jobs.jobs[-1].state is JobState.FAILED and "offline" in w.jobs.jobs[-1].message
    w.session.edit(edits.split, 60)
    assert len(w.session.project.tracks[0].clips) == 3


def test_empty_prompt_is_refused_with_a_message(qtbot, window):  # noqa: F811
    w = window
    with qtbot.waitSignal(w.generation.message) as said:
        assert w.generate_panel.submit() is None
    assert "prompt" in said.args[0].lower()
    assert not w.generation.queue.jobs()


def test_model_list_holds_the_backends_that_generate(qtbot, window):  # noqa: F811
    combo = window.generate_panel.model
    from generation.backends import list_backends

    expected = [b.name for b in list_backends() if "generate" in b.capabilities]
    qtbot.waitUntil(lambda: [combo.itemData(i) for i in range(combo.count())] == expected, timeout=20_000)
    assert "flow" not in expected and "builtin" in expected


def test_a_model_folder_added_in_the_editor_is_remembered_and_listed(qtbot, window, tmp_path):  # noqa: F811
    from generation.diffusers.settings import configure

    root = tmp_path / "ltx-video"
    ltx_folder(root)
    w = window
    try:
        w.add_model_folder(str(root))
        assert w.model_folders() == [str(root)]
        combo = w.generate_panel.model
        qtbot.waitUntil(lambda: combo.count() == 2, timeout=20_000)
        assert combo.itemData(1) == "ltx-video"
        w.add_model_folder(str(tmp_path / "nowhere"))
        assert w.model_folders() == [str(root)]
    finally:
        configure(model_dirs=[])


def test_extension_overwrites_what_follows_when_set(qtbot, window):  # noqa: F811
    w = window
    w.act_extend_overwrites.trigger()
    a, b = w.session.project.tracks[0].clips
    job = w.extend_clip(a.id, 0.5, "flow")
    wait_job(qtbot, w, job)
    v1 = w.session.project.tracks[0]
    assert (v1.clip_at(48).start, v1.clip_at(48).duration) == (48, 12)
    assert v1.clip_at(60).id == b.id and v1.clip(b.id).start == 60 and v1.clip(b.id).source_start == 12
