"""Attention for the prior: causal self-attention with a key/value cache, and cross-attention to
the prompt's token states."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


class KVCache:
    """Keys and values of the positions seen so far, one pair per layer, preallocated.

    Sampling writes one position per step, so each new code costs one forward of one token.
    """

    def __init__(self, layers: int, batch: int, heads: int, length: int, head_dim: int,
                 device: torch.device, dtype: torch.dtype):
        shape = (batch, heads, length, head_dim)
        self.keys = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(layers)]
        self.values = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(layers)]
        self.length = 0  # positions filled
        self.cross: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * layers


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float = 0.0):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        """x (B, L, C) -> (B, L, C). With a cache, x holds the L positions after cache.length."""
        b, n, c = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if cache is None:  # whole sequence, causal mask
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                               dropout_p=self.dropout if self.training else 0.0)
        else:
            start = cache.length
            cache.keys[layer][:, :, start:start + n] = k
            cache.values[layer][:, :, start:start + n] = v
            k = cache.keys[layer][:, :, :start + n]
            v = cache.values[layer][:, :, :start + n]
            # new position i may see cached positions and new positions up to i
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=_causal_tail(n, start + n, x.device)
                                               if n > 1 else None)
        return self.proj(y.transpose(1, 2).reshape(b, n, c))


def _causal_tail(n: int, total: int, device: torch.device) -> torch.Tensor:
    """(n, total) boolean mask: the last n of `total` positions attend causally."""
    rows = torch.arange(total - n, total, device=device)[:, None]
    return torch.arange(total, device=device)[None, :] <= rows


class CrossAttention(nn.Module):
    """Queries from the codes, keys/values from the prompt's token states (computed once)."""

    def __init__(self, width: int, heads: int, dropout: float = 0.0):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.kv = nn.Linear(width, 2 * width)
        self.proj = nn.Linear(width, width)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor,
                cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        """x (B, L, C), text (B, M, C), text_mask (B, M) bool (True = a real token) -> (B, L, C)."""
        b, n, c = x.shape
        h = self.heads
        if cache is not None and cache.cross[layer] is not None:
            k, v = cache.cross[layer]
        else:
            k, v = self.kv(text).view(b, -1, 2, h, c // h).permute(2, 0, 3, 1, 4)
            if cache is not None:
                cache.cross[layer] = (k, v)
        q = self.q(x).view(b, n, h, c // h).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=text_mask[:, None, None, :],
                                           dropout_p=self.dropout if self.training else 0.0)
        return self.proj(y.transpose(1, 2).reshape(b, n, c))
