"""Speed figures: wall time of a 2-second clip (prompt encoding included) and latent cells per
second (one prior step each, all levels of the cell) with and without the key/value cache."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from generation.sampler import SamplingSettings, run_to_end, sample_cell


@dataclass(frozen=True)
class SpeedFigures:
    device: str
    clip_seconds: float  # median wall time of one 2-second clip, text encoder included
    clip_seconds_guided: float  # the same with classifier-free guidance
    cells_per_s_cache: float  # one prior step per latent cell (its codes of every level)
    cells_per_s_no_cache: float


@torch.no_grad()
def _no_cache_rate(model, codes: int) -> float:
    """Codes per second when every new code runs the prior over the whole sequence so far."""
    prior = model.prior
    states, mask = model.text.encode(["a red circle moving left"])
    tokens = torch.full((1, 1, prior.cfg.levels), prior.start_token, dtype=torch.long, device=model.device)
    gen = torch.Generator(device=model.device).manual_seed(0)
    start = time.perf_counter()
    for _ in range(codes):
        cell = sample_cell(prior, prior(tokens, states, mask)[:, -1], SamplingSettings(), gen)
        tokens = torch.cat([tokens, cell[:, None]], 1)
    return codes / (time.perf_counter() - start)


def evaluate_speed(model, repeats: int = 5) -> SpeedFigures:
    frames = 2 * int(model.fps)
    prompts = [f"a {c} square moving left on a black background" for c in
               ("red", "green", "blue", "yellow", "white", "orange", "purple", "cyan")]

    def clip_time(settings: SamplingSettings) -> float:
        times = []
        for i in range(repeats):
            model.text._cache.clear()  # count the prompt encoding every time
            start = time.perf_counter()
            run_to_end(model.generate_iter(prompts[i % len(prompts)], frames, seed=i, settings=settings))
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    plain = replace(model.defaults, guidance=0.0)
    guided = replace(model.defaults, guidance=max(model.defaults.guidance, 2.0))
    clip_time(plain)  # warm-up
    t_plain, t_guided = clip_time(plain), clip_time(guided)
    codes = model.prior.cfg.window
    device = f"{model.device} ({model.prior_weights} prior)"
    return SpeedFigures(device, t_plain, t_guided, codes / t_plain,
                        _no_cache_rate(model, codes))
