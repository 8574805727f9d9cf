"""Export: the MP4 decoded back frame by frame, its length and sound; refusals; cancel and failure
leave nothing behind."""
from fractions import Fraction
from math import ceil, floor

import av
import numpy as np
import pytest

from desktop.media.errors import Cancelled, MediaError
from desktop.media.export import RenderCancelled, render
from desktop.media.probe import media_for
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind
from mediafactory import Audio, Video, frame_index, tone_level, write_media

FPS = Fraction(25)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "source.mp4"
    write_media(path, video=Video(frames=40, fps=FPS), audio=Audio(seconds=1.6, tones=(440,), amplitude=0.4))
    return media_for(path, FPS)


def cut_list(media, fps=FPS):
    """Media frames 20..29 then 0..9, with their sound; 20 frames."""
    video = [Clip(media, 0, 20, 10, link="a"), Clip(media, 10, 0, 10, link="b")]
    audio = [Clip(media, 0, 20, 10, link="a"), Clip(media, 10, 0, 10, link="b")]
    return Project(fps=fps, width=64, height=48, sample_rate=48000,
                   tracks=[Track(TrackKind.VIDEO, "V1", video), Track(TrackKind.AUDIO, "A1", audio)])


def decode(path):
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        info = (video.codec_context.name, video.codec_context.pix_fmt, video.width, video.height,
                video.average_rate)
        frames = [frame_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        sound = (np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
                 if container.streams.audio else None)
        audio_codec = container.streams.audio[0].codec_context.name if container.streams.audio else None
    return info, frames, sound, audio_codec


def test_render_decodes_back_frame_by_frame_with_its_sound(source, tmp_path):
    out = tmp_path / "out.mp4"
    calls = []
    assert render(cut_list(source), out, progress=lambda done, total: calls.append((done, total))) == out
    info, frames, sound, audio_codec = decode(out)
    assert info == ("h264", "yuv420p", 64, 48, 25)
    assert frames == list(range(20, 30)) + list(range(10))
    assert calls == [(i, 20) for i in range(1, 21)]
    assert audio_codec == "aac" and sound.shape[0] == 2
    assert 38400 <= sound.shape[1] <= 38400 + 1024  # 0.8 s, plus at most one AAC frame of padding
    assert tone_level(sound[0, 4800:33600], 440, 48000) == pytest.approx(0.4, abs=0.02)
    assert list(tmp_path.iterdir()) == [out]  # no temp file left


def test_direct_and_composited_frames_have_the_same_colours(tmp_path):
    red_full = media_for(write_media(tmp_path / "full.mp4", video=Video(frames=5, colour=(200, 40, 40))), FPS)
    red_wide = media_for(write_media(tmp_path / "wide.mp4", video=Video(frames=5, colour=(200, 40, 40),
                                                                           size=(64, 36))), FPS)
    project = Project(fps=FPS, width=64, height=48, tracks=[Track(TrackKind.VIDEO, "V1", [
        Clip(red_full, 0, 0, 5),  # fills the frame: straight from the decoder to the encoder
        Clip(red_wide, 5, 0, 5),  # letterboxed: composited in RGB
    ])])
    out = render(project, tmp_path / "out.mp4")
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.colorspace == 1  # tagged BT.709
        pictures = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    for picture in pictures[:5] + pictures[5:]:
        assert np.abs(picture[24, 32].astype(int) - (200, 40, 40)).max() <= 8
    assert pictures[7][:4].max() <= 8  # the letterbox bars stay black


def test_a_render_fades_picture_and_sound_to_nothing(tmp_path):
    path = write_media(tmp_path / "grey.mp4", video=Video(frames=25, colour=(200, 200, 200)),
                       audio=Audio(seconds=1.0, tones=(440,), amplitude=0.4))
    grey = media_for(path, FPS)
    fades = {"fade_in": 5, "fade_out": 10, "link": "a"}
    project = Project(fps=FPS, width=64, height=48, sample_rate=48000, tracks=[
        Track(TrackKind.VIDEO, "V1", [Clip(grey, 0, 0, 25, **fades)]),
        Track(TrackKind.AUDIO, "A1", [Clip(grey, 0, 0, 25, **fades)])])
    out = render(project, tmp_path / "out.mp4")
    with av.open(str(out)) as container:
        levels = [float(f.to_ndarray(format="rgb24")[24, 32].mean()) for f in container.decode(video=0)]
    with av.open(str(out)) as container:
        sound = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)[0]
    assert levels[0] <= 8 and levels[24] <= 8  # black at both ends
    assert levels[2] == pytest.approx(200 * 2 / 5, abs=10) and levels[19] == pytest.approx(200 * 5 / 10, abs=10)
    assert levels[10] == pytest.approx(200, abs=8)
    middle = tone_level(sound[12000:19200], 440, 48000)  # frames 6.25-10: past the fade in
    assert middle == pytest.approx(0.4, abs=0.03)
    assert tone_level(sound[43200:45600], 440, 48000) < 0.1 * middle  # the last half frame but one


