"""Random sequences of edits (many refused on purpose) keep every invariant, refused edits leave
no trace, undoing everything returns the original exactly and redoing everything the final state."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.timeline import edits, invariants, organize, trims
from desktop.timeline.clipboard import copy_clips, paste
from desktop.timeline.changes import EditError
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Project, TrackKind

from test_timeline_diagram import media, parse

START = """
V1: A---..b--C-----
V2: ...d---
A1: A---.....C-----
A2: e-----
"""
LETTERS = "mnpq"


def _clip(project: Project, n: int) -> Clip | None:
    clips = [c for _, c in project.all_clips()]
    return clips[n % len(clips)] if clips else None


def _track_id(project: Project, n: int, kind: TrackKind | None = None) -> str | None:
    tracks = [t for t in project.tracks if kind is None or t.kind is kind]
    return tracks[n % len(tracks)].id if tracks else None


def _new_clips(project: Project, a: int, b: int, c: int, d: int) -> list[tuple[str, Clip]]:
    m = media(LETTERS[a % 4], duration=6 + a % 9, audio=a % 3 != 0)
    video = _track_id(project, b, TrackKind.VIDEO)
    audio = _track_id(project, b + 1, TrackKind.AUDIO) if b % 2 else None
    if video is None and audio is None:
        video = _track_id(project, b)
    return organize.place_media(project, m, c % 30 - 2, video, audio, source_start=d % 5, duration=1 + c % 8)


def apply_op(h: History, op: tuple[str, int, int, int, int]) -> None:
    """Interpret one random op against the current project (ids chosen from what exists)."""
    name, a, b, c, d = op
    p = h.project
    clip = _clip(p, a)
    cid = clip.id if clip else "none"
    delta = b % 13 - 6
    if name in ("insert", "overwrite", "append"):
        getattr(edits, name)(h, _new_clips(p, a, b, c, d))
    elif name == "remove":
        edits.remove(h, [cid], linked=bool(d % 2))
    elif name == "ripple_delete":
        edits.ripple_delete(h, [cid], linked=bool(d % 2))
    elif name == "move":
        kind = p.track_of(cid).kind if clip else None
        edits.move(h, cid, delta, _track_id(p, c, kind) if d % 2 else None, linked=bool(d % 3))
    elif name == "split":
        edits.split(h, c % 30, [cid] if d % 2 and clip else None, linked=bool(d % 3))
    elif name in ("trim_in", "trim_out", "slip", "ripple_trim_in", "ripple_trim_out", "roll"):
        getattr(trims, name)(h, cid, delta, linked=bool(d % 3))
    elif name == "add_track":
        organize.add_track(h, TrackKind.VIDEO if a % 2 else TrackKind.AUDIO, index=b % (len(p.tracks) + 2))
    elif name == "remove_track":
        organize.remove_track(h, _track_id(p, a) or "none")
    elif name == "move_track":
        organize.move_track(h, _track_id(p, a) or "none", b % (len(p.tracks) + 1))
    elif name == "lock":
        organize.set_track(h, _track_id(p, a) or "none", locked=bool(b % 2), muted=bool(c % 2))
    elif name == "link":
        other = _clip(p, b)
        organize.link(h, [cid, other.id if other else "none"])
    elif name == "unlink":
        organize.unlink(h, [cid])
    elif name == "gain":
        organize.set_gain(h, [cid], float(delta))
    elif name == "enable":
        organize.set_enabled(h, [cid], bool(b % 2), linked=bool(d % 2))
    elif name == "rename":
        organize.rename_clip(h, [cid], LETTERS[b % 4] * (c % 3), linked=bool(d % 2))
    elif name in ("lift", "extract"):
        getattr(edits, name)(h, b % 25 - 2, b % 25 - 2 + c % 8)
    elif name == "marker":
        if d % 3 == 0:
            organize.remove_marker(h, c % 30 - 2)
        else:
            organize.add_marker(h, c % 30 - 2, "m" if b % 2 else "")
    elif name == "close_gap":
        edits.close_gap(h, _track_id(p, a) or "none", c % 30)
    elif name == "fade":
        organize.set_fades(h, [cid], b % 5 if c % 3 else None, d % 4 if c % 2 else None, linked=bool(a % 2))
    elif name == "paste":
        paste(h, copy_clips(p, [cid], linked=bool(d % 2)), c % 30 - 2, insert=bool(b % 2))
    elif name == "import":
        organize.import_media(h, media(LETTERS[a % 4], 3 + b % 7), at=c % 20, mode=("append", "insert", "overwrite")[d % 3])


OPS = ["insert", "overwrite", "append", "remove", "ripple_delete", "move", "split", "trim_in", "trim_out",
       "slip", "ripple_trim_in", "ripple_trim_out", "roll", "add_track", "remove_track", "move_track", "lock",
       "link", "unlink", "gain", "import", "paste", "fade",
       "close_gap", "marker", "lift", "extract", "rename", "enable"]
small = st.integers(0, 60)
op = st.tuples(st.sampled_from(OPS), small, small, small, small)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=30), fps=st.sampled_from([Fraction(24), Fraction(30000, 1001)]))
def test_random_edit_sequences_keep_invariants_and_undo_exactly(ops, fps):
    project = parse(START, fps)
    history = History(project)
    original = project.state()
    steps = 0
    for o in ops:
        before = project.state()
        try:
            apply_op(history, o)
        except EditError:
            assert project.state() == before, f"refused {o} changed the project"
        else:
            steps += project.state() != before
        invariants.check(project)
    final = project.state()
    undone = 0
    while history.can_undo:
        history.undo()
        invariants.check(project)
        undone += 1
    assert project.state() == original
    assert undone == steps
    while history.can_redo:
        history.redo()
    assert project.state() == final
