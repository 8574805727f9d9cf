"""Fit requests to what a model accepts, and its results back to what was asked.

Sizes are rounded to the model's multiple (or replaced by its only size) and the pictures it makes
are scaled back to the asked size; frame counts are rounded up to its k*t + 1 rule (or its one
length) and the extra frames dropped; rates are converted by picking, for each output frame, the
model frame shown at that time (generation.frames.retime). Plain numpy and OpenCV, no torch.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from generation.diffusers.families import Geometry


def model_size(want: tuple[int, int], g: Geometry) -> tuple[int, int]:
    """(width, height) to ask the model for, closest to `want`."""
    if g.fixed_size:
        return g.native_size
    m = g.size_multiple
    return max(m, round(want[0] / m) * m), max(m, round(want[1] / m) * m)


def longest(g: Geometry) -> int:
    """The most frames one pass can make, on the k*t + 1 rule."""
    return (g.max_frames - 1) // g.frame_step * g.frame_step + 1


def pass_frames(needed: int, g: Geometry) -> int:
    """Frames to ask one pass for, to get `needed` frames (or as many as a pass can make)."""
    if g.fixed_frames:
        return g.max_frames
    k = math.ceil((max(needed, 1) - 1) / g.frame_step)
    return min(longest(g), k * g.frame_step + 1)


def context_length(wanted: int, g: Geometry) -> int:
    """Conditioning frames for an extension pass: at most `wanted`, on the k*t + 1 rule, leaving
    room for at least one step of new frames."""
    room = longest(g) - g.frame_step
    return max(1, (min(wanted, room) - 1) // g.frame_step * g.frame_step + 1)


def extension_frames(context: int, wanted: int, g: Geometry) -> int:
    """Frames to ask a pass for that continues `context` frames with up to `wanted` new ones."""
    if g.fixed_frames:
        return g.max_frames
    new = min(math.ceil(wanted / g.frame_step) * g.frame_step, longest(g) - context)
    return context + new


def fit(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(T, H, W, 3) uint8 scaled to (width, height): area averaging to shrink, bilinear to enlarge."""
    w, h = size
    if frames.shape[1:3] == (h, w):
        return frames
    mode = cv2.INTER_AREA if w <= frames.shape[2] and h <= frames.shape[1] else cv2.INTER_LINEAR
    return np.stack([cv2.resize(f, (w, h), interpolation=mode) for f in frames])


def to_uint8(frames: np.ndarray) -> np.ndarray:
    """A pipeline's float pictures in [0, 1] as uint8."""
    return (np.clip(frames, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
