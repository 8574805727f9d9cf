"""Timelines made with OpenTimelineIO's own API (as other tools write them) open correctly."""
from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
import pytest

from desktop.timeline import invariants, otio_io
from desktop.timeline.model import TrackKind

RT = otio.opentime.RationalTime


def span(start, duration, rate):
    return otio.opentime.TimeRange(RT(start, rate), RT(duration, rate))


def clip(name, url, start, duration, rate, available=None, metadata=None):
    ref = otio.schema.ExternalReference(target_url=url, available_range=available)
    return otio.schema.Clip(name=name, media_reference=ref, source_range=span(start, duration, rate),
                            metadata=metadata or {})


def gap(duration, rate):
    return otio.schema.Gap(source_range=span(0, duration, rate))


def track(name, kind, *items):
    t = otio.schema.Track(name=name, kind=kind)
    for item in items:
        t.append(item)
    return t


def write(tmp_path, *tracks, rate=24.0, name="foreign"):
    timeline = otio.schema.Timeline(name=name, global_start_time=RT(0, rate))
    for t in tracks:
        timeline.tracks.append(t)
    path = tmp_path / f"{name}.otio"
    otio.adapters.write_to_file(timeline, str(path))
    project = otio_io.load(path)
    invariants.check(project)
    return project


def layout(project):
    return [[(type(i).__name__, i.start, i.duration, getattr(i, "source_start", None)) for i in t.items()]
            for t in project.tracks]


def test_external_references_gaps_and_three_tracks(tmp_path):
    for f in ("a.mov", "b.mov", "music.wav"):
        (tmp_path / f).write_bytes(b"")
    V, A = otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio
    project = write(
        tmp_path,
        track("Main", V, clip("a", str(tmp_path / "a.mov"), 10, 48, 24, span(0, 100, 24)), gap(12, 24),
              clip("b", otio.url_utils.url_from_filepath(str(tmp_path / "b.mov")), 0, 24, 24)),
        track("Overlay", V, gap(30, 24), clip("t", "titles.mov", 0, 20, 24)),
        track("Music", A, clip("m", "music.wav", 0, 96, 24, span(0, 96, 24))),
    )
    assert project.fps == 24 and project.name == "foreign"
    assert [(t.kind, t.name) for t in project.tracks] == [
        (TrackKind.VIDEO, "Main"), (TrackKind.VIDEO, "Overlay"), (TrackKind.AUDIO, "Music")]
    assert layout(project) == [
        [("Clip", 0, 48, 10), ("Gap", 48, 12, None), ("Clip", 60, 24, 0)],
        [("Gap", 0, 30, None), ("Clip", 30, 20, 0)],
        [("Clip", 0, 96, 0)],
    ]
    main = project.tracks[0].clips
    assert main[1].media.path == str(tmp_path / "b.mov")
    assert main[0].media.duration == 100 and main[1].media.duration == 24
    assert project.tracks[2].clips[0].media.path == str(tmp_path / "music.wav")
    assert project.tracks[2].clips[0].media.has_audio and not project.tracks[2].clips[0].media.has_video
    assert project.offline_media() == [str(tmp_path / "titles.mov")]
    assert project.duration == 96


def test_a_25_fps_clip_in_a_24_fps_timeline_is_rounded_to_project_frames(tmp_path):
    V = otio.schema.TrackKind.Video
    project = write(tmp_path, track(
        "V1", V, gap(10, 24),
        clip("pal", "/nonexistent/pal.mp4", 50, 50, 25, span(0, 250, 25)),  # 2 s from 2 s in
        clip("short", "/nonexistent/pal.mp4", 0, 13, 25, span(0, 250, 25)),  # 12.48 frames
        clip("blip", "/nonexistent/pal.mp4", 7, 1, 25, span(0, 250, 25)),  # 0.96 frames
        gap(1, 25),
        clip("after", "/nonexistent/b.mp4", 0, 24, 24),
    ))
    assert layout(project) == [[("Gap", 0, 10, None), ("Clip", 10, 48, 48), ("Clip", 58, 12, 0),
                                ("Clip", 70, 1, 7), ("Gap", 71, 1, None), ("Clip", 72, 24, 0)]]
    pal = project.tracks[0].clips[0].media
    assert (pal.duration, pal.rate, pal.has_video) == (240, 25, True)


