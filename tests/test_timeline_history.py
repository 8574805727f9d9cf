"""The undo history: all-or-nothing transactions, nesting, listeners, merged drags, saved state."""
from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.timeline import edits, trims
from desktop.timeline.changes import EditError, PutClip, RemoveClip, SetProject
from desktop.timeline.history import History, HistoryEvent

from test_timeline_diagram import parse, render


def test_an_error_midway_rolls_back_every_change():
    project = parse("V1: a---b--\nA1: c-")
    before = project.state()
    history = History(project)
    with pytest.raises(ZeroDivisionError):
        with history.transaction("Broken"):
            history.apply(RemoveClip("V1", "V1:0"))
            history.apply(SetProject((("name", "Changed"),)))
            edits.split(history, 5)
            1 / 0
    assert project.state() == before and not history.can_undo


def test_a_refused_primitive_rolls_back_the_changes_before_it():
    project = parse("V1: a---b--")
    before = project.state()
    history = History(project)
    b = project.clip("V1:4")
    with pytest.raises(EditError, match="clip would overlap 'a' on V1 at frame 2"):
        with history.transaction("Bad move"):
            history.apply(RemoveClip("V1", b.id))
            history.apply(PutClip("V1", replace(b, start=2)))
    assert project.state() == before


def test_a_caught_inner_failure_undoes_only_the_inner_part():
    project = parse("V1: a---b--")
    history = History(project)
    with history.transaction("Outer"):
        edits.move(history, "V1:4", 2)
        try:
            with history.transaction("Inner"):
                edits.remove(history, ["V1:0"])
                edits.move(history, "V1:6", -10)
        except EditError:
            pass
    assert render(project) == "V1: a---..b--"
    assert history.undo() == "Outer"
    assert render(project) == "V1: a---b--"


def test_each_edit_is_one_named_step_and_listeners_hear_every_change():
    project = parse("V1: a---b--")
    history = History(project)
    events: list[HistoryEvent] = []
    unsubscribe = history.subscribe(events.append)
    edits.split(history, 2)
    trims.slip(history, "V1:4", 1)
    assert (history.undo_name, history.can_redo) == ("Slip", False)
    history.undo()
    assert history.redo_name == "Slip"
    history.redo()
    unsubscribe()
    history.undo()
    assert events == [HistoryEvent("do", "Split"), HistoryEvent("do", "Slip"),
                      HistoryEvent("undo", "Slip"), HistoryEvent("redo", "Slip")]


def test_a_refused_edit_notifies_nobody():
    history = History(parse("V1: a---b--"))
    events = []
    history.subscribe(events.append)
    with pytest.raises(EditError):
        edits.move(history, "V1:4", -1)
    assert events == []


def test_a_drag_merges_into_one_undo_step():
    project = parse("V1: a-......")
    history = History(project)
    events = []
    history.subscribe(events.append)
    for _ in range(3):
        with history.transaction("Move", merge="drag-1"):
            edits.move(history, "V1:0", 2)
    assert render(project) == "V1: ......a-"
    assert [e.merged for e in events] == [False, True, True]
    history.undo()
    assert render(project) == "V1: a-" and not history.can_undo
    history.redo()
    assert render(project) == "V1: ......a-"
    with history.transaction("Move", merge="drag-2"):
        edits.move(history, "V1:0", -1)
    history.undo()
    assert render(project) == "V1: ......a-"


def test_no_merge_after_an_undo():
    project = parse("V1: a-......")
    history = History(project)
    for _ in range(2):
        with history.transaction("Move", merge="drag"):
            edits.move(history, "V1:0", 1)
        history.undo()
        history.redo()
    history.undo()
    assert render(project) == "V1: .a-"


def test_modified_follows_the_saved_step():
    history = History(parse("V1: a---"))
    assert not history.modified
    trims.slip(history, "V1:0", 1)
    assert history.modified
    history.mark_saved()
    assert not history.modified
    history.undo()
    assert history.modified
    history.redo()
    assert not history.modified
    with history.transaction("Slip", merge="drag"):
        trims.slip(history, "V1:0", 1)
    history.mark_saved()
    with history.transaction("Slip", merge="drag"):
        trims.slip(history, "V1:0", 1)
    assert history.modified


def test_empty_transactions_make_no_step_and_misuse_is_refused():
    history = History(parse("V1: a---"))
    with history.transaction("Nothing"):
        pass
    assert not history.can_undo
    with pytest.raises(RuntimeError, match="inside history.transaction"):
        history.apply(SetProject((("name", "x"),)))
    with pytest.raises(IndexError, match="nothing to undo"):
        history.undo()
    trims.slip(history, "V1:0", 1)
    with history.transaction("Open"):
        with pytest.raises(RuntimeError, match="cannot undo inside a transaction"):
            history.undo()
