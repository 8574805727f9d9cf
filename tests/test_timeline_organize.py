"""Tracks, links, gain, the bin, relinking and importing: cases with undo/redo round trips."""
from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.timeline import organize
from desktop.timeline.model import TrackKind

from test_timeline_diagram import RATES, check_edit, check_refused, media, parse, render


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


def test_add_track_names_and_places_it(fps):
    project = parse("V1: a-\nA1: a-", fps)
    check_edit(project, lambda h: organize.add_track(h, TrackKind.VIDEO))
    check_edit(project, lambda h: organize.add_track(h, TrackKind.AUDIO, "Music", index=0))
    assert [(t.kind.value, t.name) for t in project.tracks] == [
        ("audio", "Music"), ("video", "V1"), ("audio", "A1"), ("video", "V2")]


def test_add_track_refuses_a_bad_position(fps):
    check_refused(parse("V1:", fps), lambda h: organize.add_track(h, TrackKind.VIDEO, index=5),
                  "no track position 5")


def test_remove_track_unlinks_partners_and_undo_restores_it(fps):
    project = parse("V1: A--b\nA1: A--", fps)
    check_edit(project, lambda h: organize.remove_track(h, "V1"))
    assert render(project) == "A1: a--"


def test_remove_track_refused_when_locked(fps):
    check_refused(parse("V1: a-", fps, locked=("V1",)), lambda h: organize.remove_track(h, "V1"),
                  "track V1 is locked")


def test_move_track(fps):
    project = parse("V1: a\nV2: b\nA1: c", fps)
    check_edit(project, lambda h: organize.move_track(h, "A1", 0))
    assert [t.name for t in project.tracks] == ["A1", "V1", "V2"]
    check_refused(project, lambda h: organize.move_track(h, "V1", 3), "no track position 3")


def test_set_track_flags_and_unlock(fps):
    project = parse("V1: a-", fps, locked=("V1",))
    check_edit(project, lambda h: organize.set_track(h, "V1", name="Main", muted=True, hidden=True, locked=False))
    track = project.track("V1")
    assert (track.name, track.muted, track.hidden, track.locked) == ("Main", True, True, False)
    check_refused(project, lambda h: organize.set_track(h, "V1", name=" "), "a track needs a name")


def test_link_and_unlink(fps):
    project = parse("V1: a---\nA1: .b--\nA2: C-\nV2: C-", fps)
    check_edit(project, lambda h: organize.link(h, ["V1:0", "A1:1", "A2:0"]))
    # A2's clip left its old group, whose last member is unlinked
    assert render(project) == "V1: A---\nA1: .B--\nA2: C-\nV2: c-"
    check_edit(project, lambda h: organize.unlink(h, ["A1:1"]))
    assert render(project) == "V1: a---\nA1: .b--\nA2: c-\nV2: c-"


@pytest.mark.parametrize("ids,message", [
    (["V1:0"], "linking needs at least two clips"),
    (["V1:0", "V1:4"], "linked clips must be on different tracks"),
])
def test_link_refused(fps, ids, message):
    check_refused(parse("V1: a---b-\nA1: c", fps), lambda h: organize.link(h, ids), message)


def test_set_gain_reaches_the_sound_of_a_picture(fps):
    project = parse("V1: A--\nA1: A--b", fps)
    check_edit(project, lambda h: organize.set_gain(h, ["V1:0"], -6.0))
    assert [c.gain_db for c in project.track("A1").clips] == [-6.0, 0.0]
    assert project.track("V1").clips[0].gain_db == 0.0


@pytest.mark.parametrize("ids,gain,message", [
    (["V1:4"], -3.0, "gain applies to sound"),
    (["A1:0"], float("nan"), "gain must be a finite number"),
])
def test_set_gain_refused(fps, ids, gain, message):
    check_refused(parse("V1: A---b\nA1: A---", fps), lambda h: organize.set_gain(h, ids, gain), message)


def test_bin_add_and_remove(fps):
    project = parse("V1:", fps)
    check_edit(project, lambda h: organize.add_media(h, media("m")))
    assert project.bin == [media("m")]
    check_refused(project, lambda h: organize.add_media(h, media("m")), "'m.mp4' is already in the bin")
    check_edit(project, lambda h: organize.remove_media(h, media("m").path))
    assert project.bin == []
    check_refused(project, lambda h: organize.remove_media(h, "/x.mp4"), "/x.mp4 is not in the bin")


def test_relink_points_bin_and_clips_at_the_new_file(fps):
    project = parse("V1: a-b\nA1: .a-", fps)
    project.bin.append(media("a"))
    moved = replace(media("a"), path="/elsewhere/a.mp4")
    check_edit(project, lambda h: organize.relink(h, media("a").path, moved))
    assert project.bin == [moved]
    assert [c.media.path for _, c in project.all_clips()] == [moved.path, media("b").path, moved.path]


@pytest.mark.parametrize("new,message", [
    (replace(media("a"), path="/new/a.mp4", duration=3), r"relinked 'a' would reach past the end of the media"),
    (replace(media("a"), path="/new/a.wav", has_audio=False), "has no sound; it cannot go on audio track A1"),
])
def test_relink_refused(fps, new, message):
    project = parse("V1: a---\nA1: a---", fps)
    check_refused(project, lambda h: organize.relink(h, media("a").path, new), message)


def test_place_media_builds_a_linked_pair(fps):
    project = parse("V1:\nA1:", fps)
    placed = organize.place_media(project, media("m", 10), 5, "V1", "A1", source_start=2)
    assert [(tid, c.start, c.source_start, c.duration) for tid, c in placed] == [("V1", 5, 2, 8), ("A1", 5, 2, 8)]
    assert placed[0][1].link == placed[1][1].link is not None
    silent = organize.place_media(project, media("p", 10, audio=False), 0, "V1", "A1")
    assert [tid for tid, _ in silent] == ["V1"] and silent[0][1].link is None


def test_import_media_makes_tracks_bin_entry_and_linked_pair_in_one_step(fps):
    project = parse("V1: x-", fps, locked=("V1",))
    history = check_edit(project, lambda h: organize.import_media(h, media("m", 3)))
    assert render(project) == "V1: x-\nV2: M--\nA1: M--"
    assert project.bin == [media("m", 3)] and history.undo_name == "Import"
    history.undo()
    assert not history.can_undo


def test_import_media_inserts_at_a_frame(fps):
    project = parse("V1: a---\nA1: a---", fps)
    check_edit(project, lambda h: organize.import_media(h, media("m", 2), at=2, mode="insert",
                                                        video_track_id="V1", audio_track_id="A1"))
    assert render(project) == "V1: a-M-a- | 0 0 2\nA1: a-M-a- | 0 0 2"


@pytest.mark.parametrize("kwargs,message", [
    ({"mode": "splice"}, "unknown placing mode 'splice'"),
    ({"mode": "insert"}, "insert needs a frame"),
])
def test_import_media_refused(fps, kwargs, message):
    check_refused(parse("V1:", fps), lambda h: organize.import_media(h, media("m"), **kwargs), message)
