"""Codes as the prior writes them, for training the decoder on.

A decoder trained on the encoder's codes alone meets other codes at generation time: the prior
picks each cell's codes given the cells before it, and a pick can be plausible alone yet not fit
its neighbours (a square's corner cell placed a pixel off, which draws a notched or rounded
corner: most squares the prior drew were read as circles). Re-sampling a share of the cells from
the prior, teacher-forced on the true codes, shows the decoder such picks while it is still asked
for the true frames, so it learns to draw the clean shape that the codes around them imply.
"""
from __future__ import annotations

from pathlib import Path

import torch

from generation.prior.loading import load_prior
from generation.text_encoder import TextEncoder


class PriorNoise:
    """`share` is the mean fraction of cells re-sampled; each clip draws its own fraction in
    [0, 2 * share], so some clips stay nearly clean and the decoder keeps its exact reconstructions."""

    def __init__(self, prior_path: str | Path, share: float, device: torch.device,
                 text: TextEncoder | None = None):
        self.prior = load_prior(prior_path).to(device).eval().requires_grad_(False)
        self.text = text or TextEncoder(device)
        self.share = share

    @torch.no_grad()
    def __call__(self, codes: torch.Tensor, captions: list[str], generator: torch.Generator) -> torch.Tensor:
        """codes (B, S, h, w, levels) -> the same codes with some cells re-sampled from the prior."""
        b, levels = codes.shape[0], codes.shape[-1]
        flat = codes.reshape(b, -1, levels)
        if flat.shape[1] > self.prior.cfg.window:
            raise ValueError(f"{flat.shape[1]} cells exceed the prior's window of {self.prior.cfg.window}")
        states, mask = self.text.encode(captions)
        h = self.prior(self.prior.inputs(flat), states, mask)  # teacher-forced: the true cells before
        picks = flat[..., :0]
        for level in range(levels):
            probs = self.prior.logits(h, level, picks).softmax(-1)
            pick = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=generator)
            picks = torch.cat([picks, pick.reshape(b, -1, 1)], -1)
        fraction = torch.rand(b, 1, generator=generator, device=generator.device) * 2 * self.share
        swap = torch.rand(flat.shape[:2], generator=generator, device=generator.device) < fraction
        return torch.where(swap[..., None], picks, flat).reshape(codes.shape)
