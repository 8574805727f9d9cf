"""Hyperparameters of the VQ-VAE tokenizer; saved inside its weights file."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from generation.shapes.world import PALETTE, SIZE


@dataclass(frozen=True)
class VQVAEConfig:
    size: int = SIZE  # frame side in pixels
    slice_frames: int = 4  # frames folded into one latent time slice
    patch: int = 8  # pixels per latent cell side: a cell codes a patch x patch x slice_frames block
    hidden: int = 256  # width of the latent-grid trunks
    res_blocks: int = 3  # residual blocks in the encoder and (causal in time) in the decoder
    head_hidden: int = 512  # width of the per-cell MLP that paints a cell's pixels
    refine_channels: int = 0  # width of the full-resolution sharpening path (0: none; see refine.py)
    code_dim: int = 64
    codebook_size: int = 1024  # per level
    levels: int = 2  # residual quantisation levels: codes per latent cell
    ema_decay: float = 0.99
    commitment: float = 0.25
    palette: tuple[tuple[int, int, int], ...] = field(
        default_factory=lambda: tuple(tuple(int(v) for v in c) for c in PALETTE))

    @property
    def latent_side(self) -> int:
        return self.size // self.patch

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VQVAEConfig":
        d = dict(d)
        d["palette"] = tuple(tuple(c) for c in d["palette"])
        return cls(**d)