def test_ntsc_float_rates_become_exact_fractions(tmp_path):
    rate = 24000 / 1001
    project = write(tmp_path, track("V1", otio.schema.TrackKind.Video,
                                    clip("a", "/nonexistent/a.mp4", 0, 1001, rate, span(0, 2002, 23.976))),
                    rate=23.976)
    assert project.fps == Fraction(24000, 1001)
    assert layout(project) == [[("Clip", 0, 1001, 0)]]
    assert project.tracks[0].clips[0].media.duration == 2002


def test_source_times_count_from_the_start_of_the_available_range(tmp_path):
    tc = 86400  # 01:00:00:00 at 24 fps
    project = write(tmp_path, track("V1", otio.schema.TrackKind.Video,
                                    clip("a", "/nonexistent/a.mp4", tc + 10, 20, 24, span(tc, 100, 24))))
    c = project.tracks[0].clips[0]
    assert (c.source_start, c.duration, c.media.duration) == (10, 20, 100)


def test_missing_and_generator_references_transitions_nested_stacks_and_rangeless_clips(tmp_path):
    V, A = otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio
    missing = otio.schema.Clip(name="A001C003.mov", media_reference=otio.schema.MissingReference(),
                               source_range=span(5, 24, 24))
    bars = otio.schema.Clip(name="bars", source_range=span(0, 12, 24),
                            media_reference=otio.schema.GeneratorReference(generator_kind="SMPTEBars"))
    nested = otio.schema.Stack(name="compound")
    nested.append(track("inner", V, clip("x", "/nonexistent/x.mp4", 0, 6, 24)))
    dissolve = otio.schema.Transition(in_offset=RT(2, 24), out_offset=RT(2, 24))
    silent = track("Off", A, clip("s", "/nonexistent/s.wav", 0, 10, 24))
    silent.enabled = False
    rangeless = otio.schema.Clip(name="rangeless")
    project = write(tmp_path, track("V1", V, missing, dissolve, bars, nested, rangeless,
                                    clip("z", "/nonexistent/z.mp4", 0, 4, 24)), silent)
    assert layout(project)[0] == [("Clip", 0, 24, 5), ("Gap", 24, 18, None), ("Clip", 42, 4, 0)]
    offline = project.tracks[0].clips[0].media
    assert offline.path == str(tmp_path / "A001C003.mov") and offline.duration == 29
    assert offline.path in project.offline_media()
    assert project.tracks[1].muted and not project.tracks[1].hidden


def test_media_without_available_range_covers_its_clips_and_gets_both_kinds(tmp_path):
    V, A = otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio
    project = write(tmp_path, track("V1", V, clip("a", "/nonexistent/a.mov", 30, 10, 24)),
                    track("A1", A, clip("a", "/nonexistent/a.mov", 0, 50, 24)))
    media = {c.media for _, c in project.all_clips()}
    assert len(media) == 1
    (m,) = media
    assert (m.duration, m.has_video, m.has_audio) == (50, True, True)


def test_copied_ids_and_links_from_another_tool_are_repaired(tmp_path):
    V, A = otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio
    meta = {"framesmith": {"id": "same", "link": "L"}}
    project = write(tmp_path, track("V1", V, clip("a", "/n/a.mp4", 0, 4, 24, metadata=meta),
                                    clip("b", "/n/a.mp4", 0, 4, 24, metadata=meta)),
                    track("A1", A, clip("c", "/n/c.wav", 0, 4, 24, metadata={"framesmith": {"link": "lonely"}})))
    v1 = project.tracks[0].clips
    assert v1[0].id == "same" and v1[1].id != "same"
    assert [c.link for _, c in project.all_clips()] == [None, None, None]


@pytest.mark.parametrize("rate", [24.0, 30000 / 1001])
def test_a_foreign_file_saved_by_us_loads_back_equal(tmp_path, rate):
    project = write(tmp_path, track("V1", otio.schema.TrackKind.Video, gap(3, rate),
                                    clip("a", "/nonexistent/a.mp4", 2, 10, rate, span(0, 40, rate))), rate=rate)
    otio_io.save(project, tmp_path / "ours.otio")
    assert otio_io.load(tmp_path / "ours.otio") == project
