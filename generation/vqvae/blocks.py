"""Building blocks of the tokenizer: conv + batch norm, spatial residual blocks, and residual
blocks that also see the neighbouring latent slices.

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


class SliceBlock(nn.Module):
    """A residual block that sees a latent slice and its neighbours in time.

    (B, S, C, H, W) -> same. Slice s mixes slices s-1, s and s+1 (zeros beyond the ends). Seeing
    where an object is one slice before and one after lets the decoder place it exactly in the
    first and last frames of a slice; with the current slice alone those frames smeared. A clip's
    last slice has nothing after it, so generation samples one slice more than it keeps.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = conv_bn(nn.Conv2d(3 * channels, channels // 2, 3, padding=1))
        self.conv2 = conv_bn(nn.Conv2d(channels // 2, channels, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, s, c, h, w = x.shape
        zero = torch.zeros_like(x[:, :1])
        previous = torch.cat([zero, x[:, :-1]], dim=1)
        following = torch.cat([x[:, 1:], zero], dim=1)
        triple = F.relu(torch.cat([previous, x, following], dim=2)).reshape(b * s, 3 * c, h, w)
        return x + self.conv2(F.relu(self.conv1(triple))).reshape(b, s, c, h, w)
