"""The timeline panel driven by mouse and keyboard, as a person would: every gesture is one core
edit, the picture of the project matches the model, and undo/redo step through the gestures."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop.timeline import edits, invariants, organize, trims
from desktop.ui.timeline.layout import HEADER_WIDTH
from desktop.ui.timeline.widget import MEDIA_MIME
from editor_fixture import FPS, window  # noqa: F401 (the fixture)
from mediafactory import Video, write_media


def clips(w, track_index=0):
    return [(c.name, c.start, c.duration, c.source_start) for c in w.session.project.tracks[track_index].clips]


def point(w, frame: float, track_index: int = 0) -> QPoint:
    """Where frame `frame` of track `track_index` is drawn in the timeline widget."""
    lay = w.timeline.layout_
    row = lay.row_of(w.session.project.tracks[track_index].id)
    return QPointF(lay.x_of(frame), lay.row_top(row) + row.height / 2).toPoint()


def drag(qtbot, widget, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifier, start)
    steps = 6
    for i in range(1, steps + 1):
        qtbot.mouseMove(widget, start + (end - start) * i / steps)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifier, end)


def check_undo_redo(w, before, after):
    invariants.check(w.session.project)
    w.session.undo_stack.undo()
    assert w.session.project.state() == before
    w.session.undo_stack.redo()
    assert w.session.project.state() == after


def test_drag_clip_moves_it_and_its_sound_is_one_undo_step(qtbot, window):
    w = window
    w.timeline.snapping = False
    before = w.session.project.state()
    steps = w.session.undo_stack.count()
    drag(qtbot, w.timeline, point(w, 60), point(w, 80))  # b starts at 48: +20 frames
    assert clips(w) == [("a.mp4", 0, 48, 0), ("b.mp4", 68, 48, 0)]
    assert w.session.undo_stack.count() == steps + 1
    check_undo_redo(w, before, w.session.project.state())


def test_drag_to_another_video_track(qtbot, window):
    w = window
    w.timeline.snapping = False
    drag(qtbot, w.timeline, point(w, 10, 0), point(w, 10, 1))
    assert clips(w, 0) == [("b.mp4", 48, 48, 0)]
    assert clips(w, 1) == [("a.mp4", 0, 48, 0)]


def test_drag_onto_a_neighbour_is_refused_and_changes_nothing(qtbot, window):
    w = window
    w.timeline.snapping = False
    before = w.session.project.state()
    with qtbot.waitSignal(w.session.failed) as refused:
        drag(qtbot, w.timeline, point(w, 10), point(w, 30))
    assert "overlap" in refused.args[0]
    assert w.session.project.state() == before


def test_drag_right_edge_trims_and_ctrl_drag_ripples(qtbot, window):
    w = window
    w.timeline.snapping = False
    drag(qtbot, w.timeline, point(w, 48, 0) - QPoint(2, 0), point(w, 38, 0))  # a's out edge: -10
    assert clips(w) == [("a.mp4", 0, 38, 0), ("b.mp4", 48, 48, 0)]
    drag(qtbot, w.timeline, point(w, 38) - QPoint(2, 0), point(w, 28), Qt.KeyboardModifier.ControlModifier)
    assert clips(w) == [("a.mp4", 0, 28, 0), ("b.mp4", 38, 48, 0)]
    assert clips(w, 2) == [("a.mp4", 0, 28, 0), ("b.mp4", 38, 48, 0)]  # the sound follows


def test_left_edge_trim_moves_the_source_in(qtbot, window):
    w = window
    w.timeline.snapping = False
    drag(qtbot, w.timeline, point(w, 48) + QPoint(2, 0), point(w, 58))
    assert clips(w) == [("a.mp4", 0, 48, 0), ("b.mp4", 58, 38, 10)]


def test_snapping_pulls_a_clip_to_the_playhead(qtbot, window):
    w = window
    w.playhead.seek(70)
    drag(qtbot, w.timeline, point(w, 60), point(w, 60 + 21.2))  # b's start 48 + 21 lands 1 frame off 70
    assert clips(w)[1][1] == 70


def test_split_delete_and_ripple_delete_by_keyboard(qtbot, window):
    w = window
    w.timeline.setFocus()
    w.playhead.seek(20)
    qtbot.keyClick(w.timeline, Qt.Key.Key_S)
    assert clips(w) == [("a.mp4", 0, 20, 0), ("a.mp4", 20, 28, 20), ("b.mp4", 48, 48, 0)]
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 30))
    qtbot.keyClick(w.timeline, Qt.Key.Key_Delete)
    assert clips(w) == [("a.mp4", 0, 20, 0), ("b.mp4", 48, 48, 0)]
    qtbot.keyClick(w.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 30))
    qtbot.keyClick(w.timeline, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert clips(w) == [("a.mp4", 0, 20, 0), ("b.mp4", 20, 48, 0)]
    assert clips(w, 2) == [("a.mp4", 0, 20, 0), ("b.mp4", 20, 48, 0)]


def test_copy_cut_and_paste_by_keyboard(qtbot, window):
    w = window
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    w.timeline.setFocus()
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 10))
    qtbot.keyClick(w.timeline, Qt.Key.Key_C, ctrl)
    w.playhead.seek(100)
    qtbot.keyClick(w.timeline, Qt.Key.Key_V, ctrl)
    assert clips(w) == clips(w, 2) == [("a.mp4", 0, 48, 0), ("b.mp4", 48, 48, 0), ("a.mp4", 100, 48, 0)]
    pasted = [c for _, c in w.session.project.all_clips() if c.start == 100]
    assert sorted(w.selection.ids) == sorted(c.id for c in pasted)
    assert pasted[0].link == pasted[1].link is not None and w.playhead.frame == 148
    qtbot.keyClick(w.timeline, Qt.Key.Key_V, ctrl)  # again: after the first copy
    assert clips(w)[-1] == ("a.mp4", 148, 48, 0)
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 60))
    qtbot.keyClick(w.timeline, Qt.Key.Key_X, ctrl)
    assert clips(w) == [("a.mp4", 0, 48, 0), ("a.mp4", 100, 48, 0), ("a.mp4", 148, 48, 0)]
    w.playhead.seek(0)
    qtbot.keyClick(w.timeline, Qt.Key.Key_V, ctrl | shift)
    assert clips(w) == clips(w, 2) == [("b.mp4", 0, 48, 0), ("a.mp4", 48, 48, 0), ("a.mp4", 148, 48, 0),
                                       ("a.mp4", 196, 48, 0)]
    qtbot.keyClick(w.timeline, Qt.Key.Key_Z, ctrl)
    assert clips(w) == [("a.mp4", 0, 48, 0), ("a.mp4", 100, 48, 0), ("a.mp4", 148, 48, 0)]


def test_paste_in_the_prompt_box_pastes_text_not_clips(qtbot, window):
    w = window
    w.timeline.setFocus()
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 10))
    qtbot.keyClick(w.timeline, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    before = w.session.project.state()
    QApplication.clipboard().setText("a red circle")
    w.generate_dock.show()
    w.generate_panel.prompt.setFocus()
    qtbot.keyClick(w.generate_panel.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert w.generate_panel.prompt.toPlainText() == "a red circle"
    assert w.session.project.state() == before


def corner(w, frame: float, track_index: int = 0) -> QPoint:
    """Near the top of track `track_index` at `frame`: where fade handles are grabbed."""
    lay = w.timeline.layout_
    row = lay.row_of(w.session.project.tracks[track_index].id)
    return QPointF(lay.x_of(frame), lay.row_top(row) + 4).toPoint()


def test_dragging_the_top_corners_sets_the_fades(qtbot, window):
    w = window
    w.timeline.snapping = False
    before = w.session.project.state()
    drag(qtbot, w.timeline, corner(w, 0), corner(w, 12))  # a's fade in: 12 frames, with its sound
    a, sound = w.session.project.tracks[0].clips[0], w.session.project.tracks[2].clips[0]
    assert (a.fade_in, a.fade_out, a.start, a.duration) == (sound.fade_in, sound.fade_out, 0, 48) == (12, 0, 0, 48)
    after_in = w.session.project.state()
    check_undo_redo(w, before, after_in)
    drag(qtbot, w.timeline, corner(w, 95.6), corner(w, 87.6), Qt.KeyboardModifier.AltModifier)  # b's out, alone
    b, b_sound = w.session.project.tracks[0].clips[1], w.session.project.tracks[2].clips[1]
    assert (b.fade_out, b_sound.fade_out, b.end) == (8, 0, 96)
    drag(qtbot, w.timeline, corner(w, 12), corner(w, 70))  # a's fade in can't pass the clip's end
    assert w.session.project.tracks[0].clips[0].fade_in == 48
    assert w.session.undo_stack.count() >= 3


def test_right_click_on_empty_space_offers_to_close_the_gap_and_paste_there(qtbot, window):
    w = window
    asked = []
    w.timeline.lane_menu_requested.disconnect(w._lane_menu)  # the real one would wait for a choice
    w.timeline.lane_menu_requested.connect(lambda *args: asked.append(args[:2]))
    w.session.edit(edits.remove, [w.session.project.tracks[0].clips[0].id])  # a gap 0-47 on V1 and A1
    where = point(w, 20)
    QApplication.sendEvent(w.timeline, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                         w.timeline.mapToGlobal(where)))
    assert asked == [(w.session.project.tracks[0].id, 20)]
    menu = w.commands.lane_menu(*asked[0])
    close, paste_here = menu.actions()
    assert not paste_here.isEnabled()  # nothing copied yet
    close.trigger()
    assert clips(w) == clips(w, 2) == [("b.mp4", 0, 48, 0)]


def test_click_selects_ctrl_click_toggles_empty_click_clears(qtbot, window):
    w = window
    a, b = (c.id for c in w.session.project.tracks[0].clips)
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 10))
    assert w.selection.ids == [a]
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, point(w, 60))
    assert w.selection.ids == [a, b]
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 150))
    assert w.selection.ids == []
    assert w.playhead.frame == 150


def test_locked_track_refuses_drags(qtbot, window):
    w = window
    w.timeline.snapping = False
    v1 = w.session.project.tracks[0]
    w.session.edit(organize.set_track, v1.id, locked=True)
    before = w.session.project.state()
    drag(qtbot, w.timeline, point(w, 60), point(w, 80))
    assert w.session.project.state() == before


def test_header_lock_button_toggles_lock_as_an_undo_step(qtbot, window):
    from desktop.ui.timeline.painter import header_button_rect

    w = window
    row = w.timeline.layout_.row_of(w.session.project.tracks[0].id)
    button = header_button_rect(w.timeline.layout_.row_top(row), 2).center().toPoint()
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=button)
    assert w.session.project.tracks[0].locked
    w.session.undo_stack.undo()
    assert not w.session.project.tracks[0].locked


def test_zoom_keeps_the_frame_under_the_cursor(qtbot, window):
    w = window
    lay = w.timeline.layout_
    x = HEADER_WIDTH + 300
    frame = lay.frame_at(x)
    w.timeline.zoom(2.0, x)
    assert lay.px_per_frame == 10.0
    assert lay.frame_at(x) == frame
    w.timeline.zoom_to_fit()
    assert lay.x_of(w.session.project.duration) <= w.timeline.width()


def test_drop_media_on_a_track_inserts_it_there(qtbot, window, tmp_path):
    w = window
    path = str(write_media(tmp_path / "c.mp4", video=Video(frames=12, fps=FPS)))
    mime = QMimeData()
    mime.setData(MEDIA_MIME, path.encode())
    at = point(w, 24, 1)
    for kind in ("enter", "move"):
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent

        cls = QDragEnterEvent if kind == "enter" else QDragMoveEvent
        event = cls(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        getattr(w.timeline, f"drag{kind.capitalize()}Event")(event)
    w.timeline.snapping = False
    drop = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    w.timeline.dropEvent(drop)
    assert clips(w, 1) == [("c.mp4", 24, 12, 0)]
    assert path in [m.path for m in w.session.project.bin]


def test_tracks_are_renamed_and_removed_as_undo_steps(qtbot, window):
    w = window
    v2 = w.session.project.tracks[1]
    w.rename_track(v2.id, " Titles ")
    assert v2.name == "Titles"
    w.session.edit(organize.remove_track, v2.id)
    assert [t.name for t in w.session.project.tracks] == ["V1", "A1"]
    w.session.undo_stack.undo()
    w.session.undo_stack.undo()
    assert [t.name for t in w.session.project.tracks] == ["V1", "V2", "A1"]


def test_dragging_on_empty_lanes_selects_what_the_rectangle_touches(qtbot, window):
    w = window
    b = w.session.project.tracks[0].clips[1]
    sound_b = w.session.project.tracks[2].clips[1]
    start = point(w, 100, 1)  # V2 is empty there
    drag(qtbot, w.timeline, start, point(w, 60, 2))
    assert set(w.selection.ids) == {b.id, sound_b.id}
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 120, 1))
    assert w.selection.ids == [] and w.playhead.frame == 120


def test_export_frame_saves_the_picture_at_the_playhead(qtbot, window, tmp_path, monkeypatch):
    import cv2
    from PySide6.QtWidgets import QFileDialog

    from desktop.media.compositor import Compositor

    w = window
    w.playhead.seek(60)
    chosen = [str(tmp_path / "still.png"), str(tmp_path / "still.gif")]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (chosen.pop(0), ""))
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    still = cv2.imread(str(tmp_path / "still.png"))[..., ::-1]
    assert (still == Compositor(w.session.project).picture(60)).all()
    assert "Saved frame 60" in w.statusBar().currentMessage()
    qtbot.keyClick(w.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.statusBar().currentMessage().startswith("Cannot export the frame:")
    assert not (tmp_path / "still.gif").exists()


def test_markers_by_keyboard_jump_and_snap(qtbot, window):
    w = window
    w.timeline.setFocus()
    for frame in (30, 70):
        w.playhead.seek(frame)
        qtbot.keyClick(w.timeline, Qt.Key.Key_M)
    assert [m.frame for m in w.session.project.markers] == [30, 70]
    w.playhead.seek(0)
    qtbot.keyClick(w.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert w.playhead.frame == 30
    qtbot.keyClick(w.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert w.playhead.frame == 70
    qtbot.keyClick(w.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert w.playhead.frame == 70 and "No marker after" in w.statusBar().currentMessage()
    qtbot.keyClick(w.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.playhead.frame == 30
    qtbot.keyClick(w.timeline, Qt.Key.Key_M)  # a marker at the playhead: M takes it away
    assert [m.frame for m in w.session.project.markers] == [70]
    w.playhead.seek(5)
    drag(qtbot, w.timeline, point(w, 60), point(w, 60 + 21.2))  # b's start 48 + 21 lands 1 frame off 70
    assert clips(w)[1][1] == 70
    w.session.undo_stack.undo()
    w.session.undo_stack.undo()
    assert [m.frame for m in w.session.project.markers] == [30, 70]


def test_right_click_on_a_marker_renames_or_removes_it(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    w = window
    w.session.edit(organize.add_marker, 40)
    asked = []
    w.timeline.marker_menu_requested.disconnect()  # the real menu would wait for a choice
    w.timeline.marker_menu_requested.connect(lambda frame, _: asked.append(frame))
    for x in (w.timeline.layout_.x_of(40) + 3, w.timeline.layout_.x_of(60)):  # on the flag, then not
        where = QPointF(x, 10).toPoint()
        QApplication.sendEvent(w.timeline, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                             w.timeline.mapToGlobal(where)))
    assert asked == [40]
    rename, remove = w.commands.marker_menu(40).actions()
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("  opening shot ", True))
    rename.trigger()
    assert [(m.frame, m.name) for m in w.session.project.markers] == [(40, "opening shot")]
    remove.trigger()
    assert w.session.project.markers == []


def test_up_and_down_jump_between_cuts_and_alt_arrows_nudge(qtbot, window):
    from desktop.ui.shortcuts import shortcut_rows

    w = window
    w.timeline.setFocus()
    w.playhead.seek(10)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Down)
    assert w.playhead.frame == 48
    qtbot.keyClick(w.timeline, Qt.Key.Key_Down)
    assert w.playhead.frame == 96
    qtbot.keyClick(w.timeline, Qt.Key.Key_Down)  # past the last cut: stays
    assert w.playhead.frame == 96
    qtbot.keyClick(w.timeline, Qt.Key.Key_Up)
    assert w.playhead.frame == 48
    w.session.edit(edits.remove, [w.session.project.tracks[0].clips[0].id])
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 60))
    for _ in range(3):
        qtbot.keyClick(w.timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert clips(w) == clips(w, 2) == [("b.mp4", 45, 48, 0)]
    qtbot.keyClick(w.timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert clips(w) == [("b.mp4", 46, 48, 0)] and w.playhead.frame == 48  # nudges leave the playhead
    w.session.undo_stack.undo()
    assert clips(w) == [("b.mp4", 45, 48, 0)]
    keys = dict(shortcut_rows(w))
    assert keys["Next Edit"] == "Down" and keys["Nudge Left"] == "Alt+Left" and keys["Split at Playhead"] == "S, Ctrl+B"


def test_the_history_panel_lists_the_steps_and_goes_back_to_any(qtbot, window):
    w = window
    stack = w.session.undo_stack
    before, at = w.session.project.state(), stack.index()
    w.playhead.seek(20)
    w.commands.split_at_playhead()
    w.session.edit(organize.add_marker, 5)
    model = w.history_view.model()
    assert model.rowCount() == stack.count() + 1  # "Opened", then one row a step
    assert [model.index(row, 0).data() for row in (0, stack.count() - 1, stack.count())] == [
        "Opened", "Split", "Add marker"]
    w.history_view.setCurrentIndex(model.index(at, 0))  # as a click on that row does
    assert w.session.project.state() == before and stack.index() == at


def test_match_frame_shows_the_clip_at_the_playhead_in_the_source_viewer(qtbot, window):
    from desktop.ui.viewer import SOURCE, TIMELINE

    w = window
    w.session.edit(trims.ripple_trim_in, w.session.project.tracks[0].clips[1].id, 5)  # b: from 48, its frame 5
    w.playhead.seek(60)
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_F)
    assert w.viewer.mode == SOURCE and w.viewer.source.name == "b.mp4" and w.viewer.frame() == 17
    w.viewer.set_mode(TIMELINE)
    w.playhead.seek(120)  # past every clip
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_F)
    assert w.viewer.mode != SOURCE and "No clip" in w.statusBar().currentMessage()


def test_lift_and_extract_the_marked_range_by_keyboard(qtbot, window):
    w = window
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_Semicolon)
    assert "Mark an in" in w.statusBar().currentMessage()
    w.playhead.seek(40)
    qtbot.keyClick(w.timeline, Qt.Key.Key_I)
    w.playhead.seek(59)
    qtbot.keyClick(w.timeline, Qt.Key.Key_O)  # frames 40-59 marked
    qtbot.keyClick(w.timeline, Qt.Key.Key_Semicolon)
    assert clips(w) == clips(w, 2) == [("a.mp4", 0, 40, 0), ("b.mp4", 60, 36, 12)]
    assert w.playhead.frame == 40
    w.session.undo_stack.undo()
    qtbot.keyClick(w.timeline, Qt.Key.Key_Apostrophe)
    assert clips(w) == clips(w, 2) == [("a.mp4", 0, 40, 0), ("b.mp4", 40, 36, 12)]


def test_shift_e_switches_the_selected_clips_off_and_on(qtbot, window):
    w = window
    w.timeline.setFocus()
    qtbot.mouseClick(w.timeline, Qt.MouseButton.LeftButton, pos=point(w, 10))
    qtbot.keyClick(w.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)
    enabled = [(c.name, c.enabled) for _, c in w.session.project.all_clips()]
    assert sorted(enabled) == [("a.mp4", False), ("a.mp4", False), ("b.mp4", True), ("b.mp4", True)]
    assert clips(w) == [("a.mp4", 0, 48, 0), ("b.mp4", 48, 48, 0)]  # still in place
    qtbot.keyClick(w.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)
    assert all(c.enabled for _, c in w.session.project.all_clips())
