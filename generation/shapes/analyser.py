"""Read a shapes-world clip back from its pixels: background, objects, shape, direction.

Used to score generated clips and reconstructions. Every pixel is snapped to the nearest palette
colour; each object colour with enough pixels is one object, tracked frame by frame (box centre
and area). The direction is the initial velocity of a bouncing trajectory fitted to the track.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generation.shapes.render import shape_mask
from generation.shapes.world import BACKGROUNDS, DIRECTIONS, PALETTE, PALETTE_NAMES, bounce

MIN_AREA = 0.004  # an object covers at least this fraction of the frame on average (16 px at 64)
MOVING = 0.007  # |velocity| per axis, as a fraction of the width per frame, that counts as moving
_BG = len(BACKGROUNDS)


@dataclass(frozen=True)
class ObjectReading:
    colour: str
    shape: str
    direction: str
    velocity: tuple[float, float]  # pixels per frame at the start of the clip
    centres: np.ndarray  # (T, 2) box centres in pixels, NaN where the object is absent
    areas: np.ndarray  # (T,) pixel counts


@dataclass(frozen=True)
class Reading:
    background: str
    objects: tuple[ObjectReading, ...]  # largest first

    @property
    def main(self) -> ObjectReading | None:
        return self.objects[0] if self.objects else None


def palette_indices(frames: np.ndarray) -> np.ndarray:
    """(T, H, W, 3) uint8 -> (T, H, W) index of the nearest palette colour."""
    diff = frames[..., None, :].astype(np.int32) - PALETTE.astype(np.int32)
    return np.argmin((diff * diff).sum(-1), axis=-1)


def _boxes(masks: np.ndarray) -> np.ndarray:
    """(T, 4) x0, y0, x1, y1 (exclusive) per frame; NaN where the mask is empty."""
    boxes = np.full((len(masks), 4), np.nan)
    for i, m in enumerate(masks):
        ys, xs = np.nonzero(m)
        if len(xs):
            boxes[i] = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    return boxes


def _touching(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per frame: do boxes a and b (T, 4) overlap or touch?"""
    with np.errstate(invalid="ignore"):
        return ((a[:, 0] <= b[:, 2]) & (b[:, 0] <= a[:, 2])
                & (a[:, 1] <= b[:, 3]) & (b[:, 1] <= a[:, 3]))


def _shape(masks: np.ndarray, areas: np.ndarray, clear: np.ndarray) -> str:
    """The ideal shape that best overlaps the object, frame by frame.

    Each frame's mask is compared (intersection over union) with a circle, a square and an
    upward triangle of the same area and centre of mass, and the shape with the best mean overlap
    wins. A few stray pixels along an edge barely move that overlap, where they would widen a
    bounding box. Only frames where no other object touches this one count (if there are any).
    """
    seen = areas > 0
    use = np.nonzero(seen & clear if (seen & clear).any() else seen)[0]
    m = masks[use]
    side = m.shape[-1]
    area = areas[use].astype(np.float64)
    grid = np.arange(side) + 0.5
    mx = (m.sum(1) * grid).sum(1) / area
    my = (m.sum(2) * grid).sum(1) / area
    best, overlap = "circle", -1.0
    for shape, half, lift in (("circle", np.sqrt(area / np.pi), 0.0), ("square", np.sqrt(area) / 2, 0.0),
                              ("triangle", np.sqrt(area / 2), 1 / 3)):
        # a triangle's centre of mass lies a third of its half-height below its box centre
        ideal = shape_mask(shape, half, np.stack([mx, my - lift * half], axis=1), side)
        iou = float(np.mean((ideal & m).sum((1, 2)) / (ideal | m).sum((1, 2))))
        if iou > overlap:
            best, overlap = shape, iou
    return best


def _fit_axis(pos: np.ndarray, half: float, side: int) -> float:
    """Initial velocity (px/frame) of the bouncing motion that best explains `pos` (NaN = absent)."""
    t = np.nonzero(~np.isnan(pos))[0].astype(np.float64)
    if len(t) < 2:
        return 0.0
    p = pos[~np.isnan(pos)]
    lo, hi = half, side - half
    v = np.linspace(-0.05, 0.05, 101)[:, None, None] * side
    p0 = np.linspace(lo, hi, max(2, int((hi - lo) * 4) + 1))[None, :, None]
    err = ((bounce(p0, v, lo, hi, t[None, None, :]) - p) ** 2).sum(-1)
    return float(v.ravel()[np.unravel_index(np.argmin(err), err.shape)[0]])


def _direction(vx: float, vy: float, side: int) -> str:
    sx = 0 if abs(vx) < MOVING * side else int(np.sign(vx))
    sy = 0 if abs(vy) < MOVING * side else int(np.sign(vy))
    return next(name for name, d in DIRECTIONS.items() if d == (sx, sy))


def _object(name: str, masks: np.ndarray, boxes: np.ndarray, clear: np.ndarray) -> ObjectReading:
    side = masks.shape[-1]
    areas = masks.sum((1, 2))
    centres = np.stack([boxes[:, 0] + boxes[:, 2], boxes[:, 1] + boxes[:, 3]], axis=1) / 2
    vx = _fit_axis(centres[:, 0], float(np.nanmedian(boxes[:, 2] - boxes[:, 0])) / 2, side)
    vy = _fit_axis(centres[:, 1], float(np.nanmedian(boxes[:, 3] - boxes[:, 1])) / 2, side)
    shape = _shape(masks, areas, clear)
    return ObjectReading(name, shape, _direction(vx, vy, side), (vx, vy), centres, areas)


def analyse(frames: np.ndarray, max_objects: int = 2) -> Reading:
    """Read a clip (T, H, W, 3) uint8 of the shapes world."""
    idx = palette_indices(frames)
    counts = np.bincount(idx.ravel(), minlength=len(PALETTE))
    background = PALETTE_NAMES[int(np.argmax(counts[:_BG]))]
    threshold = MIN_AREA * idx[0].size * len(idx)
    colours = [c for c in np.argsort(-counts[_BG:]) + _BG if counts[c] >= threshold][:max_objects]
    masks = [idx == c for c in colours]
    boxes = [_boxes(m) for m in masks]
    objects = []
    for i, c in enumerate(colours):
        clear = np.ones(len(idx), dtype=bool)
        for j in range(len(colours)):
            if j != i:
                clear &= ~_touching(boxes[i], boxes[j])
        objects.append(_object(PALETTE_NAMES[c], masks[i], boxes[i], clear))
    return Reading(background, tuple(objects))
