"""`main.py extend INPUT -o OUT.mp4`: the input followed by predicted frames.

The continuation is made at the model's size and rate and scaled back to the input's; the
input's sound is kept. With --continuation-only, OUT holds only the new frames (no sound).
"""
from __future__ import annotations

import itertools
import math
import sys
import time

from desktop.errors import UserError


def add_arguments(parser) -> None:
    parser.add_argument("input", help="the clip to extend")
    parser.add_argument("-o", "--output", required=True, help="the MP4 file to write")
    parser.add_argument("--seconds", type=float, default=1.0, help="how much to add (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same continuation (default 0)")
    parser.add_argument("--model", default="builtin", help="generation backend (see `models`)")
    parser.add_argument("--context-frames", type=int,
                        help="how many of the input's last frames the model sees (default: 1 s)")
    parser.add_argument("--continuation-only", action="store_true",
                        help="write only the new frames, without the input")
    parser.add_argument("--prompt", default="", help="what happens next (for models that take a prompt)")
    from desktop.commands.models import add_model_options

    add_model_options(parser, memory=True)


def run(args) -> int:
    from desktop.commands._video_io import check_output, has_sound, input_frames, read_tail
    from desktop.commands.generate import ProgressLine, drive
    from desktop.commands.models import use_model_options
    from desktop.media.writer import write_mp4

    check_output(args.output, [args.input])
    if args.context_frames is not None and args.context_frames < 1:
        raise UserError(f"--context-frames {args.context_frames} must be at least 1")
    from desktop.media.probe import probe

    info = probe(args.input)
    if info.video is None:
        raise UserError(f"{args.input}: has no video stream")
    fps = info.video.rate
    tail = (args.context_frames or math.ceil(fps)) + 2
    frames, fps, total = read_tail(args.input, tail)
    use_model_options(args)
    from generation.api import extend_iter

    started = time.monotonic()
    new = drive(extend_iter(frames, fps, args.seconds, args.seed, context_frames=args.context_frames,
                            prompt=args.prompt, model=args.model, steps=args.steps),
                ProgressLine("extending"))
    size = (frames.shape[2], frames.shape[1])
    if args.continuation_only:
        write_mp4(args.output, new, size, fps)
    else:
        sound = args.input if has_sound(args.input) else None
        write_mp4(args.output, itertools.chain(input_frames(args.input), new), size, fps,
                  sound_from=sound, sound_seconds=info.video.duration)
    kept = len(new) if args.continuation_only else total + len(new)
    print(f"wrote {args.output} ({kept} frames, {len(new)} new, {size[0]}x{size[1]}, {fps} fps) "
          f"in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0
