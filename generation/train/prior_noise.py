"""Codes as the prior writes them, for training the decoder on.

A decoder trained on the encoder's codes alone meets other codes at generation time: the prior
picks each cell's codes given the cells before it, and a pick can be plausible alone yet not fit
its neighbours (a square's corner cell placed a pixel off, which draws a notched or rounded
corner: most squares the prior drew were read as circles). Re-sampling a share of the cells from
the prior, teacher-forced on the true codes, shows the decoder such picks while it is still asked
for the true frames, so it learns to draw the clean shape that the codes around them imply.

The prior meets the same slips in its own context: each later cell is predicted from cells it
sampled. Shown its own re-sampled cells as inputs while asked for the true codes, it learns to
hold to the prompt rather than follow a slip (the prior's likelihood of a true square clip is far
higher under "square" than under "circle", yet it drew circles; a context slip is the likely way
in). This is the noise augmentation of the context that autoregressive video models use against
drift.
"""
from __future__ import annotations

from pathlib import Path

import torch

from generation.prior.loading import load_prior
from generation.prior.model import Prior


class PriorNoise:
    """`share` is the mean fraction of cells re-sampled; each clip draws its own fraction in
    [0, 2 * share], so some clips stay nearly clean (the decoder keeps its exact reconstructions,
    the prior its fit to clean context)."""

    def __init__(self, prior: Prior, share: float):
        self.prior = prior
        self.share = share

    @classmethod
    def load(cls, path: str | Path, share: float, device: torch.device) -> "PriorNoise":
        return cls(load_prior(path).to(device).eval().requires_grad_(False), share)

    @torch.no_grad()
    def __call__(self, codes: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor,
                 generator: torch.Generator) -> torch.Tensor:
        """codes (B, S, h, w, levels) or (B, L, levels) -> the same codes with some cells
        re-sampled from the prior, given the prompt's token states and mask."""
        b, levels = codes.shape[0], codes.shape[-1]
        flat = codes.reshape(b, -1, levels)
        if flat.shape[1] > self.prior.cfg.window:
            raise ValueError(f"{flat.shape[1]} cells exceed the prior's window of {self.prior.cfg.window}")
        h = self.prior(self.prior.inputs(flat), text_states, text_mask)  # teacher-forced: true cells before
        picks = flat[..., :0]
        for level in range(levels):
            probs = self.prior.logits(h, level, picks).softmax(-1)
            pick = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=generator)
            picks = torch.cat([picks, pick.reshape(b, -1, 1)], -1)
        fraction = torch.rand(b, 1, generator=generator, device=generator.device) * 2 * self.share
        swap = torch.rand(flat.shape[:2], generator=generator, device=generator.device) < fraction
        return torch.where(swap[..., None], picks, flat).reshape(codes.shape)
