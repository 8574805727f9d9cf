"""Thumbnail strips and waveform peaks: right content, every zoom level, cached on disk by identity."""
from fractions import Fraction

import numpy as np
import pytest

import desktop.media.thumbnails as thumbnails
from desktop.media.errors import Cancelled, MediaError
from desktop.media.thumbnails import HEIGHT, clip_thumbnails, level_for, thumbnail_strip
from desktop.media.waveforms import BIN, waveform
from desktop.timeline.model import Clip, Media
from mediafactory import Audio, Video, frame_index, write_audio, write_media, write_video

FPS = Fraction(25)


@pytest.fixture
def clip_file(tmp_path):
    return write_video(tmp_path / "clip.mp4", frames=40, fps=FPS, size=(64, 48))


def test_level_for_zoom():
    assert [level_for(x) for x in (0.2, 1, 1.5, 2, 3, 8, 9)] == [0, 0, 1, 1, 2, 3, 4]


def test_strips_hold_every_step_at_each_level(clip_file, tmp_path):
    for level in (0, 2, 3):
        strip = thumbnail_strip(clip_file, FPS, level, cache=tmp_path / "cache")
        step = 2**level
        assert strip.shape == (-(-40 // step), HEIGHT, 72, 3)  # 64x48 at 54 px high: 72 wide
        assert [frame_index(p) for p in strip] == list(range(0, 40, step))


def test_strips_follow_project_rate(clip_file, tmp_path):
    fps = Fraction(30000, 1001)
    strip = thumbnail_strip(clip_file, fps, 1, cache=tmp_path)
    assert [frame_index(p) for p in strip] == [int(Fraction(k) / fps * 25) for k in range(0, 48, 2)]


def test_cached_strips_are_read_back_without_decoding(clip_file, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = thumbnail_strip(clip_file, FPS, 1, cache=cache)
    assert len(list(cache.glob("thumbnails/*.npy"))) == 1

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded although cached")

    monkeypatch.setattr(thumbnails, "VideoDecoder", no_decoding)
    assert np.array_equal(thumbnail_strip(clip_file, FPS, 1, cache=cache), first)
    coarser = thumbnail_strip(clip_file, FPS, 3, cache=cache)  # cut from level 1
    assert [frame_index(p) for p in coarser] == list(range(0, 40, 8))
    monkeypatch.undo()
    write_video(clip_file, frames=40, fps=FPS, colour=(0, 255, 0))  # new content: new identity
    assert thumbnail_strip(clip_file, FPS, 1, cache=cache)[0, 27, 36].tolist() == \
        pytest.approx([0, 255, 0], abs=12)


def test_cache_folder_from_environment(clip_file, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMESMITH_CACHE_DIR", str(tmp_path / "env"))
    thumbnail_strip(clip_file, FPS, 4)
    assert list((tmp_path / "env" / "thumbnails").glob("*.npy"))


def test_cancel_stops_and_caches_nothing(clip_file, tmp_path):
    done = []
    with pytest.raises(Cancelled):
        thumbnail_strip(clip_file, FPS, 0, cache=tmp_path, progress=lambda d, t: done.append(d),
                        cancel=lambda: len(done) >= 3)
    assert done == [1, 2, 3]
    assert not list(tmp_path.glob("thumbnails/*"))


def test_clip_thumbnails_sit_where_their_frames_show(clip_file, tmp_path):
    strip = thumbnail_strip(clip_file, FPS, 2, cache=tmp_path)
    clip = Clip(Media(str(clip_file), 40), start=100, source_start=6, duration=20)
    placed = clip_thumbnails(clip, FPS, strip, 2)
    assert [t for t, _ in placed] == [102, 106, 110, 114, 118]  # media frames 8, 12, ..., 24
    assert [frame_index(p) for _, p in placed] == [8, 12, 16, 20, 24]


def test_waveform_peaks_of_a_tone_then_silence(tmp_path):
    path = tmp_path / "tone.wav"
    write_audio(path, seconds=1, sample_rate=48000, amplitude=0.5, tones=(440,))
    wave = waveform(path, cache=tmp_path)
    assert wave.sample_rate == 48000 and wave.seconds == pytest.approx(1, abs=BIN / 48000)
    peaks = wave.peaks(0, 2, 20)  # 0.1 s per column: the tone, then past the end
    assert peaks[:10, 0] == pytest.approx(-0.5, abs=0.01) and peaks[:10, 1] == pytest.approx(0.5, abs=0.01)
    assert not peaks[11:].any()  # (column 10 shares a BIN with the last samples of the tone)
    fine = wave.peaks(0.5, 0.501, 4)  # 12 samples per column: level 0
    assert (fine[:, 1] >= fine[:, 0]).all() and np.abs(fine).max() <= 0.51
    assert len(wave.levels) > 5 and len(wave.levels[-1]) == 1
    assert wave.levels[-1][0] == pytest.approx([-0.5, 0.5], abs=0.01)


def test_waveform_is_cached_and_refused_without_sound(tmp_path):
    path = write_media(tmp_path / "av.mp4", video=Video(frames=12), audio=Audio(seconds=0.5))
    first = waveform(path, cache=tmp_path / "c")
    assert len(list((tmp_path / "c" / "waveforms").glob("*.npz"))) == 1
    again = waveform(path, cache=tmp_path / "c")
    assert all(np.array_equal(a, b) for a, b in zip(first.levels, again.levels))
    with pytest.raises(MediaError, match="no sound"):
        waveform(write_video(tmp_path / "silent.mp4", frames=5), cache=tmp_path / "c")
