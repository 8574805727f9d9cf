"""The GPT prior: predicts tokenizer codes cell by cell, in raster order (slice, row, column),
conditioned on the prompt's token states through cross-attention. A cell has one code per
residual-quantisation level; LevelHeads predicts them in turn from the cell's transformer state.

Input position i holds the codes of cell i-1 (start tokens at 0), embedded per level and summed,
plus the embedding of the place of cell i, factorised into slice, row and column, so a window can
slide over a longer clip.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.prior.attention import KVCache
from generation.prior.block import Block
from generation.prior.config import PriorConfig
from generation.prior.depth import LevelHeads


class Prior(nn.Module):
    def __init__(self, cfg: PriorConfig):
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        self.token = nn.ModuleList(nn.Embedding(cfg.vocab + 1, w) for _ in range(cfg.levels))  # +start
        self.slice_pos = nn.Embedding(cfg.slices, w)
        self.row_pos = nn.Embedding(cfg.side, w)
        self.col_pos = nn.Embedding(cfg.side, w)
        self.text_in = nn.Sequential(nn.LayerNorm(cfg.text_dim), nn.Linear(cfg.text_dim, w))
        self.blocks = nn.ModuleList(Block(w, cfg.heads, cfg.dropout) for _ in range(cfg.layers))
        self.ln_out = nn.LayerNorm(w)
        self.heads = LevelHeads(w, cfg.vocab, cfg.levels)
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
        """Codes (B, L, levels) -> input tokens (B, L, levels): start tokens, then codes shifted
        by one cell."""
        start = torch.full_like(codes[:, :1], self.start_token)
        return torch.cat([start, codes[:, :-1]], dim=1)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, L, levels) -> (B, L, C): the sum of each level's embedding."""
        return sum(emb(tokens[..., i]) for i, emb in enumerate(self.token))

    def text(self, states: torch.Tensor) -> torch.Tensor:
        """Sentence-encoder token states (B, M, text_dim) -> (B, M, width)."""
        return self.text_in(states)

    def forward(self, tokens: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor,
                cache: KVCache | None = None) -> torch.Tensor:
        """tokens (B, L, levels) input ids -> states (B, L, C) that predict the cells at those
        positions (see `logits`).

        With a cache, tokens continue after the cache.length positions already seen (text_states
        may then be None when the cache already holds the cross-attention keys).
        """
        start = cache.length if cache is not None else 0
        pos = torch.arange(start, start + tokens.shape[1], device=tokens.device)
        x = self.embed(tokens) + self.place(pos)[None]  # (B, L, C)
        text = self.text(text_states) if text_states is not None else None
        for i, block in enumerate(self.blocks):
            x = block(x, text, text_mask, cache, i)
        if cache is not None:
            cache.length += tokens.shape[1]
        return self.ln_out(x)

    def logits(self, states: torch.Tensor, level: int, below: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (..., vocab) of a cell's level-`level` code from its states (..., C), given the
        codes of its lower levels below (..., level)."""
        return self.heads(states, level, below)

    def loss(self, codes: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor,
             given: torch.Tensor | None = None, scored: torch.Tensor | None = None) -> torch.Tensor:
        """Cross-entropy in nats per code (mean over scored cells and levels) of codes (B, L, levels).

        `given`: the codes the inputs show, where they differ from the targets (cells re-sampled
        by the prior itself, so it learns to recover from its own slips; see prior_noise.py).
        `scored`: (B, L) bool, the cells whose codes count (default: all); the others are context.
        """
        states = self(self.inputs(codes if given is None else given), text_states, text_mask)
        if scored is not None:  # only the scored cells' states go through the heads: (N, C), (N, levels)
            states, codes = states[scored], codes[scored]
        total = 0.0
        for level in range(self.cfg.levels):
            logits = self.logits(states, level, codes[..., :level])
            total = total + F.cross_entropy(logits.reshape(-1, logits.shape[-1]), codes[..., level].reshape(-1))
        return total / self.cfg.levels

    def new_cache(self, batch: int, device: torch.device, dtype: torch.dtype = torch.float32) -> KVCache:
        c = self.cfg
        return KVCache(c.layers, batch, c.heads, c.window, c.width // c.heads, device, dtype)
