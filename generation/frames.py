"""Moving frames between a clip's size and rate and the model's (nearest in time, OpenCV in space)."""
from __future__ import annotations

import math
from fractions import Fraction

import cv2
import numpy as np


def resize(frames: np.ndarray, size: tuple[int, int], smooth: bool) -> np.ndarray:
    """(T, H, W, 3) uint8 -> (T, h, w, 3) for size (w, h). Area averaging when shrinking real
    footage (`smooth`), nearest pixels when enlarging the model's flat-colour frames."""
    if frames.shape[2] == size[0] and frames.shape[1] == size[1]:
        return frames
    mode = cv2.INTER_AREA if smooth else cv2.INTER_NEAREST
    return np.stack([cv2.resize(f, size, interpolation=mode) for f in frames])


def frame_count(seconds: float, fps: Fraction) -> int:
    """Frames covering `seconds` at `fps` (at least one)."""
    return max(1, math.ceil(Fraction(seconds).limit_denominator(10**6) * fps - Fraction(1, 10**6)))


def retime(frames: np.ndarray, src_fps: Fraction, dst_fps: Fraction, count: int,
           offset: int = 0) -> np.ndarray:
    """`count` frames at dst_fps sampling `frames` (at src_fps) at or before each time.

    Output frame j shows the source frame shown at time (j + offset) / dst_fps.
    """
    index = [min(len(frames) - 1, math.floor((j + offset) * src_fps / dst_fps)) for j in range(count)]
    return frames[index]


def context_indices(length: int, src_fps: Fraction, dst_fps: Fraction, count: int) -> list[int]:
    """Indices of `count` frames, dst_fps apart, ending at the last of `length` frames at src_fps
    (clamped to the first frame when the clip is shorter)."""
    last = length - 1
    return [max(0, last - round((count - 1 - k) * src_fps / dst_fps)) for k in range(count)]
