"""Sample tokenizer codes from the prior, one forward step per code with a key/value cache.

`sample_codes` is a generator: it yields a Progress per code, checks `should_cancel` between
steps (raising Cancelled), and returns the codes (StopIteration.value; use `run_to_end` or
`yield from`). Clips longer than the trained window slide it forward one latent slice at a time:
the window keeps the last slices as context, so long clips stay coherent.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Generator

import torch

from generation.prior.model import Prior
from generation.progress import Cancelled, Progress


@dataclass(frozen=True)
class SamplingSettings:
    temperature: float = 0.9
    top_k: int | None = 50
    top_p: float | None = None
    guidance: float = 0.0  # classifier-free guidance scale; <= 1 means none

    @property
    def guided(self) -> bool:
        return self.guidance > 1.0


def filter_logits(logits: torch.Tensor, s: SamplingSettings) -> torch.Tensor:
    """Temperature, then top-k and top-p (nucleus) filtering of logits (B, V)."""
    logits = logits / max(s.temperature, 1e-5)
    if s.top_k is not None and s.top_k < logits.shape[-1]:
        kth = torch.topk(logits, s.top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if s.top_p is not None and s.top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cumulative = sorted_logits.softmax(-1).cumsum(-1)
        drop = cumulative - sorted_logits.softmax(-1) > s.top_p  # keep the first token always
        logits = logits.masked_fill(drop.scatter(1, order, drop), float("-inf"))
    return logits


def run_to_end(gen: Generator):
    """Drive a generator to its end, dropping what it yields; return its return value."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


@torch.inference_mode()
def sample_codes(prior: Prior, text_states: torch.Tensor, text_mask: torch.Tensor, slices: int,
                 settings: SamplingSettings = SamplingSettings(), generator: torch.Generator | None = None,
                 context: torch.Tensor | None = None, uncond: tuple[torch.Tensor, torch.Tensor] | None = None,
                 should_cancel: Callable[[], bool] | None = None,
                 preview: Callable[[torch.Tensor], object] | None = None,
                 ) -> Generator[Progress, None, torch.Tensor]:
    """Sample `slices` new latent slices after `context` codes (B, S_ctx, h, w, levels), if any.

    text_states (B, M, D) / text_mask (B, M): the prompt per batch row (one row per take).
    uncond: states and mask of the empty prompt (1 or B rows), needed when settings.guided.
    preview: called with the codes so far (B, S, h, w, levels) each time a slice is complete, when
    a consumer asks that step's Progress for its picture (e.g. a decoded frame for the editor).
    Returns codes (B, S_ctx + slices, h, w, levels): the context followed by the new slices.
    """
    cfg = prior.cfg
    per, window, levels = cfg.codes_per_slice, cfg.window, cfg.levels
    b, device = text_states.shape[0], text_states.device
    if settings.guided:
        if uncond is None:
            raise ValueError("classifier-free guidance needs the empty prompt's states")
        text_states, text_mask = _stack_prompts(text_states, text_mask, *uncond)
    cells = (context.reshape(b, -1, levels).to(device) if context is not None
             else torch.zeros(b, 0, levels, dtype=torch.long, device=device))
    total = slices * per
    target = cells.shape[1] + total
    done = 0
    while cells.shape[1] < target:
        # the window: everything so far while it fits, else the last (slices - 1) slices
        keep = cells.shape[1] if cells.shape[1] < window else window - per
        room = min(window - keep, target - cells.shape[1])
        cache = prior.new_cache(text_states.shape[0], device)
        start = torch.full((b, 1, levels), prior.start_token, device=device, dtype=torch.long)
        tokens = torch.cat([start, cells[:, cells.shape[1] - keep:]], 1)
        states = _states(prior, tokens, text_states, text_mask, cache, settings)
        new = []
        for i in range(room):
            if should_cancel is not None and should_cancel():
                raise Cancelled()
            cell = sample_cell(prior, states, settings, generator)  # (B, levels)
            new.append(cell[:, None])
            done += 1
            picture = None
            if preview is not None and (cells.shape[1] + len(new)) % per == 0:
                so_far = torch.cat([cells, *new], 1).reshape(b, -1, cfg.side, cfg.side, levels)
                picture = partial(preview, so_far)
            yield Progress("codes", done, total, picture)
            if i + 1 < room:
                states = _states(prior, cell[:, None], None, text_mask, cache, settings)
        cells = torch.cat([cells, *new], dim=1)
    return cells.reshape(b, -1, cfg.side, cfg.side, levels)


def _stack_prompts(states: torch.Tensor, mask: torch.Tensor, u_states: torch.Tensor,
                   u_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows of the prompt, then rows of the empty prompt, padded to one length."""
    b = states.shape[0]
    u_states, u_mask = u_states.expand(b, -1, -1), u_mask.expand(b, -1)
    m = max(states.shape[1], u_states.shape[1])

    def pad(s: torch.Tensor, k: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        extra = m - s.shape[1]
        return (torch.nn.functional.pad(s, (0, 0, 0, extra)), torch.nn.functional.pad(k, (0, extra)))

    (s1, k1), (s2, k2) = pad(states, mask), pad(u_states, u_mask)
    return torch.cat([s1, s2]), torch.cat([k1, k2])


def _states(prior: Prior, tokens: torch.Tensor, states: torch.Tensor | None, mask: torch.Tensor,
            cache, settings: SamplingSettings) -> torch.Tensor:
    """The transformer state (B', C) that predicts the next cell; with guidance B' = 2B rows
    (prompt, then empty prompt)."""
    if settings.guided:
        tokens = torch.cat([tokens, tokens])
    return prior(tokens, states, mask, cache)[:, -1]


def sample_cell(prior: Prior, states: torch.Tensor, settings: SamplingSettings,
                 generator: torch.Generator | None) -> torch.Tensor:
    """Codes (B, levels) of one cell, level by level."""
    below = states.new_zeros((states.shape[0], 0), dtype=torch.long)
    for level in range(prior.cfg.levels):
        logits = prior.logits(states, level, below)
        if settings.guided:
            cond, free = logits.chunk(2)
            logits = free + settings.guidance * (cond - free)
        code = torch.multinomial(filter_logits(logits, settings).softmax(-1), 1, generator=generator)
        below = torch.cat([below, torch.cat([code, code]) if settings.guided else code], 1)
    return below[: len(below) // 2] if settings.guided else below
