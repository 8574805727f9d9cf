"""The small video input checks the generate and extend commands need: outputs that are not
inputs, a clip's last frames, its frames in order. Writing is desktop.media.writer.write_mp4."""
from __future__ import annotations

import os
from fractions import Fraction
from typing import Iterable

import numpy as np

from desktop.errors import UserError


def check_output(out: str, inputs: Iterable[str] = ()) -> None:
    """UserError when `out` is an input, a folder, or in a folder that does not exist."""
    for path in inputs:
        if os.path.exists(path) and (os.path.realpath(out) == os.path.realpath(path)
                                     or (os.path.exists(out) and os.path.samefile(out, path))):
            raise UserError(f"{out}: is the input file; choose another output")
    if os.path.isdir(out):
        raise UserError(f"{out}: is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise UserError(f"{folder}: no such folder")


def read_tail(path: str, count: int) -> tuple[np.ndarray, Fraction, int]:
    """The last `count` frames of a video (RGB uint8), its frame rate and its frame total."""
    from desktop.media.decoder import VideoDecoder
    from desktop.media.probe import probe

    info = probe(path)
    if info.video is None:
        raise UserError(f"{path}: has no video stream")
    with VideoDecoder(path) as decoder:
        total = len(decoder)
        frames = np.stack([decoder.frame(i) for i in range(max(0, total - count), total)])
    return frames, info.video.rate, total


def input_frames(path: str) -> Iterable[np.ndarray]:
    """Every frame of a video in order, one at a time."""
    from desktop.media.decoder import VideoDecoder

    with VideoDecoder(path) as decoder:
        for i in range(len(decoder)):
            yield decoder.frame(i)


def has_sound(path: str) -> bool:
    from desktop.media.probe import probe

    return bool(probe(path).audio)
