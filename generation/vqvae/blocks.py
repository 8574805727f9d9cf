"""Building blocks of the tokenizer: conv + batch norm, spatial residual blocks, and residual
blocks that are causal in time over latent slices.

Batch norm, not group norm: a frame of flat background carries its colour in the absolute level of
its features, which per-sample normalisation erases (group norm failed to learn backgrounds);
without any normalisation the deep ReLU stack learned far too slowly.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


def conv_bn(conv: nn.Module) -> nn.Sequential:
    """A convolution followed by batch norm over its output channels."""
    return nn.Sequential(conv, nn.BatchNorm2d(conv.out_channels))


class ResBlock(nn.Module):
    """x + bn(conv3x3(relu(bn(conv3x3(relu(x)))))) on (N, C, H, W)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = conv_bn(nn.Conv2d(channels, channels // 2, 3, padding=1))
        self.conv2 = conv_bn(nn.Conv2d(channels // 2, channels, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.relu(self.conv1(F.relu(x))))


class CausalSliceBlock(nn.Module):
    """A residual block that sees the current latent slice and the one before it.

    (B, S, C, H, W) -> same. Slice s mixes slices s-1 and s (zeros before the first), so decoding
    slice s never depends on later slices: context decodes the same with or without what follows,
    and extension continues seamlessly from the context's own decoding.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = conv_bn(nn.Conv2d(2 * channels, channels // 2, 3, padding=1))
        self.conv2 = conv_bn(nn.Conv2d(channels // 2, channels, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, s, c, h, w = x.shape
        previous = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)
        pair = F.relu(torch.cat([previous, x], dim=2)).reshape(b * s, 2 * c, h, w)
        return x + self.conv2(F.relu(self.conv1(pair))).reshape(b, s, c, h, w)
