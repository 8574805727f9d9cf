"""Training batches drawn from the shapes world on the fly (numpy, a few ms per batch)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generation.shapes.captions import caption
from generation.shapes.render import render_indices
from generation.shapes.world import ClipSpec, sample_clip


@dataclass
class Batch:
    clips: list[ClipSpec]
    starts: np.ndarray  # (B,) first frame of each window in its clip's motion
    indices: np.ndarray  # (B, T, H, W) uint8 palette indices
    captions: list[str]  # "" where the caption was dropped (for classifier-free guidance)


def sample_batch(rng: np.random.Generator, size: int, frames: int, empty_captions: float = 0.0,
                 late_start: float = 0.0, two_objects: float = 0.3, wording: str = "train") -> Batch:
    """`size` random clips of `frames` frames.

    With probability `late_start` a window starts later in its clip's motion (after bounces, as
    the windows of a long clip do); its caption still describes the clip from its start.
    `wording` is a training wording of `captions` ("train" or "wide").
    """
    clips = [sample_clip(rng, two_objects) for _ in range(size)]
    late = rng.random(size) < late_start
    starts = np.where(late, rng.integers(1, 4 * frames, size), 0)
    indices = np.stack([render_indices(c, frames, start=int(s)) for c, s in zip(clips, starts)])
    captions = ["" if rng.random() < empty_captions else caption(c, rng, wording) for c in clips]
    return Batch(clips, starts, indices, captions)
