"""The GPT prior: predicts tokenizer codes one by one, in raster order (slice, row, column),
conditioned on the prompt's token states through cross-attention.

Input position i holds code i-1 (a start token at 0) plus the embedding of the place of code i,
factorised into slice, row and column, so a window can slide over a longer clip.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.prior.attention import KVCache
from generation.prior.block import Block
from generation.prior.config import PriorConfig


class Prior(nn.Module):
    def __init__(self, cfg: PriorConfig):
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        self.token = nn.Embedding(cfg.vocab + 1, w)  # the last id is the start token
        self.slice_pos = nn.Embedding(cfg.slices, w)
        self.row_pos = nn.Embedding(cfg.side, w)
        self.col_pos = nn.Embedding(cfg.side, w)
        self.text_in = nn.Sequential(nn.LayerNorm(cfg.text_dim), nn.Linear(cfg.text_dim, w))
        self.blocks = nn.ModuleList(Block(w, cfg.heads, cfg.dropout) for _ in range(cfg.layers))
        self.ln_out = nn.LayerNorm(w)
        self.head = nn.Linear(w, cfg.vocab, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    @property
    def start_token(self) -> int:
        return self.cfg.vocab

    def place(self, positions: torch.Tensor) -> torch.Tensor:
        """Embedding (L, C) of the places of code positions (L,) within the window."""
        per = self.cfg.codes_per_slice
        s, r = positions // per, positions % per
        return self.slice_pos(s) + self.row_pos(r // self.cfg.side) + self.col_pos(r % self.cfg.side)

    def inputs(self, codes: torch.Tensor) -> torch.Tensor:
        """Codes (B, L) -> input tokens (B, L): the start token, then codes shifted by one."""
        start = torch.full_like(codes[:, :1], self.start_token)
        return torch.cat([start, codes[:, :-1]], dim=1)

    def text(self, states: torch.Tensor) -> torch.Tensor:
        """Sentence-encoder token states (B, M, text_dim) -> (B, M, width)."""
        return self.text_in(states)

    def forward(self, tokens: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor,
                cache: KVCache | None = None) -> torch.Tensor:
        """tokens (B, L) input ids -> logits (B, L, vocab) for the codes at those positions.

        With a cache, tokens continue after the cache.length positions already seen (text_states
        may then be None when the cache already holds the cross-attention keys).
        """
        start = cache.length if cache is not None else 0
        pos = torch.arange(start, start + tokens.shape[1], device=tokens.device)
        x = self.token(tokens) + self.place(pos)[None]  # (B, L, C)
        text = self.text(text_states) if text_states is not None else None
        for i, block in enumerate(self.blocks):
            x = block(x, text, text_mask, cache, i)
        if cache is not None:
            cache.length += tokens.shape[1]
        return self.head(self.ln_out(x))

    def loss(self, codes: torch.Tensor, text_states: torch.Tensor,
             text_mask: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy (nats per code) of codes (B, L)."""
        logits = self(self.inputs(codes), text_states, text_mask)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), codes.reshape(-1))

    def new_cache(self, batch: int, device: torch.device, dtype: torch.dtype = torch.float32) -> KVCache:
        c = self.cfg
        return KVCache(c.layers, batch, c.heads, c.window, c.width // c.heads, device, dtype)
