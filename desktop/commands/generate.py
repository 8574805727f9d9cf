"""`main.py generate "PROMPT" -o OUT.mp4`: make a clip from a text prompt with a generation model.

Several takes come out as OUT-1.mp4, OUT-2.mp4, ... Each file is written atomically; on an error
no output is left behind.
"""
from __future__ import annotations

import os
import sys
import time

from desktop.commands._rates import parse_rate
from desktop.errors import UserError

def parse_size(text: str) -> int | tuple[int, int]:
    """`--size 96` (a square side) or `--size 768x512` (width x height)."""
    parts = text.lower().split("x")
    if len(parts) in (1, 2) and all(p.strip().isdigit() for p in parts):
        numbers = [int(p) for p in parts]
        return numbers[0] if len(numbers) == 1 else (numbers[0], numbers[1])
    raise UserError(f"--size {text!r} is not a size (e.g. 96, or 768x512 for width x height)")


def add_arguments(parser) -> None:
    parser.add_argument("prompt", help="what the clip shows, e.g. \"a red circle moving left\"")
    parser.add_argument("-o", "--output", required=True, help="the MP4 file to write")
    parser.add_argument("--seconds", type=float, default=2.0, help="length (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same clip (default 0)")
    parser.add_argument("--model", default="builtin", help="generation backend (see `models`)")
    parser.add_argument("--takes", type=int, default=1, help="how many clips to make (default 1)")
    parser.add_argument("--size", help="picture size: a square side in pixels, or WIDTHxHEIGHT "
                                       "(default: the model's)")
    parser.add_argument("--fps", help="frame rate (default: the model's)")
    from desktop.commands.models import add_model_options

    add_model_options(parser, memory=True)


class ProgressLine:
    """`label [#####.....] 50%` on stderr: redrawn in place on a terminal, a line per 25% otherwise."""

    def __init__(self, label: str, stream=None, width: int = 30):
        stream = stream or sys.stderr  # looked up now: sys.stderr may have been replaced since import
        self.label, self.stream, self.width = label, stream, width
        self.tty = stream.isatty()
        self._shown = -1

    def __call__(self, fraction: float) -> None:
        percent = int(100 * fraction)
        bucket = percent if self.tty else percent // 25 * 25
        if bucket == self._shown:
            return
        self._shown = bucket
        filled = int(self.width * fraction)
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}%"
        end = "\n" if percent >= 100 or not self.tty else ""
        self.stream.write(("\r" if self.tty else "") + line + end)
        self.stream.flush()


def take_paths(out: str, takes: int) -> list[str]:
    """OUT.mp4 for one take; OUT-1.mp4, OUT-2.mp4, ... for several."""
    if takes == 1:
        return [out]
    stem, ext = os.path.splitext(out)
    return [f"{stem}-{i}{ext or '.mp4'}" for i in range(1, takes + 1)]


def drive(gen, progress: ProgressLine):
    """Run a generation generator, showing its progress; return what it returns."""
    while True:
        try:
            progress(next(gen).fraction)
        except StopIteration as stop:
            return stop.value


def run(args) -> int:
    from desktop.commands._video_io import check_output
    from desktop.commands.models import use_model_options
    from desktop.media.writer import write_mp4

    if not args.prompt.strip():
        raise UserError("the prompt is empty")
    if args.takes < 1:
        raise UserError(f"--takes {args.takes} must be at least 1")
    paths = take_paths(args.output, args.takes)
    for path in paths:
        check_output(path)
    fps = parse_rate(args.fps) if args.fps else None
    size = parse_size(args.size) if args.size else None
    use_model_options(args)
    from generation.api import generate_iter

    started = time.monotonic()
    clips = drive(generate_iter(args.prompt, args.seconds, args.seed, takes=args.takes, size=size,
                                fps=fps, model=args.model, steps=args.steps), ProgressLine("generating"))
    from generation.backends import load_backend

    rate = fps or load_backend(args.model).fps
    written = []
    try:
        for path, clip in zip(paths, clips):
            write_mp4(path, clip, (clip.shape[2], clip.shape[1]), rate)
            written.append(path)
    except BaseException:
        for path in written:  # all takes or none
            os.remove(path)
        raise
    for path, clip in zip(paths, clips):
        print(f"wrote {path} ({len(clip)} frames, {clip.shape[2]}x{clip.shape[1]}, {rate} fps)",
              file=sys.stderr)
    print(f"done in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0
