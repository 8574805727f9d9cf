"""`main.py render PROJECT.otio -o OUT.mp4`: render a project headless, with a progress bar.

Imports no Qt and no torch, so it starts as fast as PyAV and OpenTimelineIO allow.
"""
from __future__ import annotations

import os
import sys
import time

from desktop.commands._rates import parse_rate
from desktop.errors import UserError

def add_arguments(parser) -> None:
    parser.add_argument("project", help="the project file (.otio)")
    parser.add_argument("-o", "--output", required=True, help="the MP4 file to write")
    parser.add_argument("--width", type=int, help="output width (default: the project's)")
    parser.add_argument("--height", type=int, help="output height (default: the project's)")
    parser.add_argument("--fps", help="output frame rate, e.g. 25 or 30000/1001 (default: the project's)")
    parser.add_argument("--crf", type=int, default=20, help="x264 quality, 0 (lossless) to 51 (default 20)")
    parser.add_argument("--preset", default="medium", help="x264 speed preset (default medium)")


class ProgressBar:
    """A one-line progress bar on a terminal; a line per 10% when the stream is not a terminal."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self._shown = -1.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        step = 0.1 if self.tty else 10.0  # seconds between redraws / percent between lines
        mark = now if self.tty else 100 * done // total
        if done < total and mark - self._shown < step:
            return
        self._shown = mark
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        filled = self.width * done // total
        line = (f"rendering [{'#' * filled}{'.' * (self.width - filled)}] {100 * done // total:3d}% "
                f"{done}/{total} frames {rate:5.1f} fps {int(left) // 60}:{int(left) % 60:02d} left")
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def run(args) -> int:
    from desktop.media.export import render
    from desktop.timeline.otio_io import load

    project_path, out = args.project, args.output
    if os.path.exists(out) and os.path.exists(project_path) and os.path.samefile(out, project_path):
        raise UserError(f"{out}: is the project file; choose another output")
    project = load(project_path)
    fps = parse_rate(args.fps) if args.fps else None
    for name in ("width", "height"):
        value = getattr(args, name)
        if value is not None and value < 2:
            raise UserError(f"--{name} {value} must be at least 2")
    started = time.monotonic()
    render(project, out, width=args.width, height=args.height, fps=fps, crf=args.crf,
           preset=args.preset, progress=ProgressBar())
    print(f"wrote {out} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0
