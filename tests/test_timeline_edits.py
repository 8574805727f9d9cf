"""Tables of before/after cases for insert, overwrite, append, remove, ripple delete, move, split.

Each case runs at 24 and 30000/1001 fps; `check_edit` also proves undo and redo restore the
exact states, and `check_refused` that a refused edit leaves no trace.
"""
from __future__ import annotations

import pytest

from desktop.timeline import edits
from desktop.timeline.model import Clip

from test_timeline_diagram import RATES, check_edit, check_refused, drawing, media, parse, render


def clip(letter: str, start: int, duration: int, source: int = 0, link: str | None = None, frames: int = 40) -> Clip:
    name = letter.lower()
    return Clip(media(name, frames), start, source, duration, name=name, link=link)


def pair(letter: str, start: int, duration: int) -> list[tuple[str, Clip]]:
    return [("V1", clip(letter, start, duration, link="new")), ("A1", clip(letter, start, duration, link="new"))]


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


def run_case(fps, before, edit, after, medias=None):
    project = parse(before, fps, medias)
    check_edit(project, edit)
    assert render(project) == drawing(after)
    return project


INSERT = [
    ("V1: a---b--", [("V1", clip("x", 2, 4))], "V1: a-x---a-b-- | 0 0 2 0"),
    ("V1: a---b--", [("V1", clip("x", 4, 3))], "V1: a---x--b--"),
    ("V1: ....a-", [("V1", clip("x", 1, 2))], "V1: .x-...a-"),
    # a linked pair pushes both of its tracks
    ("V1: A---b--\nA1: A---..c", pair("x", 4, 2), "V1: A---X-b--\nA1: A---X-..c"),
    # a pushed clip drags its partner's track along, so the pair stays in sync
    ("V1: a-B--\nA1: ..B--", [("V1", clip("x", 1, 3))], "V1: ax--aB-- | 0 0 1 0\nA1: .....B--"),
    # a linked clip under the insert point is cut on both tracks; the right parts stay linked
    ("V1: A---\nA1: A---", [("V1", clip("x", 2, 1))], "V1: A-xA- | 0 0 2\nA1: A-.A- | 0 2"),
]


@pytest.mark.parametrize("before,placed,after", INSERT)
def test_insert(fps, before, placed, after):
    run_case(fps, before, lambda h: edits.insert(h, placed), after)


def test_insert_keeps_split_pieces_linked_to_each_other(fps):
    project = run_case(fps, "V1: A---\nA1: A---", lambda h: edits.insert(h, [("V1", clip("x", 2, 1))]),
                       "V1: A-xA- | 0 0 2\nA1: A-.A- | 0 2")
    (l1, _, r1), (l2, r2) = project.track("V1").clips, project.track("A1").clips
    assert l1.link == l2.link and r1.link == r2.link and l1.link != r1.link


INSERT_REFUSED = [
    ("V1: a---", [("V1", clip("x", 0, 2))], ("V1",), "track V1 is locked"),
    ("V1: a-B--\nA1: ..B--", [("V1", clip("x", 1, 2))], ("A1",), "track A1 is locked"),
    ("V1: a---", [("V1", clip("x", 0, 7, frames=6))], (), r"'x' would run past the end of the media \('x.mp4' has 6 frames\)"),
    ("V1: a---", [("V1", clip("x", 0, 3, source=-1))], (), "'x' would run past the start of the media"),
    ("V1: a---", [("V1", clip("x", -1, 3))], (), "would run past frame 0"),
    ("V1: a---", [("V1", clip("x", 0, 0))], (), "would leave 'x' with no frames"),
    ("V1: a---", [("V2", clip("x", 0, 2))], (), "no track with id 'V2'"),
    ("V1: a---", [], (), "no clips given"),
    ("V1: a---", [("V1", clip("x", 0, 2, link="solo"))], (), "a link must join new clips to each other only"),
    ("V1: A---\nA1: A---", [("V1", clip("x", 0, 2, link="A0"))], (), "a link must join new clips"),
    ("A1: a---", [("A1", Clip(media("s", video=True, audio=False), 0, 0, 2, "s"))], (),
     "'s.mp4' has no sound; it cannot go on audio track A1"),
]


