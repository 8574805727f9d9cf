"""Hyperparameters of the GPT prior; saved inside its weights file."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PriorConfig:
    vocab: int = 1024  # tokenizer codebook size (per level)
    levels: int = 2  # tokenizer codes per latent cell (residual quantisation levels)
    slices: int = 4  # latent time slices in the trained window
    side: int = 8  # latent grid side
    text_dim: int = 384  # sentence encoder width (all-MiniLM-L6-v2)
    width: int = 256
    layers: int = 6
    heads: int = 8
    dropout: float = 0.0

    @property
    def codes_per_slice(self) -> int:
        return self.side * self.side

    @property
    def window(self) -> int:
        return self.slices * self.codes_per_slice

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "PriorConfig":
        return cls(**d)
