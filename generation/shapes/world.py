"""The "shapes" world: what a clip may contain, sampled as plain values.

Everything the renderer, the captions and the analyser agree on lives here: the palette, the
shapes, sizes, directions and speeds, and the bouncing trajectory of an object.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = 64  # native frame side, pixels
FPS = 8

BACKGROUNDS = {
    "black": (0, 0, 0),
    "gray": (64, 64, 64),
    "navy": (16, 24, 64),
    "forest": (16, 48, 24),
}
COLOURS = {
    "red": (230, 40, 40),
    "green": (40, 200, 70),
    "blue": (50, 90, 240),
    "yellow": (240, 220, 40),
    "white": (240, 240, 240),
    "orange": (250, 140, 20),
    "purple": (160, 60, 220),
    "cyan": (40, 220, 230),
}
# Palette index = position in this list: backgrounds first, then object colours.
PALETTE_NAMES = list(BACKGROUNDS) + list(COLOURS)
PALETTE = np.array([*BACKGROUNDS.values(), *COLOURS.values()], dtype=np.uint8)  # (12, 3)

SHAPES = ("circle", "square", "triangle")
SIZES = {"small": 0.15, "large": 0.25}  # extent (diameter / side) as a fraction of the width
SPEEDS = {"slow": 0.02, "fast": 0.04}  # fraction of the width per frame
DIRECTIONS = {
    "left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1),
    "up-left": (-1, -1), "up-right": (1, -1), "down-left": (-1, 1), "down-right": (1, 1),
    "still": (0, 0),
}


@dataclass(frozen=True)
class ObjectSpec:
    """One flat object: its look, where its box centre starts (pixels) and how it moves."""

    colour: str
    shape: str
    size: str
    direction: str
    speed: str
    x: float
    y: float

    def extent(self, side: int = SIZE) -> float:
        return SIZES[self.size] * side

    def velocity(self, side: int = SIZE) -> tuple[float, float]:
        """Pixels per frame; diagonals move at the same speed as straight motions."""
        dx, dy = DIRECTIONS[self.direction]
        norm = max(1.0, float(np.hypot(dx, dy)))
        v = SPEEDS[self.speed] * side
        return dx * v / norm, dy * v / norm


@dataclass(frozen=True)
class ClipSpec:
    """A clip: background and one or two objects (distinct colours), drawn in order."""

    background: str
    objects: tuple[ObjectSpec, ...]


def bounce(start: np.ndarray, velocity: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           frames: np.ndarray) -> np.ndarray:
    """Positions at `frames` of points moving at `velocity` and reflecting off [lo, hi].

    Closed form of frame-by-frame reflection (a triangle wave), broadcasting over all arguments.
    """
    span = np.maximum(hi - lo, 1e-6)
    p = (start - lo + velocity * frames) % (2 * span)
    return lo + np.where(p > span, 2 * span - p, p)


def track(obj: ObjectSpec, frames: int, side: int = SIZE) -> np.ndarray:
    """Box-centre positions (frames, 2) of an object bouncing inside the frame."""
    half = obj.extent(side) / 2
    t = np.arange(frames, dtype=np.float64)[:, None]
    start = np.array([obj.x, obj.y]) * side / SIZE
    return bounce(start, np.array(obj.velocity(side)), half, side - half, t)


def sample_object(rng: np.random.Generator, colour: str | None = None) -> ObjectSpec:
    """A random object at least 3 frames of motion away from every edge.

    So its caption's direction is what one sees at the start of the clip (an object starting at
    an edge would look the same moving away from it as bouncing off it).
    """
    size, direction, speed = (str(rng.choice(list(d))) for d in (SIZES, DIRECTIONS, SPEEDS))
    half = SIZES[size] * SIZE / 2
    start = []
    for v in ObjectSpec("red", "circle", size, direction, speed, 0, 0).velocity():
        lo, hi = half + 3 * abs(v), SIZE - half - 3 * abs(v)
        start.append(float(rng.uniform(lo, hi)))
    return ObjectSpec(colour=colour or str(rng.choice(list(COLOURS))), shape=str(rng.choice(SHAPES)),
                      size=size, direction=direction, speed=speed, x=start[0], y=start[1])


def sample_clip(rng: np.random.Generator, two_objects: float = 0.3) -> ClipSpec:
    """A random clip; with probability `two_objects` it holds two objects of different colours."""
    first = sample_object(rng)
    objects = [first]
    if rng.random() < two_objects:
        others = [c for c in COLOURS if c != first.colour]
        objects.append(sample_object(rng, colour=str(rng.choice(others))))
    return ClipSpec(background=str(rng.choice(list(BACKGROUNDS))), objects=tuple(objects))
