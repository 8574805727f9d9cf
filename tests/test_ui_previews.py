"""Timeline previews: thumbnails and waveforms arrive off the UI thread, show the real frames and
sound of the clip where the clip shows them, follow zoom and trims, and offline media get nothing."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PySide6.QtGui import QImage

from desktop.media.probe import media_for
from desktop.media.waveforms import waveform
from desktop.timeline import organize
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind
from desktop.ui.playhead import Playhead
from desktop.ui.previews import Previews
from desktop.ui.selection import Selection
from desktop.ui.session import Session
from desktop.ui.timeline import painter
from desktop.ui.timeline.layout import HEADER_WIDTH, TimelineLayout
from desktop.ui.timeline.widget import TimelineWidget
from mediafactory import frame_colour, frame_index, write_audio, write_video

FPS = Fraction(24)
HEIGHT = 44


def rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


@pytest.fixture
def video(tmp_path):
    return media_for(write_video(tmp_path / "v.mp4", frames=48, fps=FPS, size=(64, 48)), FPS)


def make_session(*clips_by_kind) -> Session:
    tracks = [Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")]
    for kind, clip in clips_by_kind:
        tracks[0 if kind is TrackKind.VIDEO else 1].clips.append(clip)
    return Session(Project(fps=FPS, width=64, height=48, tracks=tracks))


def clip_rect(session, clip, ppf, first_frame=0.0):
    layout = TimelineLayout(px_per_frame=ppf)
    layout.first_frame = first_frame
    layout.update_rows(session.project)
    row = layout.row_of(session.project.track_of(clip.id).id)
    return painter.clip_rect(layout, row, clip.start, clip.duration), layout


def wait_for(qtbot, previews, ask):
    """Ask once (which requests the work), then wait for it to arrive and ask again."""
    with qtbot.waitSignal(previews.ready, timeout=15_000):
        assert len(ask()) == 0  # nothing ready yet, and the call returns at once
    return ask()


def check_tiles(tiles, clip, ppf, rect, distinct=True):
    """Each tile shows a picture of the clip at (or just after) the frame under its left edge."""
    assert tiles, "no thumbnails"
    widths = {image.width() for _, image in tiles}
    assert len(widths) == 1 and all(image.height() == HEIGHT for _, image in tiles)
    tile = widths.pop()
    assert [dx for dx, _ in tiles] == [k * tile for k in range(len(tiles))]
    assert tiles[-1][0] + tile >= rect.width()
    shown = [frame_index(rgb(image)) for _, image in tiles]
    for (dx, _), frame in zip(tiles, shown):
        at = clip.source_start + dx / ppf
        assert clip.source_start <= frame < clip.source_end
        assert abs(frame - at) < 2 * tile / ppf
    assert shown == sorted(shown) and (len(set(shown)) > 1 or not distinct)
    return shown


def test_thumbnails_arrive_and_show_the_clips_frames(qtbot, video, tmp_path):
    clip = Clip(video, 0, 0, 48)
    session = make_session((TrackKind.VIDEO, clip))
    previews = Previews(session, cache=tmp_path / "cache")
    rect, layout = clip_rect(session, clip, 8.0)
    tiles = wait_for(qtbot, previews, lambda: previews.thumbnails(clip, rect, layout, HEIGHT))
    check_tiles(tiles, clip, 8.0, rect)
    assert list(tmp_path.glob("cache/thumbnails/*.npy")), "strip not cached on disk"
    qtbot.waitUntil(lambda: not previews.busy, timeout=5_000)
    with qtbot.assertNotEmitted(previews.ready, wait=100):  # in memory now: nothing asked again
        assert len(previews.thumbnails(clip, rect, layout, HEIGHT)) == len(tiles)


def test_trimmed_clip_shows_only_its_own_frames_and_zoom_falls_back_at_once(qtbot, video, tmp_path):
    clip = Clip(video, 6, 10, 30)
    session = make_session((TrackKind.VIDEO, clip))
    previews = Previews(session, cache=tmp_path / "cache")
    rect, layout = clip_rect(session, clip, 10.0)
    shown = check_tiles(wait_for(qtbot, previews, lambda: previews.thumbnails(clip, rect, layout, HEIGHT)),
                        clip, 10.0, rect)
    assert shown[0] >= 10
    rect, layout = clip_rect(session, clip, 1.5)  # zoomed out: a coarser strip is requested...
    with qtbot.waitSignal(previews.ready, timeout=15_000):
        check_tiles(previews.thumbnails(clip, rect, layout, HEIGHT), clip, 1.5, rect, False)  # ...the finer one meanwhile
    check_tiles(previews.thumbnails(clip, rect, layout, HEIGHT), clip, 1.5, rect, False)


def test_timeline_paints_the_thumbnails(qtbot, video, tmp_path):
    clip = Clip(video, 0, 0, 48)
    session = make_session((TrackKind.VIDEO, clip))
    previews = Previews(session, cache=tmp_path / "cache")
    widget = TimelineWidget(session, Selection(), Playhead(), previews)
    qtbot.addWidget(widget)
    widget.resize(760, 260)
    widget.layout_.px_per_frame = 10.0
    with qtbot.waitSignal(previews.ready, timeout=15_000):
        widget.show()
        qtbot.waitExposed(widget)
    widget.repaint()
    picture = rgb(widget.grab().toImage())
    rect, _ = clip_rect(session, clip, 10.0)
    tiles = previews.thumbnails(clip, rect, widget.layout_, HEIGHT)
    y = int(rect.top() + 16 + HEIGHT / 2)
    for dx, image in tiles[:4]:
        x = int(rect.left() + dx + image.width() / 2)
        assert frame_index(picture[y - 4:y + 4, x - 4:x + 4]) == frame_index(rgb(image))


def test_peaks_follow_the_sound_the_view_and_the_gain(qtbot, tmp_path):
    sound = media_for(write_audio(tmp_path / "tone.wav", seconds=2.0, amplitude=0.5, tones=(300,)), FPS)
    clip = Clip(sound, 12, 6, 30)
    session = make_session((TrackKind.AUDIO, clip))
    previews = Previews(session, cache=tmp_path / "cache")
    rect, layout = clip_rect(session, clip, 6.0)
    peaks = wait_for(qtbot, previews, lambda: previews.peaks(clip, rect, layout))
    wave = waveform(sound.path, cache=tmp_path / "cache")
    seconds = Fraction(clip.source_start, 1) / FPS
    columns = int(rect.right()) + 1 - int(rect.left())
    assert len(peaks) == columns
    expected = wave.peaks(float(seconds), float(seconds) + columns / 6.0 / 24, columns)
    np.testing.assert_allclose(peaks, expected, atol=1e-6)
    assert peaks[:, 1].max() == pytest.approx(0.5, abs=0.02) and peaks[:, 0].min() == pytest.approx(-0.5, abs=0.02)

    session.edit(organize.set_gain, [clip.id], -6.0206)  # half the amplitude
    clip = session.project.clip(clip.id)
    np.testing.assert_allclose(previews.peaks(clip, rect, layout), expected / 2, atol=1e-4)

    session.edit(organize.set_fades, [clip.id], fade_in=10)  # 60 columns at 6 px a frame
    faded = previews.peaks(session.project.clip(clip.id), rect, layout)
    ramp = np.clip((np.arange(columns) + 0.5 - (rect.left() - int(rect.left()))) / 60, 0, 1)
    np.testing.assert_allclose(faded, expected / 2 * ramp[:, None], atol=1e-4)
    session.edit(organize.set_fades, [clip.id], fade_in=0)

    rect, layout = clip_rect(session, clip, 6.0, first_frame=20)  # the clip starts left of the view
    scrolled = previews.peaks(clip, rect, layout)
    hidden = HEADER_WIDTH - int(rect.left())
    assert hidden > 0 and not scrolled[:hidden].any()
    start = float(seconds) + (HEADER_WIDTH - rect.left()) / 6.0 / 24
    np.testing.assert_allclose(scrolled[hidden:], wave.peaks(start, start + (len(scrolled) - hidden) / 6.0 / 24,
                                                             len(scrolled) - hidden) / 2, atol=1e-4)


def test_offline_media_get_nothing(qtbot, tmp_path):
    gone = Media(str(tmp_path / "gone.mp4"), duration=48, rate=FPS, width=64, height=48, has_audio=True)
    video_clip, audio_clip = Clip(gone, 0, 0, 48), Clip(gone, 0, 0, 48)
    session = make_session((TrackKind.VIDEO, video_clip), (TrackKind.AUDIO, audio_clip))
    previews = Previews(session, cache=tmp_path / "cache")
    messages = []
    previews.message.connect(messages.append)
    rect, layout = clip_rect(session, video_clip, 4.0)
    assert previews.thumbnails(video_clip, rect, layout, HEIGHT) == []
    assert len(previews.peaks(audio_clip, rect, layout)) == 0
    assert previews.poster(gone, 40) is None
    qtbot.wait(100)
    assert messages == [] and list(tmp_path.glob("cache/*/*")) == []


def test_a_file_that_is_not_media_is_reported_once(qtbot, tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"not a video at all" * 100)
    clip = Clip(Media(str(fake), duration=48, rate=FPS, width=64, height=48), 0, 0, 48)
    session = make_session((TrackKind.VIDEO, clip))
    previews = Previews(session, cache=tmp_path / "cache")
    rect, layout = clip_rect(session, clip, 4.0)
    with qtbot.waitSignal(previews.message, timeout=10_000) as blocker:
        previews.thumbnails(clip, rect, layout, HEIGHT)
    assert "fake.mp4" in blocker.args[0] and "\n" not in blocker.args[0]
    with qtbot.assertNotEmitted(previews.message, wait=200):
        assert previews.thumbnails(clip, rect, layout, HEIGHT) == []


def test_poster_is_the_first_frame(qtbot, tmp_path):
    media = media_for(write_video(tmp_path / "p.mkv", frames=30, fps=FPS, size=(80, 48)), FPS)
    previews = Previews(make_session(), cache=tmp_path / "cache")
    with qtbot.waitSignal(previews.ready, timeout=10_000):
        assert previews.poster(media, 36) is None
    image = previews.poster(media, 36)
    assert (image.width(), image.height()) == (60, 36)
    assert frame_index(rgb(image)) == 0 and tuple(rgb(image)[18, 30]) == pytest.approx(frame_colour(0), abs=12)
