"""Residual vector quantisation: each level quantises what the levels before it left over.

A latent cell is coded by one code per level (its vector is their sum), so a cell carries
`levels` x log2(codebook size) bits while the prior still takes one step per cell. One code per
cell could not hold the exact shape and position of the objects passing through it (the
reconstruction stalled at ~22 dB with blobby shapes).
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.quantiser import Quantiser


class ResidualQuantiser(nn.Module):
    def __init__(self, levels: int, size: int, dim: int, decay: float = 0.99):
        super().__init__()
        self.levels = nn.ModuleList(Quantiser(size, dim, decay) for _ in range(levels))

    def lookup(self, codes: torch.Tensor) -> torch.Tensor:
        """Codes (..., levels) -> vectors (..., D): the sum of each level's code vector."""
        return sum(q.lookup(codes[..., i]) for i, q in enumerate(self.levels))

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(N, D) -> (straight-through quantised (N, D), codes (N, levels), commitment loss)."""
        residual = z.detach()
        total = torch.zeros_like(residual)
        codes = []
        for q in self.levels:
            vectors, c = q(residual)
            total = total + vectors
            residual = residual - vectors
            codes.append(c)
        commitment = F.mse_loss(z, total)
        return z + (total - z).detach(), torch.stack(codes, -1), commitment

    def usage(self, codes: torch.Tensor) -> int:
        """Distinct codes of the first level among `codes` (..., levels)."""
        return int(codes[..., 0].unique().numel())
