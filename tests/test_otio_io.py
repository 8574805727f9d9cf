"""Saving and opening our own projects: exact round trips, format versions, refusals, atomic saves."""
from __future__ import annotations

import json
import os
import resource
import signal
from dataclasses import replace
from fractions import Fraction

import opentimelineio as otio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.timeline import otio_io
from desktop.timeline.changes import EditError
from desktop.timeline.history import History
from desktop.timeline.model import Marker, Provenance
from desktop.timeline.otio_io import ProjectFileError

from test_timeline_diagram import RATES, media, parse, render
from test_timeline_properties import START, apply_op, op


def rich_project(fps):
    """A project using every field we save: links, sources, gain, fades, a disabled clip, flags,
    bin, provenance, markers."""
    project = parse("V1: A---..b--\nV2: ...c-\nA1: A--- | 3", fps)
    generated = replace(media("g", 12, audio=False), provenance=Provenance(
        "a red ball bounces", 7, "builtin-shapes", {"steps": 8, "guidance": [1.5, 2], "nested": {"k": None}},
        "2025-01-02T03:04:05", "/nonexistent/c.mp4"))
    project.bin += [media("a"), generated]
    v2 = project.track("V2")
    v2.clips[0] = replace(v2.clips[0], media=generated, name="ball")
    a1 = project.track("A1")
    a1.clips[0] = replace(a1.clips[0], gain_db=-4.5, fade_in=2, fade_out=1)
    v1 = project.track("V1")
    v1.clips[1] = replace(v1.clips[1], fade_out=3, enabled=False)
    a1.muted, v2.hidden, v2.locked = True, True, True
    project.name, project.width, project.height, project.sample_rate = "Trip", 1280, 720, 44100
    project.markers = [Marker(0, "start"), Marker(7, ""), Marker(1000, "past the end")]
    return project


@pytest.mark.parametrize("fps", RATES + [Fraction(25), Fraction(60000, 1001)], ids=str)
def test_round_trip_is_exact(tmp_path, fps):
    project = rich_project(fps)
    otio_io.save(project, tmp_path / "p.otio")
    loaded = otio_io.load(tmp_path / "p.otio")
    assert loaded == project
    assert loaded.bin[1].provenance.settings == {"steps": 8, "guidance": [1.5, 2], "nested": {"k": None}}


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(op, min_size=1, max_size=15))
def test_round_trip_after_random_edits(tmp_path_factory, ops):
    project = parse(START, Fraction(30000, 1001))
    history = History(project)
    for o in ops:
        try:
            apply_op(history, o)
        except EditError:
            pass
    path = tmp_path_factory.mktemp("rt") / "p.otio"
    otio_io.save(project, path)
    assert otio_io.load(path) == project


def test_saved_file_is_plain_otio_with_absolute_paths_and_version(tmp_path):
    project = rich_project(Fraction(24))
    otio_io.save(project, tmp_path / "p.otio")
    timeline = otio.adapters.read_from_file(str(tmp_path / "p.otio"))
    assert timeline.metadata["framesmith"]["version"] == otio_io.VERSION
    assert [t.kind for t in timeline.tracks] == ["Video", "Video", "Audio"]
    assert [t.enabled for t in timeline.tracks] == [True, False, False]
    v1 = timeline.tracks[0]
    assert [type(i).__name__ for i in v1] == ["Clip", "Gap", "Clip"]
    assert v1[0].media_reference.target_url == "/nonexistent/a.mp4"
    assert v1[2].range_in_parent().start_time.value == 6


