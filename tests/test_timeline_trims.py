"""Tables of before/after cases for trim in/out, ripple trims, roll and slip (24 and 30000/1001 fps)."""
from __future__ import annotations

import pytest

from desktop.timeline import trims

from test_timeline_diagram import RATES, check_edit, check_refused, drawing, media, parse, render


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


def run_case(fps, before, edit, after, medias=None):
    project = parse(before, fps, medias)
    check_edit(project, edit)
    assert render(project) == drawing(after)


SHORT_A = {"a": media("a", 6)}  # a 6-frame file, to reach its end

# (before, clip id, delta, linked, after)
TRIM_IN = [
    ("V1: a-----", "V1:0", 2, True, "V1: ..a--- | 2"),
    ("V1: ..a--- | 2", "V1:2", -2, True, "V1: a-----"),
    ("V1: a-..b--- | 0 2", "V1:4", -2, True, "V1: a-b-----"),
    ("V1: A---\nA1: A---", "V1:0", 1, True, "V1: .A-- | 1\nA1: .A-- | 1"),
    ("V1: A---\nA1: A---", "A1:0", 1, False, "V1: A---\nA1: .A-- | 1"),
]


@pytest.mark.parametrize("before,cid,delta,linked,after", TRIM_IN)
def test_trim_in(fps, before, cid, delta, linked, after):
    run_case(fps, before, lambda h: trims.trim_in(h, cid, delta, linked), after)


TRIM_OUT = [
    ("V1: a-----b-", "V1:0", -2, True, "V1: a---..b-"),
    ("V1: a-..b-", "V1:0", 2, True, "V1: a---b-"),
    ("V1: A--\nA1: A--", "A1:0", 2, True, "V1: A----\nA1: A----"),
]


@pytest.mark.parametrize("before,cid,delta,linked,after", TRIM_OUT)
def test_trim_out(fps, before, cid, delta, linked, after):
    run_case(fps, before, lambda h: trims.trim_out(h, cid, delta, linked), after)


@pytest.mark.parametrize("edit,before,cid,delta,locked,message", [
    (trims.trim_in, "V1: a-----", "V1:0", -1, (), "trim past frame 0"),
    (trims.trim_in, "V1: .a--", "V1:1", -1, (), "trim past the start of the media"),
    (trims.trim_in, "V1: a-b--- | 0 2", "V1:2", -1, (), "clip would overlap 'a' on V1 at frame 1"),
    (trims.trim_in, "V1: a-----", "V1:0", 6, (), "trim would leave 'a' with no frames"),
    (trims.trim_in, "V1: A---\nA1: A---", "V1:0", 1, ("A1",), "track A1 is locked"),
    (trims.trim_out, "V1: a-----", "V1:0", 1, (), r"trim past the end of the media \('a.mp4' has 6 frames\)"),
    (trims.trim_out, "V1: a-b-", "V1:0", 1, (), "clip would overlap 'b' on V1 at frame 2"),
    (trims.trim_out, "V1: a-b-", "V1:0", -2, (), "trim would leave 'a' with no frames"),
    (trims.trim_out, "V1: A-..\nA1: A-c-", "V1:0", 1, (), "clip would overlap 'c' on A1 at frame 2"),
    (trims.trim_out, "V1: a-", "V1:0", 1, ("V1",), "track V1 is locked"),
])
def test_trims_refused(fps, edit, before, cid, delta, locked, message):
    project = parse(before, fps, SHORT_A, locked=locked)
    check_refused(project, lambda h: edit(h, cid, delta), message)


SLIP = [
    ("V1: .a---.", "V1:1", 3, "V1: .a--- | 3"),
    ("V1: a--- | 3", "V1:0", -3, "V1: a---"),
    ("V1: A---\nA1: A--- | 1", "V1:0", 2, "V1: A--- | 2\nA1: A--- | 3"),
]


@pytest.mark.parametrize("before,cid,delta,after", SLIP)
def test_slip(fps, before, cid, delta, after):
    run_case(fps, before, lambda h: trims.slip(h, cid, delta), after)


