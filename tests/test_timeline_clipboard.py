"""Copy and paste on the timeline, as before/after drawings (see test_timeline_diagram)."""
from __future__ import annotations

import pytest

from desktop.timeline import edits, organize
from desktop.timeline.clipboard import copy_clips, paste
from desktop.timeline.history import History

from test_timeline_diagram import RATES, check_edit, check_refused, drawing, parse, render


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


CASES = [
    # overwrite: what lies under the pasted clip is cut away
    ("V1: a-----..x-", ["V1:8"], 2, False, "V1: a-x-a-..x- | 0 0 4 0"),
    # insert: everything from the paste point moves right by the copy's length
    ("V1: a-----..x-", ["V1:8"], 2, True, "V1: a-x-a---..x- | 0 0 2 0"),
    # several clips of one track keep their offsets and the gap between them
    ("V1: a-.b-", ["V1:0", "V1:3"], 6, False, "V1: a-.b-.a-.b-"),
    # a linked pair comes with either half, and lands on both of its tracks
    ("V1: A--\nA1: A--", ["A1:0"], 4, False, "V1: A--.A--\nA1: A--.A--"),
    # past the end of the timeline, pasting just extends it
    ("V1: x-", ["V1:0"], 10, False, "V1: x-........x-"),
]


@pytest.mark.parametrize("before,ids,at,insert,after", CASES)
def test_paste(fps, before, ids, at, insert, after):
    project = parse(before, fps)
    copied = copy_clips(project, ids)
    check_edit(project, lambda h: paste(h, copied, at, insert))
    assert render(project) == drawing(after)


def test_a_pasted_pair_is_linked_to_itself_only(fps):
    project = parse("V1: A--\nA1: A--", fps)
    copied = copy_clips(project, ["V1:0"])
    history = History(project)
    first = paste(history, copied, 3)
    second = paste(history, copied, 6)
    links = {c.link for c in first}, {c.link for c in second}, {"A0"}
    assert all(len(group) == 1 for group in links)
    assert len(set.union(*links)) == 3


def test_copying_one_half_without_its_link_pastes_an_unlinked_clip(fps):
    project = parse("V1: A--\nA1: A--", fps)
    copied = copy_clips(project, ["V1:0"], linked=False)
    check_edit(project, lambda h: paste(h, copied, 4))
    assert render(project) == drawing("V1: A--.a--\nA1: A--")


def test_a_copy_outlives_the_clips_it_was_taken_from(fps):
    project = parse("V1: a---b- | 3 0", fps)
    copied = copy_clips(project, ["V1:0"])
    history = History(project)
    edits.remove(history, ["V1:0"])
    edits.split(history, 5, ["V1:4"])
    paste(history, copied, 0)
    assert render(project) == drawing("V1: a---bb | 3 0 1")


@pytest.mark.parametrize("at,change,message", [
    (-1, None, "before frame 0"),
    (4, lambda h: organize.set_track(h, "V1", locked=True), "locked"),
    (4, lambda h: organize.remove_track(h, "A1"), "no audio track 1 to paste 'a' on"),
])
def test_a_refused_paste_leaves_no_trace(fps, at, change, message):
    project = parse("V1: A--\nA1: A--", fps)
    copied = copy_clips(project, ["V1:0"])
    if change is not None:
        change(History(project))
    check_refused(project, lambda h: paste(h, copied, at), message)


def test_in_another_project_clips_land_on_tracks_of_their_kind_in_the_same_places(fps):
    copied = copy_clips(parse("V1: a-\nV2: B-\nA1: B-", fps), ["V2:0"])
    other = parse("V7:\nV8: x---\nA9: y---", fps)
    check_edit(other, lambda h: paste(h, copied, 1))
    assert render(other) == drawing("V7:\nV8: xB-x | 0 0 3\nA9: yB-y | 0 0 3")


def test_two_copied_tracks_that_would_share_one_are_refused(fps):
    project = parse("V1: a-\nV2: b-", fps)
    copied = copy_clips(project, ["V1:0", "V2:0"])
    organize.remove_track(History(project), "V1")  # V2 is now the first video track as well
    check_refused(project, lambda h: paste(h, copied, 4), "copied from are gone")