def test_relative_media_paths_resolve_against_the_project_folder(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.mp4").write_bytes(b"")
    project = parse("V1: a---", Fraction(24))
    otio_io.save(project, tmp_path / "p.otio")
    data = json.loads((tmp_path / "p.otio").read_text())
    data["tracks"]["children"][0]["children"][0]["media_references"]["DEFAULT_MEDIA"]["target_url"] = "media/a.mp4"
    (tmp_path / "p.otio").write_text(json.dumps(data))
    loaded = otio_io.load(tmp_path / "p.otio")
    assert loaded.clip("V1:0").media.path == str(tmp_path / "media" / "a.mp4")
    assert loaded.offline_media() == []


V1_FILE = """{
  "OTIO_SCHEMA": "Timeline.1", "name": "Old", "global_start_time": null,
  "metadata": {"framesmith": {"version": 1, "fps": "25", "resolution": [1280, 720], "sample_rate": 48000,
                              "bin": []}},
  "tracks": {"OTIO_SCHEMA": "Stack.1", "name": "tracks", "children": [
    {"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", "metadata": {"framesmith": {"id": "t1"}},
     "children": [
       {"OTIO_SCHEMA": "Gap.1", "source_range": {"OTIO_SCHEMA": "TimeRange.1",
          "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 0},
          "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 5}}},
       {"OTIO_SCHEMA": "Clip.1", "name": "shot", "metadata": {"framesmith": {"id": "c1"}},
        "source_range": {"OTIO_SCHEMA": "TimeRange.1",
          "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 3},
          "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 10}},
        "media_reference": {"OTIO_SCHEMA": "ExternalReference.1", "target_url": "/nonexistent/shot.mp4",
          "available_range": {"OTIO_SCHEMA": "TimeRange.1",
            "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 0},
            "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 25, "value": 50}},
          "metadata": {"framesmith": {"rate": "25", "width": 1280, "height": 720, "has_video": true}}}}
     ]}
  ]}
}"""


def test_a_version_1_file_is_upgraded(tmp_path):
    (tmp_path / "old.otio").write_text(V1_FILE)
    project = otio_io.load(tmp_path / "old.otio")
    assert (project.name, project.fps, project.width, project.height) == ("Old", 25, 1280, 720)
    clip = project.clip("c1")
    assert (clip.start, clip.duration, clip.source_start, clip.media.duration) == (5, 10, 3, 50)
    assert project.track("t1").name == "V1"
    otio_io.save(project, tmp_path / "new.otio")
    assert json.loads((tmp_path / "new.otio").read_text())["metadata"]["framesmith"]["version"] == otio_io.VERSION
    assert otio_io.load(tmp_path / "new.otio") == project


def test_every_upgrade_step_exists():
    assert sorted(otio_io.UPGRADES) == list(range(1, otio_io.VERSION))


def write_bad(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize("content,message", [
    ("{not json", r"is not a project file \(not JSON: .* at line 1\)"),
    (b"\xff\xfe\x00garbage", r"is not a project file \(not text\)"),
    ("[1, 2]", r"is not an OpenTimelineIO timeline \(no OTIO_SCHEMA\)"),
    ('{"name": "x"}', r"is not an OpenTimelineIO timeline \(no OTIO_SCHEMA\)"),
    (otio.adapters.write_to_string(otio.schema.Clip(name="c"), "otio_json"),
     r"is not an OpenTimelineIO timeline \(it holds a Clip\)"),
    ('{"OTIO_SCHEMA": "Timeline.1", "tracks": 5}', "is a damaged project: type mismatch"),
    (V1_FILE.replace('"version": 1', '"version": 9'), "is a damaged project: it was made by a newer Framesmith"),
    (V1_FILE.replace('"fps": "25"', '"fps": "fast"'), "is a damaged project"),
    (V1_FILE.replace('"has_video": true', '"has_video": false'), "is a damaged project: .*media has no picture"),
])
def test_invalid_files_are_refused_with_one_line(tmp_path, content, message):
    path = write_bad(tmp_path, "bad.otio", content)
    with pytest.raises(ProjectFileError, match=message) as info:
        otio_io.load(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(ProjectFileError, match="nope.otio: no such file"):
        otio_io.load(tmp_path / "nope.otio")
    with pytest.raises(ProjectFileError, match="is a folder, not a project file"):
        otio_io.load(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_refused(tmp_path):
    path = write_bad(tmp_path, "locked.otio", "{}")
    path.chmod(0)
    with pytest.raises(ProjectFileError, match="permission denied"):
        otio_io.load(path)


def test_save_that_cannot_serialise_leaves_the_old_file(tmp_path):
    path = tmp_path / "p.otio"
    otio_io.save(parse("V1: a---"), path)
    old = path.read_bytes()
    project = rich_project(Fraction(24))
    project.bin[1] = replace(project.bin[1], provenance=replace(project.bin[1].provenance, settings={"x": object()}))
    with pytest.raises(ProjectFileError, match="cannot save .*p.otio"):
        otio_io.save(project, path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["p.otio"]


def test_save_that_fails_while_writing_leaves_the_old_file(tmp_path):
    """A real write failure: the process may not write files past 4 KiB (as on a full disk)."""
    path = tmp_path / "p.otio"
    otio_io.save(parse("V1: a---"), path)
    old = path.read_bytes()
    big = parse("\n".join(f"V{i}: " + "a-b-c-d-e-f-g-h-" * 4 for i in range(1, 9)))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(ProjectFileError, match="cannot save .*p.otio: File too large"):
            otio_io.save(big, path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["p.otio"]
    otio_io.save(big, path)
    assert render(otio_io.load(path)) == render(big)


def test_save_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ProjectFileError, match="cannot save .*: No such file or directory"):
        otio_io.save(parse("V1: a"), tmp_path / "no" / "p.otio")
