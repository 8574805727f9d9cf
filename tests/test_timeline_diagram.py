"""Timelines drawn as text, so edit tests read as before/after pictures (and tests of that).

    V1: a---..B--  | 0 3
    A1: ......B--

One character per frame: `.` is empty, a letter starts a clip (the clip's name and media), `-`
continues it. An upper-case letter is a linked clip: clips with the same upper-case letter and
start on different tracks form one link group. After `|`, each clip's first source frame, in order
(drawn only when one is not 0). Track ids are their names; a parsed clip's id is
"<track>:<start>" (e.g. "V1:6").
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from desktop.timeline import invariants
from desktop.timeline.changes import EditError
from desktop.timeline.history import History
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind

MEDIA_FRAMES = 40
RATES = [Fraction(24), Fraction(30000, 1001)]


def media(letter: str, duration: int = MEDIA_FRAMES, video: bool = True, audio: bool = True) -> Media:
    """A stand-in media file named after a letter (offline: edits never read the file)."""
    return Media(f"/nonexistent/{letter}.mp4", duration, Fraction(24), 64, 48, video, audio)


def parse(text: str, fps: Fraction = Fraction(24), medias: dict[str, Media] | None = None,
          locked: tuple[str, ...] = ()) -> Project:
    """A project from a drawing (see the module docstring)."""
    medias = dict(medias or {})
    project = Project(fps=fps, width=64, height=48)
    for line in text.strip().splitlines():
        label, _, rest = line.strip().partition(":")
        layout, _, sources = rest.partition("|")
        kind = TrackKind.VIDEO if label.startswith("V") else TrackKind.AUDIO
        track = Track(kind, label, locked=label in locked, id=label)
        starts: list[tuple[str, int, int]] = []  # letter, start, duration
        for frame, ch in enumerate(layout.strip()):
            if ch == "-":
                letter, start, duration = starts[-1]
                starts[-1] = (letter, start, duration + 1)
            elif ch.isalpha():
                starts.append((ch, frame, 1))
            elif ch != ".":
                raise ValueError(f"bad cell {ch!r} in {line!r}")
        offsets = [int(s) for s in sources.split()] or [0] * len(starts)
        assert len(offsets) == len(starts), line
        for (letter, start, duration), offset in zip(starts, offsets):
            m = medias.setdefault(letter.lower(), media(letter.lower()))
            link = f"{letter}{start}" if letter.isupper() else None
            track.clips.append(Clip(m, start, offset, duration, name=letter.lower(), link=link,
                                    id=f"{label}:{start}"))
        project.tracks.append(track)
    invariants.check(project)
    return project


def render(project: Project) -> str:
    """The drawing of a project (canonical: no trailing dots)."""
    lines = []
    for track in project.tracks:
        cells = ""
        for clip in track.clips:
            letter = (clip.name or clip.media.name)[0]
            cells += "." * (clip.start - len(cells)) + (letter.upper() if clip.link else letter)
            cells += "-" * (clip.duration - 1)
        line = f"{track.name}: {cells}"
        if any(c.source_start for c in track.clips):
            line += " | " + " ".join(str(c.source_start) for c in track.clips)
        lines.append(line.rstrip())
    return "\n".join(lines)


def drawing(text: str) -> str:
    """A hand-written drawing in canonical form (indentation and blank lines removed)."""
    return "\n".join(line.strip() for line in text.strip().splitlines())


def check_edit(project: Project, edit) -> History:
    """Run `edit(history)`, then: invariants hold, undo restores the exact earlier state, redo
    restores the exact result. Returns the history (project in its edited state)."""
    history = History(project)
    before = project.state()
    edit(history)
    invariants.check(project)
    after = project.state()
    assert after != before, "the edit changed nothing"
    history.undo()
    assert project.state() == before
    invariants.check(project)
    history.redo()
    assert project.state() == after
    return history


def check_refused(project: Project, edit, message: str) -> None:
    """`edit(history)` raises EditError matching `message` and leaves no trace."""
    history = History(project)
    before = project.state()
    with pytest.raises(EditError, match=message):
        edit(history)
    assert project.state() == before
    assert not history.can_undo


# --- tests of the drawing helpers themselves ------------------------------------------------------


@pytest.mark.parametrize("text", [
    "V1: a---..b--",
    "V1: a---b-- | 2 0\nA1: ..c",
    "V1: A---\nA1: A---",
    "V1:\nA1: ...d- | 7",
])
def test_drawing_round_trips(text):
    assert render(parse(text)) == text


def test_parse_builds_positions_sources_and_links():
    p = parse("V1: ..A--b | 0 5\nA1: ..A--")
    a, b = p.track("V1").clips
    assert (a.start, a.duration, a.source_start, b.start, b.source_start) == (2, 3, 0, 5, 5)
    assert a.link is not None and p.linked(a) == [a, p.track("A1").clips[0]]
    assert b.link is None and a.id == "V1:2"
