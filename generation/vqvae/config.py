"""Hyperparameters of the VQ-VAE tokenizer; saved inside its weights file."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from generation.shapes.world import PALETTE, SIZE


@dataclass(frozen=True)
class VQVAEConfig:
    size: int = SIZE  # frame side in pixels
    slice_frames: int = 4  # frames folded into one latent time slice
    channels: tuple[int, ...] = (32, 64, 96)  # per-frame conv widths at 1/2, 1/4, 1/8 of the side
    hidden: int = 192  # width of the slice-level trunk (8x8 for 64-pixel frames)
    res_blocks: int = 2  # residual blocks in the encoder and (causal in time) in the decoder
    code_dim: int = 64
    codebook_size: int = 1024
    ema_decay: float = 0.99
    commitment: float = 0.25
    palette: tuple[tuple[int, int, int], ...] = field(
        default_factory=lambda: tuple(tuple(int(v) for v in c) for c in PALETTE))

    @property
    def downsample(self) -> int:
        return 2 ** len(self.channels)

    @property
    def latent_side(self) -> int:
        return self.size // self.downsample

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VQVAEConfig":
        d = dict(d)
        d["channels"] = tuple(d["channels"])
        d["palette"] = tuple(tuple(c) for c in d["palette"])
        return cls(**d)
