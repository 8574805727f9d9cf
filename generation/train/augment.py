"""Input corruptions for the tokenizer's encoder, so it reads frames that went through a video
codec (chroma subsampling, noise) the same as clean renders."""
from __future__ import annotations

import torch
import torch.nn.functional as F

_RGB_TO_YUV = torch.tensor([[0.299, 0.587, 0.114], [-0.169, -0.331, 0.5], [0.5, -0.419, -0.081]])


def codec_like(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """x (B, T, 3, H, W) in [-1, 1]: half the clips get 4:2:0 chroma, all get mild noise."""
    b, t, c, h, w = x.shape
    m = _RGB_TO_YUV.to(x)
    yuv = torch.einsum("ij,btjhw->btihw", m, x)
    chroma = yuv[:, :, 1:].reshape(b * t, 2, h, w)
    chroma = F.interpolate(F.avg_pool2d(chroma, 2), scale_factor=2, mode="bilinear",
                           align_corners=False).reshape(b, t, 2, h, w)
    pick = (torch.rand(b, generator=generator) < 0.5).to(x.device)[:, None, None, None, None]
    yuv = torch.cat([yuv[:, :, :1], torch.where(pick, chroma, yuv[:, :, 1:])], dim=2)
    out = torch.einsum("ij,btjhw->btihw", torch.linalg.inv(m), yuv)
    sigma = torch.rand(b, 1, 1, 1, 1, generator=generator).to(x) * 0.04
    noise = torch.randn(x.shape, generator=generator).to(x)
    return (out + sigma * noise).clamp(-1, 1)
