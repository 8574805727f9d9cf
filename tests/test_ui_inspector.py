"""The inspector follows the selection: one clip in detail (gain typed in is one undo step), several
clips summed up, nothing selected shows the project's settings, generated media their provenance."""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt

from desktop.media.probe import media_for
from desktop.timeline import organize, trims
from desktop.timeline.model import Project, Provenance, Track, TrackKind
from desktop.ui.inspector import Inspector, when
from desktop.ui.selection import Selection
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode
from mediafactory import Audio, Video, write_media

FPS = Fraction(30000, 1001)


@pytest.fixture
def setup(qtbot, tmp_path):
    path = write_media(tmp_path / "shot.mp4", video=Video(frames=60, fps=FPS), audio=Audio(seconds=2.0))
    session = Session(Project(fps=FPS, width=64, height=48, name="Trip",
                              tracks=[Track(TrackKind.VIDEO, "V1"), Track(TrackKind.AUDIO, "A1")]))
    session.edit(organize.import_media, media_for(path, FPS))
    session.edit(organize.import_media, media_for(path, FPS))  # a second pair after the first
    selection = Selection()
    inspector = Inspector(session, selection)
    qtbot.addWidget(inspector)
    inspector.show()
    qtbot.waitExposed(inspector)
    return session, selection, inspector


def text(form, key):
    return form.labels[key].text()


def test_one_audio_clip_in_detail(setup):
    session, selection, inspector = setup
    video, audio = session.project.tracks[0].clips[1], session.project.tracks[1].clips[1]
    session.edit(trims.trim_in, audio.id, 5)  # both move in by 5 frames (linked)
    audio = session.project.clip(audio.id)
    selection.set([audio.id])
    form = inspector.clip_form
    assert inspector.title.text() == "Clip"
    assert inspector.name_edit.text() == audio.name == "shot.mp4" and text(form, "track") == "A1 (audio)"
    assert text(form, "media") == audio.media.path
    assert text(form, "start") == f"{timecode(audio.start, FPS)} ({audio.start})" == when(65, FPS)
    assert text(form, "end") == when(audio.end, FPS) and text(form, "duration") == when(audio.duration, FPS)
    assert text(form, "source_in") == when(5, FPS) and text(form, "source_out") == when(audio.source_end, FPS)
    assert text(form, "linked") == f"V1: {video.name}"
    assert inspector.gain_spin.isVisible() and inspector.gain_spin.value() == 0.0
    assert not inspector.provenance_box.isVisible()


def test_gain_typed_in_is_one_undo_step(qtbot, setup):
    session, selection, inspector = setup
    audio = session.project.tracks[1].clips[0]
    selection.set([audio.id])
    steps = session.undo_stack.count()
    spin = inspector.gain_spin
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton)
    spin.selectAll()
    qtbot.keyClicks(spin, "-6.5")
    assert session.project.clip(audio.id).gain_db == 0.0  # nothing until the edit is finished
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert session.project.clip(audio.id).gain_db == -6.5
    partner = session.project.tracks[0].clips[0]
    assert session.undo_stack.count() == steps + 1 and session.project.clip(partner.id).gain_db == 0.0
    qtbot.keyClick(spin, Qt.Key.Key_Return)  # finishing again without a change adds nothing
    assert session.undo_stack.count() == steps + 1
    session.undo_stack.undo()
    assert session.project.clip(audio.id).gain_db == 0.0 and spin.value() == 0.0
    session.undo_stack.redo()
    assert spin.value() == -6.5


def test_fades_typed_in_fade_the_clip_and_its_sound_as_one_step(qtbot, setup):
    session, selection, inspector = setup
    video, audio = session.project.tracks[0].clips[0], session.project.tracks[1].clips[0]
    selection.set([video.id])
    steps = session.undo_stack.count()
    spin = inspector.fade_spins["fade_out"]
    assert spin.isVisible() and spin.maximum() == video.duration
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton)
    spin.selectAll()
    qtbot.keyClicks(spin, "12")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert [(c.fade_in, c.fade_out) for c in (session.project.clip(video.id), session.project.clip(audio.id))] == [
        (0, 12), (0, 12)]
    assert session.undo_stack.count() == steps + 1
    fade_in = inspector.fade_spins["fade_in"]
    fade_in.setValue(video.duration - 5)  # with the fade out, longer than the clip: refused, shown back
    failures = []
    session.failed.connect(failures.append)
    fade_in.editingFinished.emit()
    assert failures and "do not fit" in failures[0] and fade_in.value() == 0
    session.undo_stack.undo()
    assert spin.value() == 0 and session.project.clip(audio.id).fade_out == 0


