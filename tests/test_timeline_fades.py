"""Fades: set as one undo step, refused when they don't fit, kept on their edge through cuts."""
from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.timeline import edits, organize, trims
from desktop.timeline.clipboard import copy_clips, paste
from desktop.timeline.history import History

from test_timeline_diagram import RATES, check_edit, check_refused, parse


@pytest.fixture(params=RATES, ids=str)
def fps(request):
    return request.param


def fades(project, track="V1"):
    return [(c.start, c.fade_in, c.fade_out) for c in project.track(track).clips]


def test_fades_apply_to_linked_partners_as_one_step(fps):
    project = parse("V1: A-----\nA1: A-----", fps)
    check_edit(project, lambda h: organize.set_fades(h, ["V1:0"], fade_in=2, fade_out=3))
    assert fades(project) == fades(project, "A1") == [(0, 2, 3)]


def test_none_leaves_a_fade_as_it_is(fps):
    project = parse("V1: a-----", fps)
    history = History(project)
    organize.set_fades(history, ["V1:0"], fade_in=2, fade_out=3)
    organize.set_fades(history, ["V1:0"], fade_out=1)
    assert fades(project) == [(0, 2, 1)]


@pytest.mark.parametrize("fade_in,fade_out,message", [
    (4, 3, "do not fit"),
    (-1, None, "whole number"),
    (1.5, None, "whole number"),
])
def test_fades_that_do_not_fit_are_refused(fps, fade_in, fade_out, message):
    check_refused(parse("V1: a-----", fps), lambda h: organize.set_fades(h, ["V1:0"], fade_in, fade_out),
                  message)


def test_a_locked_partner_refuses_the_fade(fps):
    project = parse("V1: A-----\nA1: A-----", fps, locked=("A1",))
    check_refused(project, lambda h: organize.set_fades(h, ["V1:0"], fade_in=2), "locked")


def _faded(fps, text="V1: a---------"):
    project = parse(text, fps)
    track = project.track("V1")
    track.clips[0] = replace(track.clips[0], fade_in=2, fade_out=3)
    return project


def test_a_split_leaves_each_piece_the_fade_of_its_outer_edge(fps):
    project = _faded(fps)
    check_edit(project, lambda h: edits.split(h, 5))
    assert fades(project) == [(0, 2, 0), (5, 0, 3)]


def test_an_insert_inside_the_clip_cuts_it_like_a_split(fps):
    project = _faded(fps)
    check_edit(project, lambda h: paste(h, copy_clips(parse("V1: x-", fps), ["V1:0"]), 4, insert=True))
    assert fades(project) == [(0, 2, 0), (4, 0, 0), (6, 0, 3)]


def test_an_overwrite_inside_the_clip_leaves_the_outer_fades(fps):
    project = _faded(fps)
    check_edit(project, lambda h: paste(h, copy_clips(parse("V1: x-", fps), ["V1:0"]), 4))
    assert fades(project) == [(0, 2, 0), (4, 0, 0), (6, 0, 3)]


def test_trims_keep_the_fade_on_their_edge(fps):
    project = _faded(fps, "V1: a---------")
    history = History(project)
    trims.trim_out(history, "V1:0", -4)
    trims.trim_in(history, "V1:0", 1)
    assert fades(project) == [(1, 2, 3)]


def test_a_trim_shorter_than_the_fades_shortens_them(fps):
    project = _faded(fps, "V1: a-----")
    check_edit(project, lambda h: trims.trim_out(h, "V1:0", -3))
    assert fades(project) == [(0, 2, 1)]
    check_edit(project, lambda h: trims.trim_in(h, "V1:0", 2))
    assert fades(project) == [(2, 1, 0)]
