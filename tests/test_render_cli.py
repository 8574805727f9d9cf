"""`main.py render`: a headless render with a progress bar; one `error:` line and status 2 on bad
input; no Qt or torch imported."""
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import pytest

from desktop.media.probe import media_for
from desktop.timeline.model import Clip, Media, Project, Track, TrackKind
from desktop.timeline.otio_io import save
from mediafactory import Audio, Video, frame_index, write_media

ROOT = Path(__file__).resolve().parents[1]
FPS = Fraction(24)


def main(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def project_file(tmp_path):
    media = media_for(write_media(tmp_path / "clip.mp4", video=Video(frames=24, fps=FPS),
                                  audio=Audio(seconds=1)), FPS)
    project = Project(fps=FPS, width=64, height=48, name="cli", tracks=[
        Track(TrackKind.VIDEO, "V1", [Clip(media, 0, 12, 12, link="x"), Clip(media, 12, 0, 6)]),
        Track(TrackKind.AUDIO, "A1", [Clip(media, 0, 12, 12, link="x")]),
    ])
    path = tmp_path / "edit.otio"
    save(project, path)
    return path


def test_render_writes_the_timeline_with_a_progress_bar(project_file, tmp_path):
    out = tmp_path / "out.mp4"
    result = main("render", project_file, "-o", out, "--preset", "ultrafast")
    assert result.returncode == 0, result.stderr
    assert "rendering [" in result.stderr and "100%" in result.stderr and "18/18 frames" in result.stderr
    with av.open(str(out)) as container:
        assert [frame_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)] == \
            list(range(12, 24)) + list(range(6))
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"


def test_render_with_overrides(project_file, tmp_path):
    out = tmp_path / "small.mp4"
    result = main("render", project_file, "-o", out, "--width", "32", "--height", "24",
                  "--fps", "12", "--crf", "28", "--preset", "veryfast")
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height, stream.average_rate, stream.frames) == (32, 24, 12, 9)


def test_render_imports_neither_qt_nor_torch(project_file, tmp_path):
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"assert main(['render', {str(project_file)!r}, '-o', {str(tmp_path / 'o.mp4')!r},"
        " '--preset', 'ultrafast']) == 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch', 'shiboken6'))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def one_error_line(result):
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_errors(project_file, tmp_path):
    out = tmp_path / "out.mp4"
    assert "missing.otio" in one_error_line(main("render", tmp_path / "missing.otio", "-o", out))
    assert "media files" in one_error_line(main("render", project_file, "-o", tmp_path / "clip.mp4"))
    assert "project file" in one_error_line(main("render", project_file, "-o", project_file))
    assert "--fps" in one_error_line(main("render", project_file, "-o", out, "--fps", "fast"))
    assert "preset" in one_error_line(main("render", project_file, "-o", out, "--preset", "warp"))
    assert "--width" in one_error_line(main("render", project_file, "-o", out, "--width", "0"))
    assert "no such folder" in one_error_line(main("render", project_file, "-o", tmp_path / "x" / "o.mp4"))
    (tmp_path / "notes.otio").write_text("not a project")
    assert "notes.otio" in one_error_line(main("render", tmp_path / "notes.otio", "-o", out))
    assert not out.exists()


def test_offline_media_are_named(tmp_path):
    gone = tmp_path / "gone.mp4"
    project = Project(fps=FPS, width=64, height=48, tracks=[
        Track(TrackKind.VIDEO, "V1", [Clip(Media(str(gone), 24, FPS, 64, 48), 0, 0, 24)])])
    save(project, tmp_path / "p.otio")
    line = one_error_line(main("render", tmp_path / "p.otio", "-o", tmp_path / "out.mp4"))
    assert "offline" in line and "gone.mp4" in line
