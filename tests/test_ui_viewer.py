"""The viewer with the keyboard and mouse: Space plays and pauses, arrows and Home/End move the shared
playhead and the picture, I/O set the marks (the play range), the scrub bar seeks, edits show at
once, and source mode plays a bin clip and asks for an insert of its marked part."""
from fractions import Fraction

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.media.probe import media_for
from desktop.timeline import edits
from desktop.timeline.model import Clip, Project, Track, TrackKind
from desktop.ui.playhead import Playhead
from desktop.ui.session import Session
from desktop.ui.viewer import SOURCE, TIMELINE, Viewer
from mediafactory import Video, frame_index, write_media

FPS = Fraction(30)
FRAMES = 90


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("viewer")
    counted = write_media(folder / "counted.mp4", video=Video(frames=FRAMES, fps=FPS, size=(64, 48)))
    red = write_media(folder / "red.mp4", video=Video(frames=30, fps=FPS, size=(64, 48), colour=(255, 0, 0)))
    source = write_media(folder / "source.mp4", video=Video(frames=40, fps=FPS, size=(48, 48)))
    return {"counted": media_for(counted, FPS), "red": media_for(red, FPS), "source": media_for(source, FPS)}


def no_device(sample_rate, fill):
    raise OSError("no default output device")


@pytest.fixture
def viewer(qtbot, media):
    project = Project(fps=FPS, width=64, height=48,
                      tracks=[Track(TrackKind.VIDEO, "V1", [Clip(media["counted"], 0, 0, FRAMES)])])
    session, playhead = Session(project), Playhead()
    view = Viewer(session, playhead, open_output=no_device)
    qtbot.addWidget(view)
    view.resize(480, 360)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    yield view
    view.shutdown()


def shows(view, frame):
    """True once the viewer's picture is `frame` (decoded colour checked)."""
    picture = view.screen_.picture
    return picture is not None and picture.frame == frame and frame_index(picture.image) == frame


def test_space_plays_and_pauses_and_the_playhead_follows(qtbot, viewer):
    messages = []
    viewer.message.connect(messages.append)
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    assert viewer.player.playing
    qtbot.wait(300)
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    assert not viewer.player.playing
    frame = viewer.playhead.frame
    assert 4 <= frame < FRAMES - 1  # ~0.3 s at 30 fps: it moved, and did not run to the end
    assert frame == viewer.player.position()
    qtbot.waitUntil(lambda: shows(viewer, frame), timeout=3000)
    assert viewer.timecode_label.text() == f"00:00:00:{frame:02d}"


def test_no_sound_device_is_said_once(qtbot, media):
    project = Project(fps=FPS, width=64, height=48,
                      tracks=[Track(TrackKind.VIDEO, "V1", [Clip(media["counted"], 0, 0, FRAMES)])])
    view = Viewer(Session(project), Playhead(), open_output=no_device)
    messages = []
    view.message.connect(messages.append)  # before any event is processed: nothing is missed
    qtbot.addWidget(view)
    view.show()
    for _ in range(2):
        view.toggle_play()
        qtbot.wait(100)
        view.toggle_play()
        assert view.player.stats().clock == "system"
    qtbot.wait(100)
    view.shutdown()
    assert len(messages) == 1
    assert "no default output device" in messages[0] and "system clock" in messages[0]


