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

from test_timeline_diagram import media, parse

ROOT = Path(__file__).resolve().parents[1]


def info(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "info", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_info_prints_the_summary(tmp_path):
    (tmp_path / "here.mp4").write_bytes(b"")
    project = parse("V1: a-..b--\nA1: ..b-- | 4", Fraction(30000, 1001),
                    {"a": replace(media("a"), path=str(tmp_path / "here.mp4"))})
    otio_io.save(project, tmp_path / "p.otio")
    result = info(str(tmp_path / "p.otio"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "fps": "30000/1001", "width": 64, "height": 48, "duration_frames": 7,
        "tracks": [
            {"kind": "video", "name": "V1", "items": [
                {"type": "clip", "start": 0, "duration": 2, "name": "a", "media": str(tmp_path / "here.mp4"),
                 "source_start": 0},
                {"type": "gap", "start": 2, "duration": 2, "name": "", "media": None, "source_start": None},
                {"type": "clip", "start": 4, "duration": 3, "name": "b", "media": "/nonexistent/b.mp4",
                 "source_start": 0},
            ]},
            {"kind": "audio", "name": "A1", "items": [
                {"type": "gap", "start": 0, "duration": 2, "name": "", "media": None, "source_start": None},
                {"type": "clip", "start": 2, "duration": 3, "name": "b", "media": "/nonexistent/b.mp4",
                 "source_start": 4},
            ]},
        ],
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
