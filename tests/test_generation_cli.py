"""The generate, extend and models commands: files out at the right size, rate and length, the
input's sound kept, and bad requests answered by one `error:` line with nothing left behind."""
from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from desktop.cli import main
from desktop.media.probe import probe
from generation.builtin import weights_present

needs_weights = pytest.mark.skipif(not weights_present(), reason="no shipped weights in resources/models/builtin")


def make_clip(path, frames: int = 12, size=(48, 40), fps: int = 24, tone: bool = True) -> None:
    """An H.264 clip of a white square moving right on black, with a 440 Hz tone."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        audio = out.add_stream("aac", rate=48000, layout="stereo") if tone else None
        for i in range(frames):
            rgb = np.zeros((size[1], size[0], 3), np.uint8)
            rgb[14:26, 4 + i:16 + i] = 240
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            n = 48000 * frames // fps
            t = np.arange(n) / 48000
            wave = np.stack([np.sin(2 * np.pi * 440 * t)] * 2).astype(np.float32) * 0.5
            for start in range(0, n, 1024):
                chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(wave[:, start:start + 1024]),
                                                   format="fltp", layout="stereo")
                chunk.sample_rate, chunk.pts = 48000, start
                out.mux(audio.encode(chunk))
            out.mux(audio.encode(None))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_models_lists_the_builtin_backend(capsys):
    code, out, _ = _run(capsys, "models")
    assert code == 0
    first = out.splitlines()[0].split()
    assert first[0] == "builtin" and "generate," in first and "extend" in first
    assert first[3] in ("cpu", "cuda", "mps")


@pytest.mark.parametrize("argv,message", [
    (["generate", "  ", "-o", "{out}"], "prompt is empty"),
    (["generate", "a red dot", "-o", "{out}", "--takes", "0"], "takes"),
    (["generate", "a red dot", "-o", "{out}", "--fps", "abc"], "frame rate"),
    (["generate", "a red dot", "-o", "{out}", "--model", "nope"], "unknown model"),
    (["extend", "{missing}", "-o", "{out}"], "no such file"),
    (["extend", "{notvideo}", "-o", "{out}"], "not a readable media file"),
    (["extend", "{clip}", "-o", "{clip}"], "is the input file"),
    (["extend", "{clip}", "-o", "{out}", "--context-frames", "0"], "context-frames"),
])
def test_bad_requests_exit_2_with_one_error_line_and_leave_nothing(tmp_path, capsys, argv, message):
    clip = tmp_path / "in.mp4"
    make_clip(clip, tone=False)
    before = clip.read_bytes()
    (tmp_path / "notes.mp4").write_text("not a video")
    names = {"out": str(tmp_path / "out.mp4"), "missing": str(tmp_path / "missing.mp4"),
             "notvideo": str(tmp_path / "notes.mp4"), "clip": str(clip)}
    code, out, err = _run(capsys, *(a.format(**names) for a in argv))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mp4", "notes.mp4"]
    assert clip.read_bytes() == before


def test_bad_numbers_are_refused_before_any_work(tmp_path, capsys):
    code, _, err = _run(capsys, "generate", "a red dot", "-o", str(tmp_path / "o.mp4"), "--seconds", "x")
    assert code == 2 and err.startswith("error:")
    assert list(tmp_path.iterdir()) == []


@needs_weights
def test_generate_writes_each_take(tmp_path, capsys):
    out = tmp_path / "clip.mp4"
    code, _, err = _run(capsys, "generate", "a blue square moving left on a black background", "-o", str(out),
                        "--seconds", "1.5", "--takes", "2", "--size", "96", "--fps", "16")
    assert code == 0, err
    for name in ("clip-1.mp4", "clip-2.mp4"):
        info = probe(tmp_path / name)
        assert (info.video.width, info.video.height, info.video.rate, info.video.frames) == (96, 96, 16, 24)
    assert not out.exists()


@needs_weights
def test_extend_appends_frames_at_the_input_size_and_rate_and_keeps_the_sound(tmp_path, capsys):
    clip, out = tmp_path / "in.mp4", tmp_path / "out.mp4"
    make_clip(clip, frames=12, size=(48, 40), fps=24)
    code, _, err = _run(capsys, "extend", str(clip), "-o", str(out), "--seconds", "0.5", "--seed", "3")
    assert code == 0, err
    info = probe(out)
    assert (info.video.width, info.video.height, info.video.rate) == (48, 40, Fraction(24))
    assert info.video.frames == 12 + 12
    assert info.audio and abs(float(info.audio[0].duration) - 0.5) < 0.1
    only = tmp_path / "new.mp4"
    code, _, err = _run(capsys, "extend", str(clip), "-o", str(only), "--seconds", "0.5", "--seed", "3",
                        "--continuation-only")
    assert code == 0, err
    assert probe(only).video.frames == 12 and not probe(only).audio
