"""Tokenizer figures: reconstruction PSNR, what the analyser reads back, smoothness across slices."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from generation.shapes.analyser import analyse
from generation.shapes.batches import sample_batch
from generation.shapes.render import to_rgb
from generation.vqvae.model import VQVAE


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


@dataclass(frozen=True)
class TokenizerFigures:
    clips: int
    psnr: float  # from the mean squared error over all clips
    psnr_median: float  # median of per-clip PSNR (inf = exact)
    exact_clips: float  # fraction reconstructed pixel-exact
    colour_ok: float  # analyser reads the object's colour in the reconstruction
    shape_ok: float
    direction_ok: float
    centre_jump_boundary: float  # px: change of position error across a slice boundary
    centre_jump_within: float  # px: same, between frames of one slice
    area_jump_boundary: float  # relative change of area error across a slice boundary
    area_jump_within: float
    centre_error: float  # px: mean |reconstructed - true| box centre


@torch.no_grad()
def reconstruct(vqvae: VQVAE, frames: np.ndarray, chunk: int = 16) -> np.ndarray:
    device = next(vqvae.parameters()).device
    out = [vqvae.decode(vqvae.encode(torch.from_numpy(frames[i:i + chunk]).to(device))).cpu().numpy()
           for i in range(0, len(frames), chunk)]
    return np.concatenate(out)


def evaluate_tokenizer(vqvae: VQVAE, clips: int = 200, frames: int = 16, seed: int = 7) -> TokenizerFigures:
    """Clips of `frames` frames, encoded with one latent slice more (as generation samples one
    more), scored on their first `frames` frames."""
    extra = vqvae.cfg.slice_frames
    batch = sample_batch(np.random.default_rng([seed, 1]), clips, frames + extra, late_start=0.5,
                         two_objects=0.3)
    truth = to_rgb(batch.indices)[:, :frames]
    recon = reconstruct(vqvae, to_rgb(batch.indices))[:, :frames]
    per_clip = np.array([psnr(r, t) for r, t in zip(recon, truth)])
    k = vqvae.cfg.slice_frames
    boundary = (np.arange(1, frames) % k) == 0  # transition t-1 -> t crosses a slice boundary
    colour = shape = direction = total = 0
    jumps_c, jumps_a, errors = [], [], []
    for r, t in zip(recon, truth):
        true, got = analyse(t), analyse(r)
        for obj in true.objects:
            total += 1
            match = [o for o in got.objects if o.colour == obj.colour]
            if not match:
                continue
            colour += 1
            shape += match[0].shape == obj.shape
            direction += match[0].direction == obj.direction
            err = match[0].centres - obj.centres  # (T, 2)
            errors.append(np.nanmean(np.linalg.norm(err, axis=1)))
            jumps_c.append(np.linalg.norm(np.diff(err, axis=0), axis=1))
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = match[0].areas / obj.areas
            jumps_a.append(np.abs(np.diff(rel)))
    jc, ja = np.array(jumps_c), np.array(jumps_a)
    return TokenizerFigures(
        clips=clips,
        psnr=psnr(recon, truth),
        psnr_median=float(np.median(per_clip)),
        exact_clips=float(np.mean(np.isinf(per_clip))),
        colour_ok=colour / total, shape_ok=shape / total, direction_ok=direction / total,
        centre_jump_boundary=float(np.nanmean(jc[:, boundary])),
        centre_jump_within=float(np.nanmean(jc[:, ~boundary])),
        area_jump_boundary=float(np.nanmean(np.where(np.isfinite(ja), ja, np.nan)[:, boundary])),
        area_jump_within=float(np.nanmean(np.where(np.isfinite(ja), ja, np.nan)[:, ~boundary])),
        centre_error=float(np.nanmean(errors)),
    )