def test_edits_during_a_render_do_not_reach_it(source, tmp_path):
    project = cut_list(source)

    def edit_meanwhile(done, total):  # as the editor would, while the export runs
        if done == 3:
            project.tracks[0].clips.clear()
            project.tracks.pop()

    render(project, tmp_path / "out.mp4", progress=edit_meanwhile, preset="ultrafast")
    _, frames, sound, _ = decode(tmp_path / "out.mp4")
    assert frames == list(range(20, 30)) + list(range(10)) and sound is not None


def test_range_size_and_rate_overrides(source, tmp_path):
    out = tmp_path / "part.mp4"
    render(cut_list(source), out, width=129, height=97, fps=Fraction(50), frame_range=(5, 15),
           preset="ultrafast", crf=30)
    info, frames, _, _ = decode(out)
    assert info[2:] == (128, 96, 50)  # sizes rounded down to even
    assert len(frames) == 20
    timeline = [25, 26, 27, 28, 29, 0, 1, 2, 3, 4]  # project frames 5..14
    assert frames == [timeline[floor(j * FPS / 50)] for j in range(20)]


def test_ntsc_project_to_a_slower_rate(source, tmp_path):
    fps = Fraction(30000, 1001)
    media = media_for(source.path, fps)
    project = Project(fps=fps, width=64, height=48,
                      tracks=[Track(TrackKind.VIDEO, "V1", [Clip(media, 0, 0, 40)])])
    out = tmp_path / "24.mp4"
    render(project, out, fps=Fraction(24), preset="ultrafast")
    _, frames, sound, _ = decode(out)
    assert sound is None  # no audio track clip: no sound stream
    assert len(frames) == ceil(40 / fps * 24)
    # output frame j at time j/24 shows project frame floor(j/24*fps), which shows media frame
    # floor(k/fps*25)
    assert frames == [floor(floor(Fraction(j, 24) * fps) / fps * 25) for j in range(len(frames))]


def test_cancel_leaves_nothing_and_keeps_an_existing_output(source, tmp_path):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"the user's earlier file")
    done = []
    with pytest.raises(RenderCancelled) as caught:
        render(cut_list(source), out, progress=lambda d, t: done.append(d), cancel=lambda: len(done) >= 5)
    assert isinstance(caught.value, Cancelled)
    assert done == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]
    assert out.read_bytes() == b"the user's earlier file"


def test_failure_mid_render_leaves_nothing(source, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\0" * 1000)  # exists (not offline) but is no video
    project = cut_list(source)
    project.tracks[0].clips.append(Clip(Media(str(broken), 10, width=64, height=48), 20, 0, 10))
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaError, match="broken.mp4"):
        render(project, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.mp4"]


def test_output_that_is_an_input_is_refused(source, tmp_path):
    with pytest.raises(MediaError, match="media files"):
        render(cut_list(source), source.path)


def test_offline_media_are_named(source, tmp_path):
    project = cut_list(source)
    project.tracks[0].clips.append(Clip(Media("/gone/missing.mov", 10), 20, 0, 10))
    with pytest.raises(MediaError, match="/gone/missing.mov"):
        render(project, tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []
    # Outside the range, on a hidden track or only in the bin, a missing file does not matter.
    render(project, tmp_path / "head.mp4", frame_range=(0, 20), preset="ultrafast")
    project.tracks[0].clips.pop()
    project.tracks.append(Track(TrackKind.VIDEO, "V2", [Clip(Media("/gone/b.mov", 10), 0, 0, 10)],
                                hidden=True))
    project.bin.append(Media("/gone/c.mov", 10))
    render(project, tmp_path / "all.mp4", preset="ultrafast")


@pytest.mark.parametrize("kwargs,message", [
    ({"preset": "warp"}, "unknown preset"),
    ({"crf": 60}, "crf"),
    ({"frame_range": (10, 10)}, "empty"),
    ({"width": 1}, "too small"),
])
def test_bad_settings_are_refused(source, tmp_path, kwargs, message):
    with pytest.raises(MediaError, match=message):
        render(cut_list(source), tmp_path / "out.mp4", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_missing_output_folder_and_empty_timeline(source, tmp_path):
    with pytest.raises(MediaError, match="no such folder"):
        render(cut_list(source), tmp_path / "nope" / "out.mp4")
    with pytest.raises(MediaError, match="timeline is empty"):
        render(Project(fps=FPS), tmp_path / "out.mp4")
