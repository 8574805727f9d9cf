"""Quantised latents -> per-pixel palette logits, causal across latent slices.

The world is flat colours from a known palette drawn without anti-aliasing, so the decoder
classifies each pixel among the palette colours (cross-entropy) instead of regressing RGB: edges
stay crisp and colours exact, where an RGB regression blurs both.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.blocks import CausalSliceBlock, conv_bn
from generation.vqvae.config import VQVAEConfig


class Decoder(nn.Module):
    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        self.inp = conv_bn(nn.Conv2d(cfg.code_dim, cfg.hidden, 3, padding=1))
        self.res = nn.ModuleList(CausalSliceBlock(cfg.hidden) for _ in range(cfg.res_blocks))
        top = cfg.channels[-1]
        self.unmix = conv_bn(nn.Conv2d(cfg.hidden, cfg.slice_frames * top, 1))
        widths = cfg.channels[::-1]  # e.g. 96, 64, 32
        self.up = nn.ModuleList(
            conv_bn(nn.ConvTranspose2d(a, b, 4, stride=2, padding=1))
            for a, b in zip(widths, (*widths[1:], widths[-1])))
        self.head = nn.Conv2d(widths[-1], len(cfg.palette), 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, S, D, h, w) -> palette logits (B, S*slice_frames, P, H, W)."""
        b, s, d, h, w = z.shape
        k = self.cfg.slice_frames
        x = self.inp(z.reshape(b * s, d, h, w)).reshape(b, s, -1, h, w)
        for block in self.res:
            x = block(x)
        x = self.unmix(F.relu(x.reshape(b * s, -1, h, w)))  # (B*S, k*C, h, w)
        x = x.reshape(b * s * k, -1, h, w)  # one feature map per frame
        for conv in self.up:
            x = conv(F.relu(x))
        logits = self.head(F.relu(x))
        return logits.reshape(b, s * k, -1, *logits.shape[-2:])