@pytest.mark.parametrize("before,delta,message", [
    ("V1: a---", -1, "slip past the start of the media"),
    ("V1: a---", 3, r"slip past the end of the media \('a.mp4' has 6 frames\)"),
])
def test_slip_refused(fps, before, delta, message):
    check_refused(parse(before, fps, SHORT_A), lambda h: trims.slip(h, "V1:0", delta), message)


RIPPLE_TRIM_OUT = [
    ("V1: a---b-", "V1:0", 2, "V1: a-----b-"),
    ("V1: a---b-", "V1:0", -2, "V1: a-b-"),
    ("V1: a---..b-", "V1:0", -1, "V1: a--..b-"),
    # the pair is trimmed together and a partner further on keeps in step
    ("V1: A---b-\nA1: A---C-\nV2: ....C-", "V1:0", 1, "V1: A----b-\nA1: A----C-\nV2: .....C-"),
]


@pytest.mark.parametrize("before,cid,delta,after", RIPPLE_TRIM_OUT)
def test_ripple_trim_out(fps, before, cid, delta, after):
    run_case(fps, before, lambda h: trims.ripple_trim_out(h, cid, delta), after)


RIPPLE_TRIM_IN = [
    ("V1: a-----b-", "V1:0", 2, "V1: a---b- | 2 0"),
    ("V1: a---b- | 2 0", "V1:0", -2, "V1: a-----b-"),
    ("V1: A--b\nA1: A--", "A1:0", 1, "V1: A-b | 1 0\nA1: A- | 1"),
]


@pytest.mark.parametrize("before,cid,delta,after", RIPPLE_TRIM_IN)
def test_ripple_trim_in(fps, before, cid, delta, after):
    run_case(fps, before, lambda h: trims.ripple_trim_in(h, cid, delta), after)


@pytest.mark.parametrize("edit,before,delta,locked,message", [
    (trims.ripple_trim_out, "V1: a---B-\nA1: ..d-B-", -2, (), "clip would overlap 'd' on A1 at frame 2"),
    (trims.ripple_trim_out, "V1: a---B-\nA1: ....B-", 1, ("A1",), "track A1 is locked"),
    (trims.ripple_trim_out, "V1: a---", 3, (), "trim past the end of the media"),
    (trims.ripple_trim_in, "V1: a---", -1, (), "trim past the start of the media"),
    (trims.ripple_trim_in, "V1: a---", 4, (), "trim would leave 'a' with no frames"),
])
def test_ripple_trims_refused(fps, edit, before, delta, locked, message):
    check_refused(parse(before, fps, SHORT_A, locked=locked), lambda h: edit(h, "V1:0", delta), message)


ROLL = [
    ("V1: a---b---", "V1:0", 2, "V1: a-----b- | 0 2"),
    ("V1: a---b--- | 0 2", "V1:0", -2, "V1: a-b-----"),
    ("V1: A---B---\nA1: A---B---", "V1:0", 1, "V1: A----B-- | 0 1\nA1: A----B-- | 0 1"),
    ("V1: c-a---b--- | 0 0 2", "V1:2", -1, "V1: c-a--b---- | 0 0 1"),
]


@pytest.mark.parametrize("before,cid,delta,after", ROLL)
def test_roll(fps, before, cid, delta, after):
    run_case(fps, before, lambda h: trims.roll(h, cid, delta), after)


@pytest.mark.parametrize("before,delta,locked,message", [
    ("V1: a---.b--", 1, (), "no clip right after 'a' on V1: nothing to roll"),
    ("V1: a---b---", -1, (), "roll past the start of the media"),
    ("V1: a-b-", 2, (), "roll would leave 'b' with no frames"),
    ("V1: a-----b--", 1, (), "roll past the end of the media"),
    ("V1: a---b---", 1, ("V1",), "track V1 is locked"),
])
def test_roll_refused(fps, before, delta, locked, message):
    check_refused(parse(before, fps, SHORT_A, locked=locked), lambda h: trims.roll(h, "V1:0", delta), message)


def test_zero_deltas_make_no_undo_step(fps):
    project = parse("V1: a---b---", fps)
    from desktop.timeline.history import History
    history = History(project)
    for edit in (trims.trim_in, trims.trim_out, trims.slip, trims.ripple_trim_in, trims.ripple_trim_out, trims.roll):
        edit(history, "V1:0", 0)
    assert not history.can_undo
