"""A second decoder path that sharpens the painted frames at full resolution.

The cell painter (Decoder.paint) draws each latent cell's patch on its own, so an object spanning
several cells came out ragged and its corners rounded: a triangle read as a dome, a square as a
blob. This path unfolds each slice's trunk features into its frames, upsamples them 8x8 -> 16x16 ->
32x32 with convolutions that see across cell borders, reads the painted logits beside them, and
adds a correction to those logits. Its last layer starts at zero, so a tokenizer trained without
it decodes exactly as before and the correction is learned on top (see `tokens_from` in
generation.train.vqvae_stage: the codes stay frozen, so a prior trained on them stays valid).
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.blocks import ResBlock, conv_bn


class Refiner(nn.Module):
    def __init__(self, hidden: int, slice_frames: int, colours: int, channels: int):
        super().__init__()
        self.k = slice_frames
        c = channels
        self.unfold = conv_bn(nn.Conv2d(hidden, slice_frames * 3 * c, 1))  # a slice -> its frames
        self.up1 = conv_bn(nn.Conv2d(3 * c, 4 * 2 * c, 3, padding=1))  # 8x8 -> 16x16, 2c channels
        self.res1 = ResBlock(2 * c)
        self.up2 = conv_bn(nn.Conv2d(2 * c, 4 * c, 3, padding=1))  # 16x16 -> 32x32, c channels
        self.res2 = ResBlock(c)
        self.fuse = conv_bn(nn.Conv2d(c + 4 * colours, c, 3, padding=1))  # + painted logits, 2x2 folded
        self.out = nn.Conv2d(c, 4 * colours, 3, padding=1)  # -> a 2x2 block of logit corrections
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, trunk: torch.Tensor, painted: torch.Tensor) -> torch.Tensor:
        """trunk (B, S, C, h, w), painted logits (B, T, P, H, W) -> corrected logits, same shape."""
        b, s, _, h, w = trunk.shape
        _, t, n, size, _ = painted.shape
        x = F.relu(self.unfold(F.relu(trunk.reshape(b * s, -1, h, w))))
        x = x.reshape(b * s * self.k, -1, h, w)  # (B*T, 3c, h, w)
        x = self.res1(F.relu(F.pixel_shuffle(self.up1(x), 2)))
        x = self.res2(F.relu(F.pixel_shuffle(self.up2(F.relu(x)), 2)))  # (B*T, c, H/2, W/2)
        folded = F.pixel_unshuffle(painted.reshape(b * t, n, size, size), 2)
        x = F.relu(self.fuse(torch.cat([F.relu(x), folded], dim=1)))
        correction = F.pixel_shuffle(self.out(x), 2).reshape(painted.shape)
        return painted + correction
