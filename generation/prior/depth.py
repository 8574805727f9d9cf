"""Heads that predict a latent cell's codes level by level (residual quantisation).

Level 0 reads the transformer's state; level l also sees the codes already chosen for the cell's
levels below it, through a small residual MLP, so the levels of one cell are sampled jointly
while the transformer still takes one step per cell (as in RQ-Transformer, with an MLP in place
of the depth transformer).
"""
from __future__ import annotations

import torch
from torch import nn


class LevelHeads(nn.Module):
    def __init__(self, width: int, vocab: int, levels: int):
        super().__init__()
        self.first = nn.Linear(width, vocab, bias=False)
        self.code_in = nn.ModuleList(nn.Embedding(vocab, width) for _ in range(levels - 1))
        self.mlp = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(width), nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))
            for _ in range(levels - 1))
        self.out = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(width), nn.Linear(width, vocab, bias=False)) for _ in range(levels - 1))

    def forward(self, hidden: torch.Tensor, level: int, below: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (..., vocab) of level `level` from hidden (..., C) and the codes of the levels
        below, below (..., level)."""
        if level == 0:
            return self.first(hidden)
        x = hidden + sum(self.code_in[i](below[..., i]) for i in range(level))
        x = x + self.mlp[level - 1](x)
        return self.out[level - 1](x)
