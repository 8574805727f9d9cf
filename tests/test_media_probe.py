"""Probing: exact rates, sizes, rotation and sound; every unreadable file gets a clear MediaError."""
import os
from fractions import Fraction

import pytest

from desktop.errors import UserError
from desktop.media.errors import MediaError
from desktop.media.probe import media_for, probe
from mediafactory import Audio, Video, write_audio, write_media, write_video


@pytest.mark.parametrize("rate", [Fraction(24), Fraction(25), Fraction(30000, 1001)], ids=str)
@pytest.mark.parametrize("ext", [".mp4", ".webm", ".mkv", ".avi"])
def test_video_rate_size_and_length_are_exact(tmp_path, ext, rate):
    info = probe(write_video(tmp_path / f"v{ext}", frames=30, fps=rate, size=(80, 60)))
    assert info.video.rate == rate and not info.video.variable_rate
    assert (info.video.width, info.video.height) == (80, 60)
    assert info.video.frames == 30
    assert info.video.duration == 30 / rate
    assert info.audio == ()


def test_variable_rate_is_reported(tmp_path):
    path = write_media(tmp_path / "vfr.mkv", video=Video(times_ms=(0, 40, 200, 240, 600), fps=25))
    video = probe(path).video
    assert video.variable_rate and video.frames == 5
    assert Fraction(6, 10) < video.duration < Fraction(7, 10)  # the last frame starts at 0.6 s


def test_media_duration_is_in_project_frames(tmp_path):
    info = probe(write_video(tmp_path / "v.mp4", frames=50, fps=25))  # exactly 2 s
    assert info.frames(Fraction(25)) == 50
    assert info.frames(Fraction(30000, 1001)) == 60  # 2 s = 59.94 frames: 60 start inside it
    assert info.frames(Fraction(24)) == 48
    media = media_for(info.path, Fraction(30000, 1001))
    assert (media.duration, media.rate, media.width, media.height) == (60, 25, 64, 48)
    assert media.has_video and not media.has_audio


@pytest.mark.parametrize("layout,channels", [("mono", 1), ("stereo", 2), ("5.1", 6)])
def test_audio_streams(tmp_path, layout, channels):
    path = write_media(tmp_path / "av.mp4", video=Video(frames=24),
                       audio=Audio(seconds=1.0, sample_rate=44100, layout=layout))
    (audio,) = probe(path).audio
    assert (audio.sample_rate, audio.channels, audio.layout) == (44100, channels, layout)
    assert audio.codec == "aac"
    assert abs(audio.duration - 1) < Fraction(1, 20)


def test_sound_only_file(tmp_path):
    info = probe(write_audio(tmp_path / "tone.wav", seconds=1.5, sample_rate=48000, layout="mono"))
    assert info.video is None
    assert info.duration == Fraction(3, 2)
    media = media_for(info.path, Fraction(24))
    assert (media.duration, media.has_video, media.has_audio, media.rate) == (36, False, True, None)


def test_rotation_is_reported_and_size_is_as_displayed(tmp_path):
    info = probe(write_media(tmp_path / "r.mp4", video=Video(frames=3, size=(64, 48), rotation=270)))
    assert info.video.rotation == 270
    assert (info.video.width, info.video.height) == (48, 64)


def test_anamorphic_pixels_are_widened(tmp_path):
    from desktop.media.decoder import VideoDecoder

    path = write_media(tmp_path / "wide.mp4", video=Video(frames=3, size=(64, 48),
                                                         pixel_aspect=Fraction(3, 2)))
    info = probe(path)
    assert (info.video.width, info.video.height) == (96, 48)
    assert VideoDecoder(path).frame(1).shape == (48, 96, 3)


def test_real_clips(shared_media):
    expected = {  # name: (rate, width, height, frames, audio channels)
        "seattle_handheld_shaky.avi": (30, 640, 360, 496, None),
        "asl_book_signer.mkv": (30, 640, 480, 109, None),
        "big_buck_bunny_0_30.webm": (24, 1280, 720, 720, 2),
        "sintel_snow_2s.mp4": (24, 854, 480, 48, 2),
        "stream_of_water.mp4": (Fraction(30000, 1001), 480, 360, 90, 1),
        "parking_lot_overhead_cars.mp4": (Fraction(25, 2), 768, 432, 377, 2),
    }
    for name, (rate, width, height, frames, channels) in expected.items():
        info = probe(shared_media / name)
        assert (info.video.rate, info.video.width, info.video.height, info.video.frames) == \
            (rate, width, height, frames), name
        assert (info.audio[0].channels if info.audio else None) == channels, name


# -- bad input ---------------------------------------------------------------------------------


def _truncated(tmp_path, ext):
    whole = write_video(tmp_path / f"whole{ext}", frames=48)
    data = whole.read_bytes()
    cut = tmp_path / f"cut{ext}"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def bad_files(tmp_path):
    (tmp_path / "notes.txt").write_text("not a video\n")
    (tmp_path / "noise.mp4").write_bytes(os.urandom(4000))
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "folder.mp4").mkdir()
    return {
        "missing": tmp_path / "missing.mp4",
        "text": tmp_path / "notes.txt",
        "random bytes": tmp_path / "noise.mp4",
        "empty": tmp_path / "empty.mp4",
        "folder": tmp_path / "folder.mp4",
        "truncated mp4": _truncated(tmp_path, ".mp4"),  # the index (moov) is at the end: gone
    }


def test_bad_files_raise_one_line_media_errors(tmp_path):
    for case, path in bad_files(tmp_path).items():
        with pytest.raises(MediaError) as caught:
            probe(path)
        message = str(caught.value)
        assert isinstance(caught.value, UserError), case
        assert str(path) in message and "\n" not in message, case


def test_truncated_matroska_keeps_the_frames_before_the_cut(tmp_path):
    from desktop.media.decoder import VideoDecoder
    from mediafactory import frame_index

    path = _truncated(tmp_path, ".mkv")
    info = probe(path)
    assert 0 < info.video.frames < 48
    decoder = VideoDecoder(path)
    for n in range(info.video.frames - 1, -1, -1):  # the damaged tail decodes without error
        assert decoder.frame(n).shape == (48, 64, 3)
    assert [frame_index(decoder.frame(n)) for n in range(5)] == [0, 1, 2, 3, 4]
