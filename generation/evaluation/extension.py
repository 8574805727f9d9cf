"""Extension figures: continue fresh clips from their first frames and compare the first second
with the true continuation (PSNR against repeating the last frame; direction kept)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generation.evaluation.tokenizer import psnr
from generation.sampler import SamplingSettings, run_to_end
from generation.shapes.analyser import analyse
from generation.shapes.batches import sample_batch
from generation.shapes.captions import caption
from generation.shapes.render import to_rgb


@dataclass(frozen=True)
class ExtensionFigures:
    clips: int
    with_caption: bool
    psnr_model: float  # mean over clips of the PSNR of the predicted second
    psnr_repeat: float  # the same for repeating the last context frame
    gain_db: float
    direction_kept: float  # the main object's direction in the prediction equals the truth's


def moving_clips(n: int, frames: int, seed: int):
    """n fresh clips in which every object moves."""
    rng = np.random.default_rng([seed, 3])
    kept = []
    while len(kept) < n:
        batch = sample_batch(rng, 4 * n, frames, late_start=0.5, two_objects=0.3)
        for spec, start, idx in zip(batch.clips, batch.starts, batch.indices):
            if all(o.direction != "still" for o in spec.objects) and len(kept) < n:
                kept.append((spec, idx))
    return kept


def _capped(value: float) -> float:
    return min(value, 60.0) if not math.isnan(value) else value


def evaluate_extension(model, n: int = 48, context_frames: int = 8, with_caption: bool = False,
                       settings: SamplingSettings | None = None, seed: int = 5,
                       batch: int = 8) -> ExtensionFigures:
    """Context = the first `context_frames` frames; the model predicts the next second."""
    horizon = int(model.fps)
    clips = moving_clips(n, context_frames + horizon, seed)
    rng = np.random.default_rng([seed, 4])
    gains_m, gains_r, kept = [], [], []
    for start in range(0, n, batch):
        group = clips[start:start + batch]
        frames = np.stack([to_rgb(idx) for _, idx in group])
        prompts = [caption(spec, rng) if with_caption else "" for spec, _ in group]
        pred = run_to_end(model.sample_iter(prompts, horizon, seed=start, settings=settings,
                                            context=frames[:, :context_frames]))
        for p, f in zip(pred, frames):
            truth = f[context_frames:]
            gains_m.append(_capped(psnr(p, truth)))
            gains_r.append(_capped(psnr(np.repeat(f[context_frames - 1:context_frames], horizon, 0), truth)))
            want, got = analyse(truth).main, analyse(p)
            match = [o for o in got.objects if want is not None and o.colour == want.colour]
            kept.append(bool(match) and match[0].direction == want.direction)
    m, r = float(np.mean(gains_m)), float(np.mean(gains_r))
    return ExtensionFigures(n, with_caption, m, r, m - r, float(np.mean(kept)))
