"""Markers: added and removed as undo steps, one per frame, kept in order, fixed in time when
clips move, and saved as the OTIO timeline's own markers."""
from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
import pytest

from desktop.timeline import edits, organize, otio_io
from desktop.timeline.model import Marker

from test_timeline_diagram import RATES, check_edit, check_refused, parse


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


def test_markers_are_kept_in_order_and_undo(fps):
    project = parse("V1: a---", fps)
    check_edit(project, lambda h: organize.add_marker(h, 9, "end"))
    check_edit(project, lambda h: organize.add_marker(h, 2))
    assert project.markers == [Marker(2), Marker(9, "end")]
    check_edit(project, lambda h: organize.remove_marker(h, 9))
    assert project.markers == [Marker(2)]


def test_a_renamed_marker_keeps_its_frame(fps):
    project = parse("V1: a---", fps)
    project.markers = [Marker(1), Marker(3, "cut here")]
    check_edit(project, lambda h: organize.rename_marker(h, 3, "the cut"))
    assert project.markers == [Marker(1), Marker(3, "the cut")]


@pytest.mark.parametrize("edit,message", [
    (lambda h: organize.add_marker(h, 3), "already a marker at frame 3"),
    (lambda h: organize.add_marker(h, -1), "0 or later"),
    (lambda h: organize.add_marker(h, 1.5), "whole frame"),
    (lambda h: organize.remove_marker(h, 4), "no marker at frame 4"),
    (lambda h: organize.rename_marker(h, 4, "x"), "no marker at frame 4"),
])
def test_bad_marker_edits_are_refused(fps, edit, message):
    project = parse("V1: a---", fps)
    project.markers = [Marker(3, "cut here")]
    check_refused(project, edit, message)


def test_markers_stay_put_when_clips_move(fps):
    project = parse("V1: a-b-", fps)
    project.markers = [Marker(2, "b starts")]
    check_edit(project, lambda h: edits.ripple_delete(h, ["V1:0"]))
    assert project.markers == [Marker(2, "b starts")]


def test_saved_markers_are_plain_otio_markers_and_read_back(tmp_path):
    project = parse("V1: a---", Fraction(30000, 1001))
    project.markers = [Marker(3, "here"), Marker(30, "")]
    otio_io.save(project, tmp_path / "p.otio")
    timeline = otio.adapters.read_from_file(str(tmp_path / "p.otio"))
    assert [(m.name, m.marked_range.start_time.value) for m in timeline.tracks.markers] == [("here", 3), ("", 30)]
    assert otio_io.load(tmp_path / "p.otio").markers == project.markers


def test_foreign_markers_land_on_the_nearest_frame_once(tmp_path):
    timeline = otio.schema.Timeline(name="t", global_start_time=otio.opentime.RationalTime(0, 24))
    timeline.tracks.append(otio.schema.Track(kind=otio.schema.TrackKind.Video))
    for name, seconds in (("b", 1.02), ("a", 0.5), ("same frame as b", 1.0), ("before the start", -1.0)):
        timeline.tracks.markers.append(otio.schema.Marker(name=name, marked_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(seconds * 1000, 1000), otio.opentime.RationalTime(0, 1000))))
    otio.adapters.write_to_file(timeline, str(tmp_path / "f.otio"))
    assert otio_io.load(tmp_path / "f.otio").markers == [Marker(12, "a"), Marker(24, "b")]
