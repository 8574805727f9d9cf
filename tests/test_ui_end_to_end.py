"""The editor as a person uses it, start to finish: import two files, drag both to the timeline,
split one, trim another, ripple delete, undo twice, redo once, save, close, reopen (the timeline is
what was saved), export, and decode the export to check its frames and length."""
from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from desktop.media.decoder import VideoDecoder
from desktop.media.probe import probe
from desktop.timeline import invariants
from desktop.timeline.model import Project, Track, TrackKind
from desktop.ui.export_dialog import ExportDialog
from desktop.ui.jobs_panel import JobState
from desktop.ui.main_window import MainWindow
from mediafactory import Audio, Video, frame_index, write_media

FPS = Fraction(24)


def make_window(tmp_path, qtbot) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def close(w: MainWindow) -> None:
    w.session.history.mark_saved()
    w.close()
    w.deleteLater()


def drop_on_timeline(w: MainWindow, mime, at: QPoint) -> None:
    """What a drag from the bin does when it lands on the timeline at `at`."""
    t = w.timeline
    t.dragEnterEvent(QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                     Qt.KeyboardModifier.NoModifier))
    t.dragMoveEvent(QDragMoveEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                   Qt.KeyboardModifier.NoModifier))
    t.dropEvent(QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier))


def lane_point(w: MainWindow, frame: float, track_index: int) -> QPoint:
    lay = w.timeline.layout_
    row = lay.row_of(w.session.project.tracks[track_index].id)
    return QPointF(lay.x_of(frame), lay.row_top(row) + row.height / 2).toPoint()


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 7):
        qtbot.mouseMove(widget, start + (end - start) * i / 6)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def layout_of(project: Project) -> list:
    return [[(c.media.name, c.start, c.duration, c.source_start) for c in t.clips] for t in project.tracks]


def test_import_cut_save_reopen_export(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMESMITH_CACHE_DIR", str(tmp_path / "cache"))
    a = write_media(tmp_path / "a.mp4", video=Video(frames=48, fps=FPS), audio=Audio(seconds=2))
    b = write_media(tmp_path / "b.mkv", video=Video(frames=36, fps=FPS), audio=Audio(seconds=1.5, tones=(660,)))
    w = make_window(tmp_path, qtbot)
    project = Project(fps=FPS, width=64, height=48, name="e2e")
    project.tracks = [Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")]
    w.session.replace(project, None)
    w.timeline.layout_.px_per_frame = 5.0

    # import both by the bin, as the dialog or a file drop does
    with qtbot.waitSignal(w.media_bin.imported, timeout=20_000) as imported:
        w.media_bin.import_paths([str(a), str(b)])
    assert sorted(m.name for m in imported.args[0]) == ["a.mp4", "b.mkv"]

    # drag each from the bin to the end of V1
    model = w.media_bin.model
    for name, frame in (("a.mp4", 0), ("b.mkv", 48)):
        row = next(i for i, m in enumerate(model.rows) if m.name == name)
        mime = model.mimeData([model.index(row, 0)])
        w.timeline.snapping = True
        drop_on_timeline(w, mime, lane_point(w, frame + 0.2, 0))
    assert layout_of(w.session.project) == [[("a.mp4", 0, 48, 0), ("b.mkv", 48, 36, 0)],
                                            [("a.mp4", 0, 48, 0), ("b.mkv", 48, 36, 0)]]

    # split a at 20 (razor at the playhead), trim b's head by 6, ripple delete a's second part
    w.timeline.snapping = False
    w.playhead.seek(20)
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_S)
    drag(qtbot, w.timeline, lane_point(w, 48, 0) + QPoint(2, 0), lane_point(w, 54, 0))
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=lane_point(w, 30, 0))
    qtbot.keyClick(w.timeline, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    after_ripple = [[("a.mp4", 0, 20, 0), ("b.mkv", 26, 30, 6)], [("a.mp4", 0, 20, 0), ("b.mkv", 26, 30, 6)]]
    assert layout_of(w.session.project) == after_ripple
    invariants.check(w.session.project)

    # undo twice (ripple delete, trim), redo once (trim)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert layout_of(w.session.project)[0] == [("a.mp4", 0, 20, 0), ("a.mp4", 20, 28, 20), ("b.mkv", 48, 36, 0)]
    qtbot.keyClick(w.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    expected = [[("a.mp4", 0, 20, 0), ("a.mp4", 20, 28, 20), ("b.mkv", 54, 30, 6)]] * 2
    assert layout_of(w.session.project) == expected

    # save, close, reopen: the timeline is what was saved
    path = str(tmp_path / "e2e.otio")
    assert w.files._write(path)
    assert not w.session.modified and "*" not in w.windowTitle()
    saved = w.session.project.state()
    close(w)
    w = make_window(tmp_path, qtbot)
    w.open_project(path)
    assert w.session.path == path
    assert w.session.project.state() == saved
    assert layout_of(w.session.project) == expected

    # export the whole timeline, decode it back
    out = str(tmp_path / "out.mp4")
    dialog = ExportDialog(w.session, w.jobs, None, w)
    dialog.set_preset("Project settings")
    dialog.set_output(out)
    job = dialog.start()
    qtbot.waitUntil(lambda: job.is_ended, timeout=60_000)
    assert job.state is JobState.DONE, job.message
    info = probe(out)
    assert info.video.frames == 84 and info.video.rate == FPS and info.audio
    with VideoDecoder(out) as dec:
        pictures = [dec.frame(i) for i in range(len(dec))]
    # a 0-19, a 20-47, a gap 48-53 (black), b from its frame 6
    assert [frame_index(p) for p in pictures[:48]] == list(range(48))
    assert all(p.max() < 24 for p in pictures[48:54])
    assert [frame_index(p) for p in pictures[54:84]] == list(range(6, 36))
    dialog.close()
    close(w)
