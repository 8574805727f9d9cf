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
from generation.shapes.world import ClipSpec, track


@dataclass(frozen=True)
class ExtensionFigures:
    clips: int
    with_caption: bool
    psnr_model: float  # mean over clips of the PSNR of the predicted second
    psnr_repeat: float  # the same for repeating the last context frame
    gain_db: float
    direction_kept: float  # the main object's direction in the prediction equals the truth's
    steady_clips: int  # clips in which no object bounces off a wall in the predicted second
    direction_kept_steady: float  # direction_kept over those


def moving_clips(n: int, frames: int, seed: int):
    """n fresh clips in which every object moves: (spec, first frame of the window in the clip's
    motion, palette indices)."""
    rng = np.random.default_rng([seed, 3])
    kept = []
    while len(kept) < n:
        batch = sample_batch(rng, 4 * n, frames, late_start=0.5, two_objects=0.3)
        for spec, start, idx in zip(batch.clips, batch.starts, batch.indices):
            if all(o.direction != "still" for o in spec.objects) and len(kept) < n:
                kept.append((spec, int(start), idx))
    return kept


def steady(spec: ClipSpec, start: int, first: int, last: int) -> bool:
    """Whether no object of the clip turns (bounces off a wall) from window frame `first` - 1 to
    `last` - 1, the steps into and through the frames to predict; from the world's own motion."""
    for obj in spec.objects:
        steps = np.sign(np.diff(track(obj, start + last)[start + first - 1:], axis=0))
        if (steps != steps[0]).any():
            return False
    return True


def _capped(value: float) -> float:
    return min(value, 60.0) if not math.isnan(value) else value


def evaluate_extension(model, n: int = 48, context_frames: int = 8, with_caption: bool = False,
                       settings: SamplingSettings | None = None, seed: int = 5,
                       batch: int = 8) -> ExtensionFigures:
    """Context = the first `context_frames` frames; the model predicts the next second."""
    horizon = int(model.fps)
    clips = moving_clips(n, context_frames + horizon, seed)
    rng = np.random.default_rng([seed, 4])
    gains_m, gains_r, kept, steadies = [], [], [], []
    for start in range(0, n, batch):
        group = clips[start:start + batch]
        frames = np.stack([to_rgb(idx) for _, _, idx in group])
        prompts = [caption(spec, rng) if with_caption else "" for spec, _, _ in group]
        pred = run_to_end(model.sample_iter(prompts, horizon, seed=start, settings=settings,
                                            context=frames[:, :context_frames]))
        for (spec, window_start, _), p, f in zip(group, pred, frames):
            truth = f[context_frames:]
            gains_m.append(_capped(psnr(p, truth)))
            gains_r.append(_capped(psnr(np.repeat(f[context_frames - 1:context_frames], horizon, 0), truth)))
            want, got = analyse(truth).main, analyse(p)
            match = [o for o in got.objects if want is not None and o.colour == want.colour]
            kept.append(bool(match) and match[0].direction == want.direction)
            steadies.append(steady(spec, window_start, context_frames, context_frames + horizon))
    m, r = float(np.mean(gains_m)), float(np.mean(gains_r))
    kept, steadies = np.array(kept), np.array(steadies)
    return ExtensionFigures(n, with_caption, m, r, m - r, float(kept.mean()), int(steadies.sum()),
                            float(kept[steadies].mean()) if steadies.any() else float("nan"))
