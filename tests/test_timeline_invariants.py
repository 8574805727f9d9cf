"""The invariant check catches each kind of broken project (built by hand, bypassing the edits)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.timeline import invariants
from desktop.timeline.model import Track, TrackKind

from test_timeline_diagram import media, parse


def broken(change) -> None:
    project = parse("V1: A---b-\nA1: A---\nV2: c-")
    invariants.check(project)
    change(project)
    return project


@pytest.mark.parametrize("change,message", [
    (lambda p: p.track("V1").clips.reverse(), "before the previous clip ends"),
    (lambda p: p.track("V1").clips.__setitem__(1, replace(p.clip("V1:4"), start=3)), "before the previous clip ends"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), duration=0)), "duration 0"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), start=-1)), "starts at -1"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), source_start=39)), "outside media of 40 frames"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), source_start=-1)), "outside media"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), start=1.0)), "must be integers"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), media=media("c", video=False))), "media has no picture"),
    (lambda p: p.track("A1").clips.__setitem__(0, replace(p.clip("A1:0"), media=media("a", audio=False))), "media has no sound"),
    (lambda p: p.track("A1").clips.clear(), "has a single clip"),
    (lambda p: p.track("V1").clips.__setitem__(1, replace(p.clip("V1:4"), link="A0")), "two clips on one track"),
    (lambda p: p.track("V2").clips.__setitem__(0, replace(p.clip("V2:0"), id="V1:0")), "two clips have id V1:0"),
    (lambda p: p.tracks.append(Track(TrackKind.AUDIO, "A2", id="V1")), "two tracks have id V1"),
    (lambda p: p.bin.extend([media("a"), media("a")]), "the bin lists a file twice"),
])
def test_each_violation_is_reported(change, message):
    project = broken(change)
    with pytest.raises(invariants.InvariantError, match=message):
        invariants.check(project)
    with pytest.raises(AssertionError):
        invariants.check(project)
