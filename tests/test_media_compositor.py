"""Compositing: which track is on top, gaps, fitting with bars, exact frames; the sound mix."""
from fractions import Fraction
from math import floor

import numpy as np
import pytest

from desktop.media.compositor import Compositor, fit
from desktop.media.probe import media_for
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind
from mediafactory import Audio, Video, frame_index, rms, shift_between, tone_level, write_media

FPS = Fraction(25)
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compositor")

    def make(name, fps=FPS, **video):
        return media_for(write_media(folder / name, video=Video(fps=fps, **video)), FPS)

    return {
        "red": make("red.mp4", frames=10, colour=RED, size=(64, 36)),  # 16:9
        "blue": make("blue.mp4", frames=10, colour=BLUE, size=(64, 36)),
        "green43": make("green43.mp4", frames=10, colour=GREEN, size=(64, 48)),  # 4:3
        "counted": make("counted.mp4", frames=50),  # frame i has colour frame_colour(i)
        "counted25in2997": media_for(folder / "counted.mp4", Fraction(30000, 1001)),
    }


def video_project(*tracks, size=(160, 90), fps=FPS):
    return Project(fps=fps, width=size[0], height=size[1],
                   tracks=[Track(TrackKind.VIDEO, f"V{i + 1}", list(clips)) for i, clips in enumerate(tracks)])


def colour_at(picture, x, y):
    return tuple(int(c) for c in picture[y, x])


