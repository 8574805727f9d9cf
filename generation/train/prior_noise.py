"""Codes as the prior writes them, shown back to it as context while it trains.

Sampling, the prior predicts each cell from cells it sampled itself, and a pick can be plausible
alone yet not fit its neighbours (a square's corner cell placed a pixel off draws a notched
corner). Trained only on true context, the prior then follows the slip: its likelihood of a true
square clip is far higher under "square" than under "circle" (about 20 nats), yet three squares in
four that it drew came out round. Re-sampling a share of the input cells from the prior itself,
teacher-forced on the true codes, while the targets stay the true codes, teaches it to hold to
the prompt and the clip through a slip: the noise augmentation of the context that
autoregressive video models use against drift.
"""
from __future__ import annotations

import torch

from generation.prior.model import Prior
from generation.sampler import SamplingSettings, sample_cell

UNFILTERED = SamplingSettings(temperature=1.0, top_k=None)  # the prior's own distribution


class PriorNoise:
    """`share` is the mean fraction of cells re-sampled; each clip draws its own fraction in
    [0, 2 * share], so some clips stay nearly clean and the prior keeps its fit to clean context."""

    def __init__(self, prior: Prior, share: float):
        self.prior = prior
        self.share = share

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
        picks = sample_cell(self.prior, h.reshape(-1, h.shape[-1]), UNFILTERED, generator).reshape(flat.shape)
        fraction = torch.rand(b, 1, generator=generator, device=generator.device) * 2 * self.share
        swap = torch.rand(flat.shape[:2], generator=generator, device=generator.device) < fraction
        return torch.where(swap[..., None], picks, flat).reshape(codes.shape)
