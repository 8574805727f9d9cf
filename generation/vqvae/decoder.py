"""Quantised latents -> per-pixel palette logits.

Residual convolutions on the latent grid, each seeing its own slice and the ones just before and
after (see SliceBlock); then each frame gets its own map, mixed from its slice and the two around
it (so a frame near a slice's end leans on the next slice: objects move smoothly across slice
boundaries instead of jumping), refined by spatial residual blocks; then a per-cell MLP paints
the cell's patch of pixels (depth-to-space). Context and new codes decode together, so an
extension continues from the codes of its context without a seam.

The world is flat colours from a known palette drawn without anti-aliasing, so each pixel is
classified among the palette colours (cross-entropy) instead of regressed as RGB: edges stay crisp
and colours exact, where an RGB regression blurs both.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.blocks import ResBlock, SliceBlock, conv_bn
from generation.vqvae.config import VQVAEConfig


class Decoder(nn.Module):
    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        self.inp = conv_bn(nn.Conv2d(cfg.code_dim, cfg.hidden, 3, padding=1))
        self.res = nn.ModuleList(SliceBlock(cfg.hidden) for _ in range(cfg.res_blocks))
        self.to_frames = conv_bn(nn.Conv2d(3 * cfg.hidden, cfg.slice_frames * cfg.frame_hidden, 1))
        self.frame_res = nn.Sequential(*(ResBlock(cfg.frame_hidden) for _ in range(cfg.frame_blocks)))
        self.head = conv_bn(nn.Conv2d(cfg.frame_hidden, cfg.head_hidden, 1))
        self.paint = nn.Conv2d(cfg.head_hidden, len(cfg.palette) * cfg.patch * cfg.patch, 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, S, D, h, w) -> palette logits (B, S*slice_frames, P, H, W)."""
        b, s, d, h, w = z.shape
        k, p, n = self.cfg.slice_frames, self.cfg.patch, len(self.cfg.palette)
        x = self.inp(z.reshape(b * s, d, h, w)).reshape(b, s, -1, h, w)
        for block in self.res:
            x = block(x)
        zero = torch.zeros_like(x[:, :1])
        triple = torch.cat([torch.cat([zero, x[:, :-1]], 1), x, torch.cat([x[:, 1:], zero], 1)], dim=2)
        f = self.to_frames(F.relu(triple.reshape(b * s, -1, h, w)))  # (B*S, k*Cf, h, w)
        f = self.frame_res(f.reshape(b * s * k, -1, h, w))  # one map per frame
        x = self.paint(F.relu(self.head(F.relu(f))))  # (B*T, P*p*p, h, w)
        return F.pixel_shuffle(x, p).reshape(b, s * k, n, h * p, w * p)
