"""A main window on a small project, for the editor's tests (import the `window` fixture)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from PySide6.QtCore import QSettings

from desktop.timeline import organize
from desktop.timeline.model import Media, Project, Track, TrackKind
from desktop.ui.main_window import MainWindow
from mediafactory import Audio, Video, write_media

FPS = Fraction(24)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The editor with V1, V2, A1 holding a.mp4 (frames 0-47) and b.mp4 (48-95), picture and sound
    linked; settings, caches and generated media kept inside tmp_path."""
    monkeypatch.setenv("FRAMESMITH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    project = Project(fps=FPS, width=64, height=48)
    project.tracks = [Track(TrackKind.VIDEO, "V1"), Track(TrackKind.VIDEO, "V2"), Track(TrackKind.AUDIO, "A1")]
    w.session.replace(project, None)
    for name in ("a", "b"):
        media = Media(str(tmp_path / f"{name}.mp4"), duration=48, rate=FPS, width=64, height=48, has_audio=True)
        write_media(media.path, video=Video(frames=48, fps=FPS), audio=Audio(seconds=2))
        w.session.edit(organize.import_media, media)
    w.timeline.layout_.px_per_frame = 5.0
    w.timeline.layout_.first_frame = 0.0
    w.timeline.update()
    yield w
    w.session.history.mark_saved()  # closing must not stop at the unsaved-changes question
    w.close()
    w.deleteLater()
