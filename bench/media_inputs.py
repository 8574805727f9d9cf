"""Inputs for the media benchmarks: the real clips in ../shared/media and a 1080p H.264 copy of one.

Run alone it prepares the 1080p file (once; kept in the temp folder) and prints what it found.
"""
from __future__ import annotations

import sys
import tempfile
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "media"
sys.path.insert(0, str(ROOT))


def shared(name: str) -> Path:
    """A real clip; exits with a message when the shared folder is absent (a user's clone)."""
    path = SHARED / name
    if not path.exists():
        print(f"skipped: {path} is absent (the real clips live beside the main checkout)")
        sys.exit(0)
    return path


def hd_1080() -> Path:
    """cockatoo_handheld.mp4 (real handheld footage, 1280x720, 20 fps, 280 frames) scaled to
    1920x1080 and retimed to 30 fps (every frame new at 1080p30), H.264 (x264 veryfast, crf 20, a
    keyframe every 40 frames), made once and kept."""
    import av

    out = Path(tempfile.gettempdir()) / "framesmith-bench" / "cockatoo_1080p30.mp4"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(".part.mp4")
    with av.open(str(shared("cockatoo_handheld.mp4"))) as src, av.open(str(part), "w") as dst:
        stream = dst.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "20", "g": "40"}
        for i, frame in enumerate(src.decode(video=0)):
            big = frame.reformat(1920, 1080, "yuv420p", interpolation="BICUBIC")
            big.pts, big.time_base = i, Fraction(1, 30)
            dst.mux(stream.encode(big))
        dst.mux(stream.encode(None))
    part.rename(out)
    return out


if __name__ == "__main__":
    print(f"shared clips: {SHARED}")
    print(f"1080p H.264: {hd_1080()}")
