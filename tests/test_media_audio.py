"""Sound by sample position: levels, fold to stereo (5.1 included), resampling, exact positions."""
from fractions import Fraction

import numpy as np
import pytest

from desktop.media.audio import AudioReader, stereo_matrix
from mediafactory import Audio, Video, rms, shift_between, tone_level, write_audio, write_media

M3DB = 2 ** -0.5


def test_stereo_matrix_levels():
    assert stereo_matrix(["FC"]).tolist() == [[1.0], [1.0]]  # mono: full level on both sides
    assert stereo_matrix(["FL", "FR"]).tolist() == [[1, 0], [0, 1]]
    five_one = stereo_matrix(["FL", "FR", "FC", "LFE", "BL", "BR"])
    assert five_one == pytest.approx(np.array([[1, 0, M3DB, 0, M3DB, 0], [0, 1, M3DB, 0, 0, M3DB]]))
    assert stereo_matrix(["NONE"] * 6) == pytest.approx(five_one)  # unspecified order: usual 5.1


def test_mono_plays_on_both_sides_at_full_level(tmp_path):
    reader = AudioReader(write_audio(tmp_path / "m.wav", seconds=1, layout="mono", amplitude=0.5), 48000)
    sound = reader.read(0, 48000)
    assert rms(sound[:, 0]) == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)
    assert np.array_equal(sound[:, 0], sound[:, 1])


def test_five_one_folds_to_stereo(tmp_path):
    # FL 440 Hz, FC 1000 Hz, LFE 60 Hz, BR 300 Hz; FR and BL silent
    path = write_media(tmp_path / "s.mp4", video=Video(frames=24),
                       audio=Audio(seconds=1, layout="5.1", tones=(440, 0, 1000, 60, 0, 300)))
    sound = AudioReader(path, 48000).read(4800, 38400)
    left, right = sound[:, 0], sound[:, 1]
    assert tone_level(left, 440, 48000) == pytest.approx(0.5, abs=0.01)
    assert tone_level(left, 1000, 48000) == pytest.approx(0.5 * M3DB, abs=0.01)
    assert tone_level(right, 1000, 48000) == pytest.approx(0.5 * M3DB, abs=0.01)
    assert tone_level(right, 300, 48000) == pytest.approx(0.5 * M3DB, abs=0.01)
    for side, silent in [(left, 300), (right, 440), (left, 60), (right, 60)]:
        assert tone_level(side, silent, 48000) < 0.01


def test_resampling_keeps_pitch_level_and_length(tmp_path):
    path = write_audio(tmp_path / "t.wav", seconds=2, sample_rate=44100, layout="stereo",
                       tones=(440, 1000))
    sound = AudioReader(path, 48000).read(0, 100000)
    assert tone_level(sound[4800:91200, 0], 440, 48000) == pytest.approx(0.5, abs=0.005)
    assert tone_level(sound[4800:91200, 1], 1000, 48000) == pytest.approx(0.5, abs=0.005)
    ends = np.flatnonzero(np.abs(sound).max(axis=1) > 1e-3)[-1]
    assert abs(ends - 96000) <= 2  # 2 s at 48 kHz, silence after


def test_reads_tile_and_match_one_long_read(tmp_path):
    path = write_audio(tmp_path / "t.wav", seconds=1, sample_rate=48000, sweep=(100, 3000))
    whole = AudioReader(path, 48000).read(0, 48000)
    reader = AudioReader(path, 48000)
    at, parts = 0, []
    for size in [1601, 1602, 1601, 1602, 7, 0, 20000]:  # 30000/1001 fps frames and odd sizes
        parts.append(reader.read(at, size))
        at += size
    assert np.array_equal(np.concatenate(parts), whole[:at])
    assert reader.seeks == 0


def test_seeks_land_on_the_same_samples(tmp_path):
    path = write_audio(tmp_path / "t.wav", seconds=2, sample_rate=48000, sweep=(100, 3000))
    whole = AudioReader(path, 48000).read(0, 96000)
    reader = AudioReader(path, 48000)
    for start in [70000, 20000, 50000, 1000]:  # back and forth: each one seeks
        assert np.array_equal(reader.read(start, 4000), whole[start:start + 4000])
    assert reader.seeks >= 2  # 70000 and 20000 seek; 1000 reopens at the start


@pytest.mark.parametrize("ext", [".mp4", ".mkv", ".webm"])
def test_seeks_in_compressed_sound_stay_within_a_millisecond(tmp_path, ext):
    path = write_media(tmp_path / f"a{ext}", video=Video(frames=72),
                       audio=Audio(seconds=3, sample_rate=48000, sweep=(200, 2000)))
    whole = AudioReader(path, 48000).read(0, 144000)[:, 0]
    for start in [100000, 30000, 70000]:
        part = AudioReader(path, 48000).read(start, 4800)[:, 0]
        assert abs(shift_between(whole, part, start)) <= 48  # 1 ms (Matroska's timestamp unit)


def test_outside_the_file_is_silence(tmp_path):
    reader = AudioReader(write_audio(tmp_path / "t.wav", seconds=0.5), 48000)
    assert not reader.read(-1000, 1000).any()
    assert not reader.read(24000, 500).any()
    assert reader.read(23000, 2000)[:1000].any()


def test_sound_time_starts_at_the_first_video_frame(tmp_path):
    # Video and sound both start at 0 here, so origin is 0 and the sweep starts at sample 0.
    path = write_media(tmp_path / "a.mp4", video=Video(frames=24, fps=Fraction(24)),
                       audio=Audio(seconds=1, sample_rate=48000, sweep=(200, 2000)))
    reader = AudioReader(path, 48000)
    assert reader.origin == 0
    written = Audio(seconds=1, sample_rate=48000, sweep=(200, 2000)).samples()[0]
    assert abs(shift_between(np.concatenate([np.zeros(200), written]),
                             reader.read(0, 9600)[:, 0], 200)) <= 2