@pytest.mark.parametrize("before,placed,locked,message", INSERT_REFUSED)
def test_insert_refused(fps, before, placed, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.insert(h, placed), message)


def test_insert_refuses_a_clip_id_already_used(fps):
    project = parse("V1: a---", fps)
    existing = project.track("V1").clips[0]
    check_refused(project, lambda h: edits.insert(h, [("V1", existing)]), "already in the project")


OVERWRITE = [
    ("V1: a---b---", [("V1", clip("x", 2, 3))], "V1: a-x--b-- | 0 0 1"),
    ("V1: a-------", [("V1", clip("x", 3, 2))], "V1: a--x-a-- | 0 0 5"),
    ("V1: a-..b-c-", [("V1", clip("x", 1, 6))], "V1: ax-----c | 0 0 1"),
    ("V1: a-", [("V1", clip("x", 4, 2))], "V1: a-..x-"),
    # overwriting all of a linked picture leaves its sound alone, unlinked
    ("V1: A--\nA1: A--", [("V1", clip("x", 0, 4))], "V1: x---\nA1: a--"),
]


@pytest.mark.parametrize("before,placed,after", OVERWRITE)
def test_overwrite(fps, before, placed, after):
    run_case(fps, before, lambda h: edits.overwrite(h, placed), after)


def test_overwrite_refused_on_locked_track(fps):
    check_refused(parse("V1: a---", fps, locked=("V1",)),
                  lambda h: edits.overwrite(h, [("V1", clip("x", 0, 2))]), "track V1 is locked")


APPEND = [
    ("V1: a---.b-", [("V1", clip("x", 0, 3))], "V1: a---.b-x--"),
    ("V1:", [("V1", clip("x", 9, 2))], "V1: x-"),
    ("V1: a---\nA1: b-", pair("x", 0, 3), "V1: a---X--\nA1: b-..X--"),
]


@pytest.mark.parametrize("before,placed,after", APPEND)
def test_append(fps, before, placed, after):
    run_case(fps, before, lambda h: edits.append(h, placed), after)


def test_append_refused_past_media_end(fps):
    check_refused(parse("V1: a-", fps), lambda h: edits.append(h, [("V1", clip("x", 0, 5, frames=4))]),
                  "past the end of the media")


REMOVE = [
    ("V1: a---b--c-", ["V1:4"], True, "V1: a---...c-"),
    ("V1: a-b-c-", ["V1:0", "V1:4"], True, "V1: ..b-"),
    ("V1: A--b\nA1: A--", ["V1:0"], True, "V1: ...b\nA1:"),
    ("V1: A--b\nA1: A--", ["V1:0"], False, "V1: ...b\nA1: a--"),
]


@pytest.mark.parametrize("before,ids,linked,after", REMOVE)
def test_remove(fps, before, ids, linked, after):
    run_case(fps, before, lambda h: edits.remove(h, ids, linked), after)


@pytest.mark.parametrize("before,ids,locked,message", [
    ("V1: a---", ["V1:0"], ("V1",), "track V1 is locked"),
    ("V1: A---\nA1: A---", ["V1:0"], ("A1",), "track A1 is locked"),
    ("V1: a---", ["V1:1"], (), "no clip with id 'V1:1'"),
    ("V1: a---", [], (), "no clips given"),
])
def test_remove_refused(fps, before, ids, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.remove(h, ids), message)


RIPPLE_DELETE = [
    ("V1: a---b--c-", ["V1:4"], "V1: a---c-"),
    ("V1: a-b-c-d-", ["V1:2", "V1:6"], "V1: a-c-"),
    ("V1: a-..b-", ["V1:0"], "V1: ..b-"),
    ("V1: A-B--C-\nA1: A-B--C-", ["V1:2"], "V1: A-C-\nA1: A-C-"),
    # a pulled clip brings its partner on another track with it
    ("V1: a-b--C-\nA1: .....C-", ["V1:2"], "V1: a-C-\nA1: ..C-"),
]


@pytest.mark.parametrize("before,ids,after", RIPPLE_DELETE)
def test_ripple_delete(fps, before, ids, after):
    run_case(fps, before, lambda h: edits.ripple_delete(h, ids), after)


