"""The player, headless, on real media: exact paused frames, stepping, timed play on the system clock,
play ranges, J/K/L speeds, the sound device as master clock, the no-device fallback, edits showing."""
import queue
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from desktop.media.compositor import Compositor, sample_at
from desktop.media.probe import media_for
from desktop.playback.player import Player, shuttle_speed
from desktop.timeline import edits
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Project, Track, TrackKind
from mediafactory import Audio, Video, frame_index, write_media

FPS = Fraction(30)
FRAMES = 60


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("player")
    counted = write_media(folder / "counted.mp4", video=Video(frames=FRAMES, fps=FPS, size=(64, 48)),
                          audio=Audio(seconds=FRAMES / 30, sweep=(200, 2000)))
    red = write_media(folder / "red.mp4", video=Video(frames=FRAMES, fps=FPS, size=(64, 48), colour=(255, 0, 0)))
    return {"counted": media_for(counted, FPS), "red": media_for(red, FPS)}


def project_of(media, frames=FRAMES, sound=False):
    tracks = [Track(TrackKind.VIDEO, "V1", [Clip(media, 0, 0, frames)])]
    if sound:
        tracks.append(Track(TrackKind.AUDIO, "A1", [Clip(media, 0, 0, frames)]))
    return Project(fps=FPS, width=64, height=48, tracks=tracks)


def no_device(sample_rate, fill):
    raise OSError("PortAudio library not found")