def test_a_name_typed_in_renames_the_clip_and_its_partner(qtbot, setup):
    session, selection, inspector = setup
    video, audio = session.project.tracks[0].clips[0], session.project.tracks[1].clips[0]
    selection.set([video.id])
    qtbot.mouseClick(inspector.name_edit, Qt.MouseButton.LeftButton)
    inspector.name_edit.selectAll()
    qtbot.keyClicks(inspector.name_edit, " Opening shot ")
    qtbot.keyClick(inspector.name_edit, Qt.Key.Key_Return)
    assert session.project.clip(video.id).name == session.project.clip(audio.id).name == "Opening shot"
    inspector.name_edit.clear()  # empty: the file's name shows instead
    inspector.name_edit.editingFinished.emit()
    assert session.project.clip(video.id).name == "" and inspector.name_edit.placeholderText() == "shot.mp4"
    session.undo_stack.undo()
    assert inspector.name_edit.text() == "Opening shot"


def test_gain_on_a_locked_track_is_refused_and_shown_back(qtbot, setup):
    session, selection, inspector = setup
    audio = session.project.tracks[1].clips[0]
    session.edit(organize.set_gain, [audio.id], -3.0, linked=False)
    session.edit(organize.set_track, session.project.tracks[1].id, locked=True)
    selection.set([audio.id])
    assert not inspector.gain_spin.isEnabled()
    inspector.gain_spin.setValue(4.0)  # even if it were typed in, the core refuses it
    failures = []
    session.failed.connect(failures.append)
    inspector.gain_spin.editingFinished.emit()
    assert failures and session.project.clip(audio.id).gain_db == -3.0 and inspector.gain_spin.value() == -3.0


def test_video_clip_has_no_gain_and_generated_media_shows_how_it_was_made(setup):
    session, selection, inspector = setup
    video = session.project.tracks[0].clips[0]
    selection.set([video.id])
    assert not inspector.gain_spin.isVisible() and not inspector.provenance_box.isVisible()
    made = replace(video.media, provenance=Provenance("waves at dusk", 42, "builtin-shapes", {"steps": 8},
                                                      "2024-05-01T10:00:00"))
    session.edit(organize.relink, video.media.path, made)
    assert inspector.provenance_box.isVisible()
    form = inspector.provenance_form
    assert (text(form, "prompt"), text(form, "seed"), text(form, "model")) == ("waves at dusk", "42", "builtin-shapes")
    assert text(form, "settings") == '{"steps": 8}' and text(form, "created") == "2024-05-01T10:00:00"


def test_several_clips_and_then_nothing(setup):
    session, selection, inspector = setup
    clips = session.project.tracks[0].clips
    selection.set([c.id for c in clips])
    assert inspector.title.text() == "Selection"
    assert text(inspector.many_form, "count") == "2 clips"
    assert text(inspector.many_form, "duration") == when(sum(c.duration for c in clips), FPS)
    selection.clear()
    form = inspector.project_form
    assert inspector.title.text() == "Project settings"
    assert text(form, "fps") == "29.97 fps (30000/1001)" and text(form, "size") == "64 x 48"
    assert text(form, "sample_rate") == "48000 Hz" and text(form, "tracks") == "1 video, 1 audio"
    assert text(form, "duration") == when(session.project.duration, FPS) and text(form, "bin") == "1"


def test_selection_of_a_clip_removed_by_undo_falls_back(setup):
    session, selection, inspector = setup
    clip_id = session.project.tracks[0].clips[1].id
    selection.set([clip_id])
    session.undo_stack.undo()  # the second import goes away
    assert inspector.title.text() == "Project settings"
