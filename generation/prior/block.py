"""One transformer block of the prior: self-attention, cross-attention to the prompt, MLP."""
from __future__ import annotations

import torch
from torch import nn

from generation.prior.attention import CrossAttention, KVCache, SelfAttention


class Block(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float = 0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = SelfAttention(width, heads, dropout)
        self.ln2 = nn.LayerNorm(width)
        self.cross = CrossAttention(width, heads, dropout)
        self.ln3 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor,
                cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), cache, layer)
        x = x + self.cross(self.ln2(x), text, text_mask, cache, layer)
        return x + self.mlp(self.ln3(x))