def test_arrows_home_end_step_the_playhead_and_picture(qtbot, viewer):
    for _ in range(3):
        qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.playhead.frame == 3
    qtbot.waitUntil(lambda: shows(viewer, 3), timeout=3000)
    qtbot.keyClick(viewer, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.playhead.frame == 33  # one second at 30 fps
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.playhead.frame == 32
    qtbot.waitUntil(lambda: shows(viewer, 32), timeout=3000)
    qtbot.keyClick(viewer, Qt.Key.Key_End)
    assert viewer.playhead.frame == FRAMES - 1
    qtbot.waitUntil(lambda: shows(viewer, FRAMES - 1), timeout=3000)
    qtbot.keyClick(viewer, Qt.Key.Key_Home)
    assert viewer.playhead.frame == 0
    qtbot.waitUntil(lambda: shows(viewer, 0), timeout=3000)


def test_the_playhead_moved_elsewhere_moves_the_picture(qtbot, viewer):
    viewer.playhead.seek(47)  # as the timeline's ruler does
    qtbot.waitUntil(lambda: shows(viewer, 47), timeout=3000)
    assert viewer.timecode_label.text() == "00:00:01:17"


def test_jkl_keys_shuttle(qtbot, viewer):
    viewer.seek(40)
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    assert viewer.player.speed == 2
    qtbot.keyClick(viewer, Qt.Key.Key_J)
    assert viewer.player.speed == -1
    qtbot.keyClick(viewer, Qt.Key.Key_K)
    assert not viewer.player.playing


def test_i_o_keys_set_the_marks_and_the_play_range(qtbot, viewer):
    viewer.seek(10)
    qtbot.keyClick(viewer, Qt.Key.Key_I)
    viewer.seek(20)
    qtbot.keyClick(viewer, Qt.Key.Key_O)
    assert viewer.marks() == (10, 21)  # half-open: the out frame is included
    assert viewer.player.play_range() == (10, 21)
    assert "In 00:00:00:10" in viewer.marks_label.text() and "Out 00:00:00:20" in viewer.marks_label.text()
    qtbot.keyClick(viewer, Qt.Key.Key_Space)  # plays the marked range and stops at its end
    qtbot.waitUntil(lambda: not viewer.player.playing, timeout=3000)
    # the player stops on its own thread; the viewer hears of it through a queued signal
    qtbot.waitUntil(lambda: viewer.playhead.frame == 20, timeout=1000)
    assert viewer.player.position() == 20
    qtbot.keyClick(viewer, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    assert viewer.marks() == (None, None)
    assert viewer.player.play_range() == (0, FRAMES)


def test_clicking_the_scrub_bar_seeks(qtbot, viewer):
    bar = viewer.scrub
    x = round(bar.x_of(60))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(x, bar.height() // 2))
    assert abs(viewer.playhead.frame - 60) <= 1
    frame = viewer.playhead.frame
    qtbot.waitUntil(lambda: shows(viewer, frame), timeout=3000)


def test_an_edit_shows_at_once(qtbot, viewer, media):
    viewer.seek(5)
    qtbot.waitUntil(lambda: shows(viewer, 5), timeout=3000)
    track = viewer.session.project.tracks[0].id
    viewer.session.edit(edits.overwrite, [(track, Clip(media["red"], 0, 0, 30))])

    def red():
        image = viewer.screen_.picture.image
        return np.abs(image[24, 32].astype(int) - (255, 0, 0)).max() < 16

    qtbot.waitUntil(red, timeout=3000)


def test_source_mode_plays_the_clip_and_asks_for_an_insert_of_its_marks(qtbot, viewer, media):
    viewer.seek(12)
    viewer.show_source(media["source"])
    assert viewer.mode == SOURCE and viewer.source_button.isChecked()
    assert viewer.duration_label.text() == "00:00:01:10"  # the clip's 40 frames
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: shows(viewer, 2), timeout=3000)
    assert viewer.screen_.picture.image.shape[:2] == viewer.screen_.picture.image.shape[1::-1]  # 1:1 clip
    qtbot.keyClick(viewer, Qt.Key.Key_I)
    viewer.seek(9)
    qtbot.keyClick(viewer, Qt.Key.Key_O)
    assert viewer.playhead.frame == 12  # the timeline's playhead stays where it was
    with qtbot.waitSignal(viewer.insert_requested) as insert:
        qtbot.mouseClick(viewer.insert_button, Qt.MouseButton.LeftButton)
    assert insert.args == [media["source"], 2, 10]
    with qtbot.waitSignal(viewer.overwrite_requested) as overwrite:
        qtbot.keyClick(viewer, Qt.Key.Key_Period)
    assert overwrite.args == [media["source"], 2, 10]
    # Back to the timeline: its picture and (empty) marks; the source keeps its own.
    qtbot.mouseClick(viewer.timeline_button, Qt.MouseButton.LeftButton)
    assert viewer.mode == TIMELINE and viewer.marks() == (None, None) == viewer.timeline_marks()
    qtbot.waitUntil(lambda: shows(viewer, 12), timeout=3000)
    viewer.show_source(media["source"])
    assert viewer.marks() == (2, 10)
    assert viewer.timeline_marks() == (None, None)  # export's range is the timeline's, in any mode


def test_fit_and_actual_size(qtbot, viewer):
    rect = viewer.screen_.picture_rect()
    assert abs(rect.width() / rect.height() - 64 / 48) < 0.02
    assert rect.width() > 64  # fitted: scaled up to the widget
    qtbot.mouseClick(viewer.zoom_button, Qt.MouseButton.LeftButton)
    assert viewer.screen_.actual_size
    rect = viewer.screen_.picture_rect()
    ratio = viewer.screen_.devicePixelRatioF()
    assert (rect.width() * ratio, rect.height() * ratio) == (64, 48)
    assert viewer.player.size == (64, 48)


def test_playback_actions_have_the_keys(viewer):
    keys = {a.shortcut().toString() for a in viewer.playback_actions() if a is not None}
    assert {"Space", "J", "K", "L", "Left", "Right", "Shift+Left", "Shift+Right", "Home", "End",
            "I", "O", "Alt+X"} <= keys
