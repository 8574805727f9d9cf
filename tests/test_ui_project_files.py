"""Saving, the unsaved-changes question, autosave to a recovery file and recovering from it."""
from __future__ import annotations

import os

from desktop.timeline import edits, otio_io
from desktop.ui.project_files import recovery_path
from editor_fixture import window  # noqa: F401 (the fixture)


def answering(w, answer: str, asked: list | None = None):
    """Answer every question of the window's project files with `answer`, noting the titles."""
    def ask(title, text, choices):
        assert answer in choices
        if asked is not None:
            asked.append(title)
        return answer
    w.files.ask = ask
    w.files.tell = lambda title, text: asked.append(f"{title}: {text}") if asked is not None else None


def test_autosave_writes_beside_the_project_never_over_it(window, tmp_path):  # noqa: F811
    w = window
    path = str(tmp_path / "cut.otio")
    assert w.files._write(path)
    on_disk = open(path, "rb").read()
    w.session.edit(edits.split, 20)
    w.files.autosave()
    recovery = recovery_path(path)
    assert recovery == tmp_path / ".cut.otio.autosave" and recovery.exists()
    assert open(path, "rb").read() == on_disk
    assert len(otio_io.load(str(recovery)).tracks[0].clips) == 3
    assert w.files._write(path)  # a real save makes the recovery file pointless
    assert not recovery.exists()


def test_reopening_offers_the_newer_recovery(window, tmp_path):  # noqa: F811
    w = window
    path = str(tmp_path / "cut.otio")
    w.files._write(path)
    saved = w.session.project.state()
    w.session.edit(edits.split, 20)
    edited = w.session.project.state()
    w.files.autosave()
    asked = []
    answering(w, "Recover", asked)
    assert w.files.open(path)
    assert asked == ["Recover unsaved changes?"]
    assert w.session.project.state() == edited and w.session.modified
    answering(w, "Discard")
    w.files.open(path)
    assert w.session.project.state() == saved and not recovery_path(path).exists()


def test_a_broken_recovery_file_is_set_aside_once(window, tmp_path):  # noqa: F811
    w = window
    path = str(tmp_path / "cut.otio")
    w.files._write(path)
    recovery = recovery_path(path)
    recovery.write_text("{ not json")
    os.utime(recovery, (os.stat(path).st_mtime + 10,) * 2)
    asked = []
    answering(w, "Recover", asked)
    assert w.files.open(path)
    assert asked[0] == "Recover unsaved changes?" and asked[1].startswith("Recovery failed")
    assert not recovery.exists() and recovery.with_name(recovery.name + ".broken").exists()
    asked.clear()
    assert w.files.open(path) and asked == []  # no loop: the question does not come back


def test_untitled_work_is_recovered_after_a_crash(window):  # noqa: F811
    w = window
    w.session.edit(edits.split, 20)
    edited = w.session.project.state()
    w.files.autosave()
    assert recovery_path(None).exists()
    w.session.edit(edits.split, 30)  # the "crash": what follows was never autosaved
    answering(w, "Recover")
    w.files.offer_untitled_recovery()
    assert w.session.project.state() == edited and w.session.modified and w.session.path is None


def test_unsaved_changes_question_on_close(window, qtbot):  # noqa: F811
    w = window
    w.session.edit(edits.split, 20)
    answering(w, "Cancel")
    assert not w.close() and w.isVisible()
    answering(w, "Discard")
    assert w.close()


def test_opened_projects_are_remembered_most_recent_first(window, tmp_path):  # noqa: F811
    w = window
    for name in ("one.otio", "two.otio"):
        w.files._write(str(tmp_path / name))
    w.files.open(str(tmp_path / "one.otio"))
    assert w.files.recent()[:2] == [str(tmp_path / "one.otio"), str(tmp_path / "two.otio")]


def test_a_file_that_is_not_a_project_is_refused_in_a_message(window, tmp_path):  # noqa: F811
    w = window
    bad = tmp_path / "bad.otio"
    bad.write_text("[1, 2]")
    asked = []
    answering(w, "Discard", asked)
    before = w.session.project.state()
    assert not w.files.open(str(bad))
    assert asked[0].startswith("Cannot open project")
    assert w.session.project.state() == before
