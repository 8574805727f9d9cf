"""`python main.py info PROJECT.otio`: the JSON summary, the refusals, and no Qt or torch."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from desktop.timeline import otio_io
from desktop.timeline.model import Marker

from test_timeline_diagram import media, parse

ROOT = Path(__file__).resolve().parents[1]


def info(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "info", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_info_prints_the_summary(tmp_path):
    (tmp_path / "here.mp4").write_bytes(b"")
    project = parse("V1: a-..b--\nA1: ..b-- | 4", Fraction(30000, 1001),
                    {"a": replace(media("a"), path=str(tmp_path / "here.mp4"))})
    v1, a1 = project.tracks
    v1.clips[1] = replace(v1.clips[1], fade_in=1, fade_out=2, enabled=False)
    a1.clips[0] = replace(a1.clips[0], gain_db=-3.5)
    project.markers = [Marker(5, "here")]
    otio_io.save(project, tmp_path / "p.otio")
    result = info(str(tmp_path / "p.otio"))
    assert result.returncode == 0, result.stderr
    gap = {"name": "", "media": None, "source_start": None, "gain_db": None, "fade_in": None, "fade_out": None,
           "enabled": None}
    plain = {"gain_db": 0.0, "fade_in": 0, "fade_out": 0, "enabled": True}
    assert json.loads(result.stdout) == {
        "fps": "30000/1001", "width": 64, "height": 48, "duration_frames": 7,
        "tracks": [
            {"kind": "video", "name": "V1", "items": [
                {"type": "clip", "start": 0, "duration": 2, "name": "a", "media": str(tmp_path / "here.mp4"),
                 "source_start": 0, **plain},
                {"type": "gap", "start": 2, "duration": 2, **gap},
                {"type": "clip", "start": 4, "duration": 3, "name": "b", "media": "/nonexistent/b.mp4",
                 "source_start": 0, "gain_db": 0.0, "fade_in": 1, "fade_out": 2, "enabled": False},
            ]},
            {"kind": "audio", "name": "A1", "items": [
                {"type": "gap", "start": 0, "duration": 2, **gap},
                {"type": "clip", "start": 2, "duration": 3, "name": "b", "media": "/nonexistent/b.mp4",
                 "source_start": 4, **plain, "gain_db": -3.5},
            ]},
        ],
        "markers": [{"frame": 5, "name": "here"}],
        "offline_media": ["/nonexistent/b.mp4"],
    }


def test_info_fps_of_a_whole_rate_is_an_integer_string(tmp_path):
    otio_io.save(parse("V1: a", Fraction(24)), tmp_path / "p.otio")
    assert json.loads(info(str(tmp_path / "p.otio")).stdout)["fps"] == "24"


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("{oops", "is not a project file (not JSON"),
    ('{"OTIO_SCHEMA": "Clip.2"}', "is not an OpenTimelineIO timeline (it holds a Clip)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a project file (not text)"),
    ("DIR", "is a folder, not a project file"),
])
def test_info_refuses_bad_input_with_one_error_line(tmp_path, content, message):
    path = tmp_path / "bad.otio"
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = info(str(path))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr


def test_info_imports_neither_qt_nor_torch(tmp_path):
    otio_io.save(parse("V1: a-\nA1: A-\nV2: A-"), tmp_path / "p.otio")
    code = (
        "import sys, contextlib, io\n"
        "from desktop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['info', {str(tmp_path / 'p.otio')!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'torch')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
