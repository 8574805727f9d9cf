"""Quantised latents -> per-pixel palette logits.

Residual convolutions on the latent grid, each seeing its own slice and the ones just before and
after (see SliceBlock), then a per-cell MLP paints the cell's patch of pixels in every frame of
its slice (depth-to-space); an optional second path (refine.py) sharpens the result across cell
borders. Context and new codes decode together, so an extension continues from the codes of its
context without a seam.

The world is flat colours from a known palette drawn without anti-aliasing, so each pixel is
classified among the palette colours (cross-entropy) instead of regressed as RGB: edges stay crisp
and colours exact, where an RGB regression blurs both.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.blocks import SliceBlock, conv_bn
from generation.vqvae.config import VQVAEConfig
from generation.vqvae.refine import Refiner


class Decoder(nn.Module):
    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        self.inp = conv_bn(nn.Conv2d(cfg.code_dim, cfg.hidden, 3, padding=1))
        self.res = nn.ModuleList(SliceBlock(cfg.hidden) for _ in range(cfg.res_blocks))
        self.head = conv_bn(nn.Conv2d(cfg.hidden, cfg.head_hidden, 1))
        cell = cfg.slice_frames * len(cfg.palette) * cfg.patch * cfg.patch  # logits per cell
        self.paint = nn.Conv2d(cfg.head_hidden, cell, 1)
        self.refine = (Refiner(cfg.hidden, cfg.slice_frames, len(cfg.palette), cfg.refine_channels)
                       if cfg.refine_channels else None)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, S, D, h, w) -> palette logits (B, S*slice_frames, P, H, W)."""
        b, s, d, h, w = z.shape
        k, p, n = self.cfg.slice_frames, self.cfg.patch, len(self.cfg.palette)
        x = self.inp(z.reshape(b * s, d, h, w)).reshape(b, s, -1, h, w)
        for block in self.res:
            x = block(x)
        trunk = x
        x = self.paint(F.relu(self.head(F.relu(x.reshape(b * s, -1, h, w)))))  # (B*S, k*P*p*p, h, w)
        x = F.pixel_shuffle(x.reshape(b * s * k, n * p * p, h, w), p)  # (B*S*k, P, H, W)
        painted = x.reshape(b, s * k, n, h * p, w * p)
        return painted if self.refine is None else self.refine(trunk, painted)
