"""The media bin: import files and folders (non-media skipped with a message), rows that describe the
real files, drag data for the timeline, offline files relinked, posters, Delete and double-click."""
from __future__ import annotations

import shutil
from dataclasses import replace
from fractions import Fraction

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import QMainWindow

from desktop.media.probe import media_for
from desktop.timeline import organize
from desktop.timeline.model import Project, Provenance, Track, TrackKind
from desktop.ui.media_bin import MediaBin
from desktop.ui.previews import Previews
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode
from desktop.ui.timeline.widget import MEDIA_MIME
from mediafactory import Audio, Video, frame_colour, write_audio, write_media, write_video

FPS = Fraction(25)


@pytest.fixture
def files(tmp_path):
    a = write_media(tmp_path / "a.mp4", video=Video(frames=50, fps=FPS, size=(64, 48)), audio=Audio(seconds=2))
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    b = write_video(folder / "b.mkv", frames=30, fps=Fraction(30), size=(80, 48))
    c = write_audio(folder / "day2" / "c.wav", seconds=1.5)
    notes = folder / "notes.txt"
    notes.write_text("shot list")
    return a, folder, b, c, notes


@pytest.fixture
def session():
    return Session(Project(fps=FPS, width=64, height=48,
                           tracks=[Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")]))


@pytest.fixture
def media_bin(qtbot, session, tmp_path):
    window = QMainWindow()  # the window's own Delete shortcut, as in the editor
    window.delete_hits = []
    delete = QAction("Delete clips", window)
    delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
    delete.triggered.connect(lambda: window.delete_hits.append(1))
    window.addAction(delete)
    bin_ = MediaBin(session, Previews(session, cache=tmp_path / "cache"))
    window.setCentralWidget(bin_)
    window.addAction(bin_.import_action)
    qtbot.addWidget(window)
    window.resize(600, 400)
    window.show()
    qtbot.waitExposed(window)
    bin_.window_ = window
    return bin_


def do_import(qtbot, bin_, paths):
    with qtbot.waitSignal(bin_.imported, timeout=15_000) as blocker:
        bin_.import_paths([str(p) for p in paths])
    return blocker.args[0]


def row_texts(bin_):
    model = bin_.proxy
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_import_files_and_folders_skips_what_is_not_media(qtbot, media_bin, session, files):
    a, folder, b, c, notes = files
    added = do_import(qtbot, media_bin, [a, folder])
    assert [m.path for m in added] == [str(a), str(b), str(c)]
    assert [m.path for m in session.project.bin] == [str(a), str(b), str(c)]
    message = media_bin.message_label.text()
    assert "Imported 3 files" in message and "notes.txt" in message and "\n" not in message
    assert row_texts(media_bin) == [
        ["a.mp4", timecode(50, FPS), "64x48", "25", "yes"],
        ["b.mkv", timecode(25, FPS), "80x48", "30", "no"],
        ["c.wav", timecode(round(1.5 * 25), FPS), "-", "-", "yes"],
    ]
    assert session.undo_stack.count() == 1  # one import, one undo step
    session.undo_stack.undo()
    assert session.project.bin == [] and media_bin.proxy.rowCount() == 0
    session.undo_stack.redo()
    assert media_bin.proxy.rowCount() == 3


def test_a_narrow_bin_puts_the_details_under_the_name(qtbot, media_bin, files):
    a, *_ = files
    do_import(qtbot, media_bin, [a])
    media_bin.window_.resize(300, 400)
    qtbot.waitUntil(lambda: media_bin.view.isColumnHidden(1))
    assert media_bin.proxy.index(0, 0).data() == f"a.mp4\n{timecode(50, FPS)}  64x48  25 fps  \u266a"
    media_bin.window_.resize(700, 400)
    qtbot.waitUntil(lambda: not media_bin.view.isColumnHidden(1))
    assert media_bin.proxy.index(0, 0).data() == "a.mp4"


def test_reimport_and_only_non_media_say_so(qtbot, media_bin, session, files):
    a, _, _, _, notes = files
    do_import(qtbot, media_bin, [a])
    assert do_import(qtbot, media_bin, [a, notes]) == []
    message = media_bin.message_label.text()
    assert message.startswith("Nothing imported") and "skipped 2" in message
    assert len(session.project.bin) == 1 and session.undo_stack.count() == 1


def test_dropping_files_and_folders_on_the_bin_imports_them(qtbot, media_bin, session, files):
    a, folder, *_ = files
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(a)), QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(media_bin.imported, timeout=15_000):
        media_bin.view.dropEvent(drop)
    assert drop.isAccepted() and len(session.project.bin) == 3


def test_drag_data_carries_the_paths(qtbot, media_bin, files):
    a, folder, b, c, _ = files
    do_import(qtbot, media_bin, [a, folder])
    rows = [media_bin.proxy.index(r, 0) for r in (0, 2)]
    mime = media_bin.proxy.mimeData(rows)
    assert bytes(mime.data(MEDIA_MIME)).decode().splitlines() == [str(a), str(c)]
    assert [u.toLocalFile() for u in mime.urls()] == [str(a), str(c)]
    assert media_bin.view.dragEnabled()


def test_offline_file_is_shown_and_relinked(qtbot, media_bin, session, files, tmp_path):
    a, *_ = files
    do_import(qtbot, media_bin, [a])
    session.edit(organize.import_media, session.project.bin[0])  # clips use it too
    moved = tmp_path / "moved" / "a.mp4"
    moved.parent.mkdir()
    shutil.move(a, moved)
    media_bin.model.refresh_status()  # what the folder watcher does when the file goes
    index = media_bin.proxy.index(0, 0)
    assert index.data().endswith("(offline)") and "Relink" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    media_bin.select_paths([str(a)])
    assert media_bin.relink_action.isEnabled()
    with qtbot.waitSignal(media_bin.relinked, timeout=10_000):
        media_bin.relink(str(a), str(moved))
    assert [m.path for m in session.project.bin] == [str(moved)]
    assert {c.media.path for _, c in session.project.all_clips()} == {str(moved)}
    assert media_bin.proxy.index(0, 0).data() == "a.mp4"
    session.undo_stack.undo()
    assert session.project.bin[0].path == str(a)


def test_relink_to_a_file_that_is_not_media_changes_nothing(qtbot, media_bin, session, files):
    a, _, _, _, notes = files
    do_import(qtbot, media_bin, [a])
    steps = session.undo_stack.count()
    with qtbot.waitSignal(media_bin.status, timeout=10_000, check_params_cb=lambda m: m.startswith("Cannot")):
        media_bin.relink(str(a), str(notes))
    assert session.project.bin[0].path == str(a) and session.undo_stack.count() == steps


def test_poster_frames_arrive(qtbot, media_bin, files):
    a, folder, *_ = files
    do_import(qtbot, media_bin, [a, folder])
    def poster():
        icon = media_bin.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
        return icon if icon is not None and not icon.isNull() else None
    qtbot.waitUntil(lambda: poster() is not None, timeout=10_000)
    image = poster().toImage().convertToFormat(QImage.Format.Format_RGB888)
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (colour.red(), colour.green(), colour.blue()) == pytest.approx(frame_colour(0), abs=12)
    audio_icon = media_bin.proxy.index(2, 0).data(Qt.ItemDataRole.DecorationRole)
    assert audio_icon is not None and not audio_icon.isNull()


def test_generated_media_has_a_badge_and_its_prompt(qtbot, media_bin, session, files):
    a, *_ = files
    made = replace(media_for(a, FPS), provenance=Provenance("a red ball bouncing", 7, "builtin-shapes"))
    session.edit(organize.add_media, made)
    index = media_bin.proxy.index(0, 0)
    assert index.data().startswith("\u2726") and "a red ball bouncing" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_delete_key_removes_from_the_bin_not_the_windows_action(qtbot, media_bin, session, files):
    a, folder, b, c, _ = files
    do_import(qtbot, media_bin, [a, folder])
    media_bin.select_paths([str(b)])
    media_bin.view.setFocus()
    qtbot.keyClick(media_bin.view, Qt.Key.Key_Delete)
    assert [m.path for m in session.project.bin] == [str(a), str(c)]
    assert media_bin.window_.delete_hits == []
    session.undo_stack.undo()
    assert len(session.project.bin) == 3


def test_double_click_and_enter_ask_for_the_source_viewer(qtbot, media_bin, files):
    a, folder, b, *_ = files
    do_import(qtbot, media_bin, [a, folder])
    view = media_bin.view
    rect = view.visualRect(media_bin.proxy.index(1, 0))
    with qtbot.waitSignal(media_bin.source_requested) as blocker:  # a double click: a click, then the second
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0].path == str(b)
    media_bin.select_paths([str(a)])
    with qtbot.waitSignal(media_bin.source_requested) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args[0].path == str(a)


def test_ctrl_i_opens_the_import_dialog(qtbot, media_bin, session, files, monkeypatch):
    a, *_ = files
    asked = []

    def choose(parent, title, folder, filters):  # stands in for the person picking a file
        asked.append(filters)
        return [str(a)], ""

    monkeypatch.setattr("desktop.ui.media_bin.QFileDialog.getOpenFileNames", choose)
    media_bin.view.setFocus()
    with qtbot.waitSignal(media_bin.imported, timeout=15_000):
        qtbot.keyClick(media_bin.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert "*.mp4" in asked[0] and [m.path for m in session.project.bin] == [str(a)]
