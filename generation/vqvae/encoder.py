"""Frames -> continuous latents: a per-frame conv stack, then frames of a slice mixed together."""
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
        widths = (3, *cfg.channels)
        self.down = nn.ModuleList(
            conv_bn(nn.Conv2d(a, b, 4, stride=2, padding=1)) for a, b in zip(widths[:-1], widths[1:]))
        self.mix = conv_bn(nn.Conv2d(cfg.slice_frames * cfg.channels[-1], cfg.hidden, 1))
        self.res = nn.Sequential(*(ResBlock(cfg.hidden) for _ in range(cfg.res_blocks)))
        self.out = nn.Conv2d(cfg.hidden, cfg.code_dim, 1)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """(B, T, 3, H, W) in [-1, 1], T a multiple of slice_frames -> (B, S, D, h, w)."""
        b, t, _, size, _ = frames.shape
        k = self.cfg.slice_frames
        x = frames.reshape(b * t, 3, size, size)
        for i, conv in enumerate(self.down):
            x = conv(x) if i == 0 else conv(F.relu(x))  # (B*T, C_i, H/2^i, W/2^i)
        _, c, h, w = x.shape
        x = x.reshape(b * t // k, k * c, h, w)  # the slice's frames side by side in channels
        x = self.res(self.mix(F.relu(x)))
        return self.out(F.relu(x)).reshape(b, t // k, -1, h, w)