def near(colour, expected, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def test_fit_keeps_aspect_and_centres():
    assert fit(64, 48, 160, 90) == (20, 0, 120, 90)  # pillarbox
    assert fit(64, 36, 120, 90) == (0, 11, 120, 68)  # letterbox (67.5 rounds to 68)
    assert fit(1920, 1080, 1280, 720) == (0, 0, 1280, 720)
    assert fit(10, 10, 160, 90) == (35, 0, 90, 90)


def test_later_video_track_is_on_top_and_hidden_tracks_are_skipped(media):
    project = video_project([Clip(media["red"], 0, 0, 10)], [Clip(media["blue"], 0, 0, 10)])
    comp = Compositor(project)
    assert near(colour_at(comp.picture(3), 80, 45), BLUE)
    project.tracks.reverse()
    assert near(colour_at(comp.picture(3), 80, 45), RED)
    project.tracks[1].hidden = True
    assert near(colour_at(comp.picture(3), 80, 45), BLUE)


def test_gaps_are_transparent_and_nothing_is_black(media):
    project = video_project([Clip(media["red"], 0, 0, 10)], [Clip(media["blue"], 5, 0, 5)])
    comp = Compositor(project)
    assert near(colour_at(comp.picture(2), 80, 45), RED)  # gap on V2 shows V1
    assert near(colour_at(comp.picture(7), 80, 45), BLUE)
    assert not comp.picture(12).any()  # past every clip: black
    assert comp.picture(12).shape == (90, 160, 3)


def test_sources_are_fitted_with_black_bars(media):
    comp = Compositor(video_project([Clip(media["green43"], 0, 0, 10)]))
    picture = comp.picture(0)
    assert picture.shape == (90, 160, 3)
    assert not picture[:, :19].any() and not picture[:, 141:].any()  # bars: x < 20 and x >= 140
    assert near(colour_at(picture, 21, 45), GREEN) and near(colour_at(picture, 138, 2), GREEN)
    letterbox = Compositor(video_project([Clip(media["red"], 0, 0, 10)], size=(120, 90))).picture(0)
    assert not letterbox[:10].any() and not letterbox[80:].any()  # bars: y < 11 and y >= 79
    assert near(colour_at(letterbox, 60, 12), RED) and near(colour_at(letterbox, 60, 77), RED)


def test_bars_of_an_upper_clip_show_the_track_below(media):
    project = video_project([Clip(media["blue"], 0, 0, 10)], [Clip(media["green43"], 0, 0, 10)])
    picture = Compositor(project).picture(4)
    assert near(colour_at(picture, 5, 45), BLUE) and near(colour_at(picture, 155, 45), BLUE)
    assert near(colour_at(picture, 80, 45), GREEN)


def test_source_frame_follows_clip_offsets(media):
    clip = Clip(media["counted"], start=5, source_start=10, duration=20)
    comp = Compositor(video_project([clip], size=(64, 48)))
    for frame in [24, 5, 17, 6, 5]:
        assert frame_index(comp.picture(frame)) == frame - 5 + 10


def test_picture_across_rates_is_the_last_source_frame_at_or_before(media):
    fps = Fraction(30000, 1001)
    clip = Clip(media["counted25in2997"], start=0, source_start=3, duration=50)
    comp = Compositor(video_project([clip], size=(64, 48), fps=fps))
    for frame in range(49, -1, -7):
        assert frame_index(comp.picture(frame)) == floor(Fraction(frame + 3) / fps * 25)


def test_offline_media_is_transparent(media):
    missing = Media(path="/nonexistent/gone.mp4", duration=10, width=64, height=36)
    project = video_project([Clip(media["red"], 0, 0, 10)], [Clip(missing, 0, 0, 10)])
    assert near(colour_at(Compositor(project).picture(1), 80, 45), RED)


# -- sound --------------------------------------------------------------------------------------

RATE = 48000


@pytest.fixture(scope="module")
def sounds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mix")

    def make(name, **audio):
        path = write_media(folder / name, video=Video(frames=50, fps=FPS),
                           audio=Audio(seconds=2, sample_rate=RATE, **audio))
        return media_for(path, FPS)

    return {
        "440": make("a440.mp4", tones=(440,), amplitude=0.4),
        "1000": make("a1000.mp4", tones=(1000,), amplitude=0.2),
        "sweep": make("sweep.mp4", sweep=(200, 2000)),
        "surround": make("surround.mp4", layout="5.1", tones=(0, 0, 660, 0, 0, 0), amplitude=0.4),
    }


def mix_project(*tracks, fps=FPS, video=()):
    project = Project(fps=fps, width=64, height=48, sample_rate=RATE)
    project.tracks.append(Track(TrackKind.VIDEO, "V1", list(video)))
    for i, clips in enumerate(tracks):
        project.tracks.append(Track(TrackKind.AUDIO, f"A{i + 1}", list(clips)))
    return project


def test_mix_level_gain_and_muting(sounds):
    project = mix_project([Clip(sounds["440"], 0, 0, 50, gain_db=-6.0206)],
                          [Clip(sounds["1000"], 0, 0, 50)])
    comp = Compositor(project)
    left = comp.sound(5, 45)[:, 0]
    assert tone_level(left, 440, RATE) == pytest.approx(0.2, abs=0.005)  # 0.4 at -6 dB
    assert tone_level(left, 1000, RATE) == pytest.approx(0.2, abs=0.005)
    project.tracks[2].muted = True
    assert rms(comp.sound(5, 45)[:, 0]) == pytest.approx(0.2 / np.sqrt(2), rel=0.02)


def test_one_file_on_two_tracks_mixes_without_seeking_back_and_forth(sounds):
    first = Clip(sounds["sweep"], 0, 0, 20)
    later = Clip(sounds["sweep"], 0, 25, 20)  # the same file, 1 s further on, at the same time
    comp = Compositor(mix_project([first], [later]))
    together = np.concatenate([comp.sound(f, f + 1) for f in range(20)])
    alone = [Compositor(mix_project([clip])).sound(0, 20) for clip in (first, later)]
    assert np.allclose(together, np.clip(alone[0] + alone[1], -1, 1), atol=1e-6)
    assert sum(reader.seeks for reader in comp.pool.readers()) <= 1


def test_video_track_clips_are_silent(sounds):
    project = mix_project(video=[Clip(sounds["440"], 0, 0, 50)])
    assert not Compositor(project).sound(0, 50).any()


def test_surround_is_folded_to_stereo(sounds):
    sound = Compositor(mix_project([Clip(sounds["surround"], 0, 0, 50)])).sound(5, 45)
    for side in (0, 1):  # centre channel: -3 dB on each side
        assert tone_level(sound[:, side], 660, RATE) == pytest.approx(0.4 * 2 ** -0.5, abs=0.01)


def test_sample_counts_tile_exactly_at_ntsc_rate(sounds):
    fps = Fraction(30000, 1001)
    comp = Compositor(mix_project([Clip(sounds["440"], 0, 0, 59)], fps=fps))
    lengths = [len(comp.sound(f, f + 1)) for f in range(10)]
    assert sorted(set(lengths)) == [1601, 1602]  # 48000 / 29.97 = 1601.6
    assert len(comp.sound(0, 300)) == 480480  # 300 frames = 10.01 s exactly
    pieces = np.concatenate([comp.sound(f, f + 1) for f in range(12)])
    assert np.array_equal(pieces, comp.sound(0, 12))


def test_clip_sound_starts_on_its_first_sample_and_reads_its_source_range(sounds):
    fps = Fraction(30000, 1001)
    clip = Clip(sounds["sweep"], start=10, source_start=20, duration=25)
    sound = Compositor(mix_project([clip], fps=fps)).sound(0, 40)
    first, last = floor(10 * RATE / fps), floor(35 * RATE / fps)
    assert not sound[:first].any() and not sound[last:].any()
    assert np.abs(sound[first:first + 100]).max() > 0.1
    written = Audio(seconds=2, sample_rate=RATE, sweep=(200, 2000)).samples()[0]
    source_first = floor(20 * RATE / fps)
    part = sound[first + 2000:first + 6000, 0]
    assert abs(shift_between(written, part, source_first + 2000)) <= 1


# -- fades --------------------------------------------------------------------------------------


def test_a_fade_on_the_only_track_rises_from_black_and_sinks_to_black(media):
    project = video_project([Clip(media["red"], 0, 0, 10, fade_in=4, fade_out=2)])
    comp = Compositor(project)
    reds = [colour_at(comp.picture(f), 80, 45)[0] for f in range(10)]
    full = reds[5]
    assert near(colour_at(comp.picture(5), 80, 45), RED)
    assert reds[0] == 0 and reds[9] == 0
    for f, level in ((1, 0.25), (2, 0.5), (3, 0.75), (8, 0.5)):
        assert reds[f] == pytest.approx(full * level, abs=2)


def test_a_clip_fading_in_on_v2_dissolves_from_the_clip_on_v1(media):
    project = video_project([Clip(media["red"], 0, 0, 10)], [Clip(media["blue"], 2, 0, 8, fade_in=4)])
    comp = Compositor(project)
    assert near(colour_at(comp.picture(2), 80, 45), RED)  # fade frame 0: V1 alone
    halfway = colour_at(comp.picture(4), 80, 45)
    assert near(halfway, (RED[0] / 2, 0, BLUE[2] / 2), tolerance=14)
    assert near(colour_at(comp.picture(6), 80, 45), BLUE)


def test_export_path_blends_a_fading_clip_too(media):
    """video_frame skips RGB for one clip filling the picture: not while it fades."""
    project = video_project([Clip(media["red"], 0, 0, 10, fade_in=4)], size=(64, 36))
    comp = Compositor(project)
    for f in (0, 2, 6):
        rgb = comp.video_frame(f, format="rgb24").to_ndarray()
        assert np.abs(rgb.astype(int) - comp.picture(f).astype(int)).max() <= 3


def test_sound_fades_are_linear_ramps_to_the_clip_edges(sounds):
    fps_rate = RATE / float(FPS)  # samples per frame
    plain = Compositor(mix_project([Clip(sounds["440"], 0, 0, 50)])).sound(0, 50)[:, 0]
    faded = Compositor(mix_project([Clip(sounds["440"], 0, 0, 50, fade_in=10, fade_out=5)])).sound(0, 50)[:, 0]
    t = np.arange(len(plain)) / fps_rate  # each sample's time in frames
    expected = plain * np.clip(np.minimum(t / 10, (49 - t) / 5), 0, 1)
    assert np.allclose(faded, expected, atol=1e-5)
    assert rms(faded[int(20 * fps_rate):int(40 * fps_rate)]) == pytest.approx(
        rms(plain[int(20 * fps_rate):int(40 * fps_rate)]), rel=1e-6)
    assert not faded[int(49 * fps_rate):].any()


def test_a_disabled_clip_gives_no_picture_and_no_sound(media, sounds):
    from dataclasses import replace

    project = video_project([Clip(media["red"], 0, 0, 10)], [Clip(media["blue"], 0, 0, 10, enabled=False)])
    assert near(colour_at(Compositor(project).picture(3), 80, 45), RED)
    project.tracks[0].clips[0] = replace(project.tracks[0].clips[0], enabled=False)
    assert not Compositor(project).picture(3).any()
    mix = mix_project([Clip(sounds["440"], 0, 0, 50, enabled=False)], [Clip(sounds["1000"], 0, 0, 50)])
    left = Compositor(mix).sound(5, 45)[:, 0]
    assert tone_level(left, 440, RATE) < 0.005 and tone_level(left, 1000, RATE) == pytest.approx(0.2, abs=0.005)
    mix.tracks[2].clips[0] = replace(mix.tracks[2].clips[0], enabled=False)
    assert not Compositor(mix).has_sound()
