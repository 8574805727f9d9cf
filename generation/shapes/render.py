"""Rasterise shapes-world clips with numpy: flat palette colours, no anti-aliasing.

The renderer returns palette indices (what the tokenizer's decoder learns to predict) and turns
them into RGB with one lookup, so a batch of training clips costs a few milliseconds.
"""
from __future__ import annotations

import numpy as np

from generation.shapes.world import PALETTE, PALETTE_NAMES, SIZE, ClipSpec, ObjectSpec, track


def shape_mask(shape: str, half: float | np.ndarray, centres: np.ndarray, side: int) -> np.ndarray:
    """Boolean (T, side, side) coverage of a shape of half-extent `half` (a number, or one per
    frame) whose box centres are `centres` (T, 2). The analyser draws ideal shapes with it too."""
    half = np.asarray(half, dtype=np.float32).reshape(-1, 1, 1)
    grid = np.arange(side, dtype=np.float32) + 0.5
    cx = centres[:, 0, None, None].astype(np.float32)
    cy = centres[:, 1, None, None].astype(np.float32)
    dx = grid[None, None, :] - cx  # (T, 1, W)
    dy = grid[None, :, None] - cy  # (T, H, 1)
    if shape == "circle":
        return dx * dx + dy * dy <= half * half
    if shape == "square":
        return (np.abs(dx) <= half) & (np.abs(dy) <= half)
    if shape == "triangle":  # pointing up: apex at the top centre, base along the bottom
        down = dy + half  # distance below the apex
        return (down >= 0) & (dy <= half) & (np.abs(dx) <= down / 2)
    raise ValueError(f"unknown shape {shape!r}")


def object_mask(obj: ObjectSpec, centres: np.ndarray, side: int) -> np.ndarray:
    """Boolean (T, side, side) coverage of an object whose box centres are `centres` (T, 2)."""
    return shape_mask(obj.shape, obj.extent(side) / 2, centres, side)


def render_indices(clip: ClipSpec, frames: int, side: int = SIZE, start: int = 0) -> np.ndarray:
    """Palette indices (frames, side, side) uint8 for frames start .. start+frames-1."""
    out = np.full((frames, side, side), PALETTE_NAMES.index(clip.background), dtype=np.uint8)
    for obj in clip.objects:
        centres = track(obj, start + frames, side)[start:]
        out[object_mask(obj, centres, side)] = PALETTE_NAMES.index(obj.colour)
    return out


def to_rgb(indices: np.ndarray) -> np.ndarray:
    """Palette indices (...) -> uint8 RGB (..., 3)."""
    return PALETTE[indices]


def render(clip: ClipSpec, frames: int, side: int = SIZE, start: int = 0) -> np.ndarray:
    """RGB frames (frames, side, side, 3) uint8."""
    return to_rgb(render_indices(clip, frames, side, start))