@pytest.mark.parametrize("before,ids,locked,message", [
    ("V1: a-b--C-\nA1: d----C-", ["V1:2"], (), "clip would overlap 'd' on A1 at frame 2"),
    ("V1: a-b--C-\nA1: .....C-", ["V1:2"], ("A1",), "track A1 is locked"),
])
def test_ripple_delete_refused(fps, before, ids, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.ripple_delete(h, ids), message)


CLOSE_GAP = [
    ("V1: a-...b-c", 3, "V1: a-b-c"),
    ("V1: ..a-", 0, "V1: a-"),  # the space before the first clip is a gap too
    # a pulled clip brings its partner on another track with it
    ("V1: a-..B-\nA1: ....B-", 2, "V1: a-B-\nA1: ..B-"),
]


@pytest.mark.parametrize("before,frame,after", CLOSE_GAP)
def test_close_gap(fps, before, frame, after):
    run_case(fps, before, lambda h: edits.close_gap(h, "V1", frame), after)


@pytest.mark.parametrize("before,frame,locked,message", [
    ("V1: a-..B-\nA1: c---B-", 2, (), "clip would overlap 'c' on A1 at frame 2"),
    ("V1: a-..b-", 1, (), "no gap at frame 1 on V1"),
    ("V1: a-..b-", 6, (), "no gap at frame 6 on V1"),  # after the last clip: nothing to pull
    ("V1: a-..b-", 2, ("V1",), "track V1 is locked"),
])
def test_close_gap_refused(fps, before, frame, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.close_gap(h, "V1", frame), message)


RANGES = [
    ("V1: a---b-", 2, 4, "V1: a-..b-", "V1: a-b-"),
    # every unlocked track at once; what lies inside the range goes, a clip across an end is cut
    ("V1: a-----\nA1: .b-c--", 2, 5, "V1: a-...a | 0 5\nA1: .b...c | 0 2", "V1: a-a | 0 5\nA1: .bc | 0 2"),
    # a linked pair cut in three keeps a linked pair on each side
    ("V1: A-----\nA1: A-----", 2, 4, "V1: A-..A- | 0 4\nA1: A-..A- | 0 4", "V1: A-A- | 0 4\nA1: A-A- | 0 4"),
]


@pytest.mark.parametrize("before,start,end,lifted,extracted", RANGES)
def test_lift_and_extract(fps, before, start, end, lifted, extracted):
    run_case(fps, before, lambda h: edits.lift(h, start, end), lifted)
    run_case(fps, before, lambda h: edits.extract(h, start, end), extracted)


def test_a_pair_cut_by_a_lift_is_two_pairs(fps):
    project = run_case(fps, "V1: A-----\nA1: A-----", lambda h: edits.lift(h, 2, 4),
                       "V1: A-..A- | 0 4\nA1: A-..A- | 0 4")
    (l1, r1), (l2, r2) = project.track("V1").clips, project.track("A1").clips
    assert l1.link == l2.link and r1.link == r2.link and l1.link != r1.link


@pytest.mark.parametrize("before,start,end,locked,message", [
    ("V1: a---", 3, 3, (), "mark an in and an out"),
    ("V1: a---", -1, 2, (), "mark an in and an out"),
    ("V1: a---", 1, 2, ("V1",), "every track is locked"),
    # a clip that would move left has its partner on a locked track
    ("V1: a---B-\nA1: ....B-", 1, 2, ("A1",), "track A1 is locked"),
])
def test_lift_and_extract_refused(fps, before, start, end, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.extract(h, start, end), message)


MOVE = [
    ("V1: a---..b--", "V1:6", -2, None, True, "V1: a---b--"),
    ("V1: a---b--", "V1:0", 8, None, True, "V1: ....b--.a---"),
    ("V1: a---b--\nV2:", "V1:4", 1, "V2", True, "V1: a---\nV2: .....b--"),
    ("V1: A--\nA1: A--", "V1:0", 2, None, True, "V1: ..A--\nA1: ..A--"),
    ("V1: A--\nV2:\nA1: A--", "V1:0", 1, "V2", True, "V1:\nV2: .A--\nA1: .A--"),
    ("V1: A--\nA1: A--", "A1:0", 3, None, True, "V1: ...A--\nA1: ...A--"),
    ("V1: A--\nA1: A--", "V1:0", 2, None, False, "V1: ..A--\nA1: A--"),
    # a clip may move into space it partly occupied
    ("V1: a-..b", "V1:0", 1, None, True, "V1: .a-.b"),
]


