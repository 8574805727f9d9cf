"""Frames -> continuous latents: each cell of the latent grid reads its patch of pixels in every
frame of its slice directly (space-to-depth), then residual convolutions mix neighbouring cells.

Reading pixels as channels makes an edge's exact position within a cell linearly available, and
keeps all computation on the small latent grid, where wide layers are cheap on a CPU.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.blocks import ResBlock, conv_bn
from generation.vqvae.config import VQVAEConfig


class Encoder(nn.Module):
    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        cell = cfg.slice_frames * 3 * cfg.patch * cfg.patch  # input values per cell and slice
        self.inp = conv_bn(nn.Conv2d(cell, cfg.hidden, 1))
        self.res = nn.Sequential(*(ResBlock(cfg.hidden) for _ in range(cfg.res_blocks)))
        self.out = nn.Conv2d(cfg.hidden, cfg.code_dim, 1)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """(B, T, 3, H, W) in [-1, 1], T a multiple of slice_frames -> (B, S, D, h, w)."""
        b, t, c, size, _ = frames.shape
        k, p = self.cfg.slice_frames, self.cfg.patch
        x = F.pixel_unshuffle(frames.reshape(b * t, c, size, size), p)  # (B*T, 3*p*p, h, w)
        h = x.shape[-1]
        x = x.reshape(b * t // k, k * c * p * p, h, h)  # a slice's frames side by side in channels
        x = self.res(self.inp(x))
        return self.out(F.relu(x)).reshape(b, t // k, -1, h, h)