class Recorder:
    """The player's callbacks, kept in order, with waits for them."""

    def __init__(self):
        self.pictures = queue.Queue()
        self.states = []
        self.messages = []

    def kwargs(self):
        return {"on_picture": self.pictures.put, "on_state": lambda *s: self.states.append(s),
                "on_message": self.messages.append}

    def wait_picture(self, player, frame, timeout=3.0):
        """Wait for the paused picture of `frame` to be delivered; return the picture."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = player.picture()
            if shown is not None and shown.frame == frame:
                return shown
            try:
                self.pictures.get(timeout=0.05)
            except queue.Empty:
                pass
        raise AssertionError(f"frame {frame} was never delivered")


@pytest.fixture
def make_player():
    players = []

    def make(project, recorder=None, **kw):
        kw.setdefault("open_output", no_device)
        player = Player(project, **(recorder.kwargs() if recorder else {}), **kw)
        players.append(player)
        return player

    yield make
    for player in players:
        player.close()


def play_until_stopped(player, timeout=5.0):
    """Poll like a 200 Hz display; return the (frame, picture) sequence handed out while playing."""
    seen = []
    end = time.monotonic() + timeout
    while player.playing and time.monotonic() < end:
        shown = player.picture()
        if shown is not None and (not seen or seen[-1][0] != shown.frame):
            seen.append((shown.frame, shown.image))
        time.sleep(0.005)
    assert not player.playing, "playback did not stop by itself"
    return seen


def wait_until(condition, timeout=3.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def is_red(image):
    return np.abs(image[24, 32].astype(int) - (255, 0, 0)).max() < 16


def test_paused_seek_shows_exactly_that_frame(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    for frame in (37, 3, 58, 12, 13, 0):
        player.seek(frame)
        shown = rec.wait_picture(player, frame)
        assert frame_index(shown.image) == frame
        assert player.position() == frame


def test_a_closed_player_calls_nothing_back(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    rec.wait_picture(player, 0)
    player.close()
    calls = (rec.pictures.qsize(), len(rec.states), len(rec.messages))
    player.play()
    player.seek(1)
    player.step(1)
    time.sleep(0.2)
    assert (rec.pictures.qsize(), len(rec.states), len(rec.messages)) == calls


def test_scrubbing_ends_on_the_last_frame_asked_for(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    frames = [51, 7, 33, 2, 45, 19, 58, 11, 26, 40]
    for frame in frames:  # faster than they decode
        player.seek(frame)
    shown = rec.wait_picture(player, frames[-1])
    assert frame_index(shown.image) == frames[-1]
    time.sleep(0.2)  # nothing older replaces it afterwards
    assert player.picture().frame == frames[-1]


def test_step_moves_one_frame_and_pauses(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    player.seek(10)
    rec.wait_picture(player, 10)
    player.step(1)
    assert frame_index(rec.wait_picture(player, 11).image) == 11
    player.step(-3)
    assert frame_index(rec.wait_picture(player, 8).image) == 8
    player.play()
    player.step(1)  # stepping while playing pauses first
    assert not player.playing
    frame = player.position()
    assert frame_index(rec.wait_picture(player, frame).image) == frame


def test_play_shows_every_frame_in_order_and_stops_at_the_end(media, make_player):
    rec = Recorder()
    project = project_of(media["counted"], frames=24)
    player = make_player(project, rec)
    player.seek(4)
    rec.wait_picture(player, 4)
    started = time.monotonic()
    player.play()
    seen = play_until_stopped(player)
    took = time.monotonic() - started
    frames = [f for f, _ in seen]
    assert frames == sorted(frames) and frames[0] == 4
    assert all(frame_index(image) == f for f, image in seen)
    assert abs(took - (23 - 4) / 30) < 0.25  # the project rate, on the system clock
    stats = player.stats()
    assert stats.clock == "system"
    assert stats.shown + stats.dropped == 23 - 4  # every frame period passed is accounted for
    assert stats.dropped <= 2  # tiny frames: only a stalled machine drops any
    assert player.position() == 23
    assert frame_index(rec.wait_picture(player, 23).image) == 23  # the end stays on screen
    assert rec.states == [(True, 1), (False, 0)]


def test_play_range_starts_at_in_and_stops_at_out(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    player.set_range((30, 40))
    assert player.play_range() == (30, 40)
    player.seek(2)  # outside the range: play starts at its first frame
    player.play()
    seen = play_until_stopped(player)
    assert seen[0][0] == 30
    assert player.position() == 39
    player.play()  # at the end of the range: starts again at its first frame
    assert player.position() == 30
    player.pause()


def test_jkl_shuttle_speeds(media, make_player):
    assert [shuttle_speed(s, 1) for s in (0, 1, 2, 4, 8, -2)] == [1, 2, 4, 8, 8, 1]
    assert [shuttle_speed(s, -1) for s in (0, -1, -2, -4, -8, 4)] == [-1, -2, -4, -8, -8, -1]
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec)
    player.seek(20)
    for expected in (1, 2, 4):
        player.shuttle(1)  # L
        assert player.playing and player.speed == expected
    player.shuttle(-1)  # J turns round at 1x backward
    assert player.speed == -1
    player.pause()  # K
    assert not player.playing and player.speed == 0
    assert rec.states[-1] == (False, 0)


@pytest.mark.parametrize("speed,start", [(4, 0), (-2, 50)])
def test_shuttle_shows_every_nth_frame_at_the_project_rate(media, make_player, speed, start):
    player = make_player(project_of(media["counted"]))
    player.seek(start)
    started = time.monotonic()
    player.play(speed)
    assert player.speed == speed
    seen = play_until_stopped(player)
    took = time.monotonic() - started
    frames = [f for f, _ in seen]
    assert all((f - start) % speed == 0 for f in frames)
    assert frames == sorted(frames, reverse=speed < 0)
    assert all(frame_index(image) == f for f, image in seen)
    end = FRAMES - 1 if speed > 0 else 0
    assert player.position() == end
    assert abs(took - abs(end - start) / abs(speed) / 30) < 0.25


def test_no_audio_device_plays_on_the_system_clock_and_says_so_once(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"], frames=12, sound=True), rec, open_output=no_device)
    for _ in range(2):
        player.seek(0)
        player.play()
        play_until_stopped(player)
        assert player.stats().clock == "system"
    assert player.sound is False
    assert len(rec.messages) == 1
    assert "PortAudio library not found" in rec.messages[0] and "system clock" in rec.messages[0]


class VirtualDevice:
    """Stands in for a sound card: pulls 10 ms blocks on its own thread, in real time, and keeps them.
    `hold` stops it pulling, as a stalled device would."""

    def __init__(self, sample_rate, fill):
        self.blocks = []
        self.hold = threading.Event()
        self._fill, self._rate, self._stop = fill, sample_rate, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        n = self._rate // 100
        next_at = time.monotonic()
        while not self._stop.is_set():
            if not self.hold.is_set():
                out = np.empty((n, 2), np.float32)
                self._fill(out, 0.02)
                self.blocks.append(out)
            next_at += n / self._rate
            time.sleep(max(0.0, next_at - time.monotonic()))

    def close(self):
        self._stop.set()
        self._thread.join()


def test_sound_is_the_master_clock(media, make_player):
    devices = []

    def open_virtual(rate, fill):
        devices.append(VirtualDevice(rate, fill))
        return devices[-1]

    project = project_of(media["counted"], sound=True)
    player = make_player(project, open_output=open_virtual)
    deadline = time.monotonic() + 2
    while player.sound is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert player.sound is True
    device = devices[0]
    player.seek(10)
    device.blocks.clear()
    player.play()
    assert player.stats().clock == "sound"
    time.sleep(0.3)
    device.hold.set()  # the device stalls: the picture waits for the sound
    time.sleep(0.05)
    held = player.position()
    time.sleep(0.25)
    assert player.position() == held
    assert held > 12
    device.hold.clear()
    time.sleep(0.2)
    assert player.position() > held
    player.pause()
    # What came out of the device is the project's mix from frame 10 on, sample for sample.
    played = np.concatenate(device.blocks)
    start = np.flatnonzero(np.abs(played).sum(axis=1))[0]  # blocks before the mix was ready are silent
    assert start < 0.1 * project.sample_rate
    played = played[start:]
    first = sample_at(10, project.sample_rate, project.fps)
    expected = Compositor(project).samples(first, first + len(played))
    assert len(played) > 0.4 * project.sample_rate
    assert np.allclose(played, expected, atol=1e-6)


def test_edit_shows_at_once_after_invalidate(media, make_player):
    rec = Recorder()
    project = project_of(media["counted"])
    player = make_player(project, rec)
    player.seek(5)
    assert frame_index(rec.wait_picture(player, 5).image) == 5
    history = History(project)
    edits.overwrite(history, [(project.tracks[0].id, Clip(media["red"], 0, 0, 30))])
    player.invalidate()
    assert wait_until(lambda: is_red(player.picture().image))
    assert player.picture().frame == 5
    # While playing too: frames composited ahead from the old project are dropped.
    history.undo()
    player.invalidate()
    player.seek(10)
    player.play()
    time.sleep(0.1)
    edits.overwrite(history, [(project.tracks[0].id, Clip(media["red"], 0, 0, FRAMES))])
    player.invalidate()
    at = player.position()
    seen = play_until_stopped(player)
    later = [image for f, image in seen if f >= at + 2]
    assert len(later) > 5 and all(is_red(image) for image in later)


def test_preview_size_keeps_the_aspect_and_never_upscales(media, make_player):
    rec = Recorder()
    player = make_player(project_of(media["counted"]), rec, size=(40, 40))
    assert player.size == (40, 30)
    player.seek(7)
    assert rec.wait_picture(player, 7).image.shape == (30, 40, 3)
    player.set_size((1000, 1000))
    assert player.size == (64, 48)
    player.seek(8)
    assert rec.wait_picture(player, 8).image.shape == (48, 64, 3)