@pytest.mark.parametrize("before,cid,delta,track,linked,after", MOVE)
def test_move(fps, before, cid, delta, track, linked, after):
    run_case(fps, before, lambda h: edits.move(h, cid, delta, track, linked), after)


@pytest.mark.parametrize("before,cid,delta,track,locked,message", [
    ("V1: a---b--", "V1:4", -2, None, (), "clip would overlap 'a' on V1 at frame 2"),
    ("V1: a---", "V1:0", -1, None, (), "'a' would start before frame 0"),
    ("V1: a---\nA1:", "V1:0", 0, "A1", (), "cannot move 'a' from video track V1 to audio track A1"),
    ("V1: A--..\nA1: A--c", "V1:0", 1, None, (), "clip would overlap 'c' on A1 at frame 3"),
    ("V1: A--\nA1: A--", "V1:0", 1, None, ("A1",), "track A1 is locked"),
    ("V1: a--\nV2:", "V1:0", 1, "V2", ("V2",), "track V2 is locked"),
    ("V1: a--\nV2: ..b", "V1:0", 0, "V2", (), "clip would overlap 'b' on V2 at frame 2"),
    ("V1: A-\nV2: A-", "V1:0", 3, "V2", (), "'a' is linked to a clip on V2; unlink them to move it there"),
])
def test_move_refused(fps, before, cid, delta, track, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.move(h, cid, delta, track), message)


SPLIT = [
    ("V1: a-------", 4, None, True, "V1: a---a--- | 0 4"),
    ("V1: a-----\nV2: ..b---\nA1: c-", 3, None, True, "V1: a--a-- | 0 3\nV2: ..bb-- | 0 1\nA1: c-"),
    ("V1: A-----\nA1: A-----", 2, ["V1:0"], True, "V1: A-A--- | 0 2\nA1: A-A--- | 0 2"),
    ("V1: A-----\nA1: A-----", 2, ["V1:0"], False, "V1: A-a--- | 0 2\nA1: A-----"),
    ("V1: a-b---", 3, ["V1:2"], True, "V1: a-bb-- | 0 0 1"),
]


@pytest.mark.parametrize("before,frame,ids,linked,after", SPLIT)
def test_split(fps, before, frame, ids, linked, after):
    run_case(fps, before, lambda h: edits.split(h, frame, ids, linked), after)


def test_split_makes_a_new_group_of_the_right_parts(fps):
    project = parse("V1: A-----\nA1: A-----", fps)
    history = check_edit(project, lambda h: edits.split(h, 2))
    (vl, vr), (al, ar) = project.track("V1").clips, project.track("A1").clips
    assert vl.link == al.link and vr.link == ar.link and vl.link != vr.link
    assert (vl.id, al.id) == ("V1:0", "A1:0")
    assert history.undo_name == "Split"


def test_split_of_all_tracks_skips_locked_ones(fps):
    project = parse("V1: a---\nA1: b---", fps, locked=("A1",))
    check_edit(project, lambda h: edits.split(h, 2))
    assert render(project) == "V1: a-a- | 0 2\nA1: b---"


@pytest.mark.parametrize("before,frame,ids,locked,message", [
    ("V1: a---", 0, ["V1:0"], (), r"frame 0 is not inside 'a' \(frames 0-3\)"),
    ("V1: a---", 4, ["V1:0"], (), "frame 4 is not inside 'a'"),
    ("V1: a---", 9, None, (), "no clip to split at frame 9"),
    ("V1: a---", 2, None, ("V1",), "no clip to split at frame 2"),
    ("V1: A---\nA1: A---", 2, ["V1:0"], ("A1",), "track A1 is locked"),
])
def test_split_refused(fps, before, frame, ids, locked, message):
    check_refused(parse(before, fps, locked=locked), lambda h: edits.split(h, frame, ids), message)
