"""The VQ-VAE tokenizer: frames <-> a grid of discrete codes per latent time slice."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from generation.vqvae.config import VQVAEConfig
from generation.vqvae.decoder import Decoder
from generation.vqvae.encoder import Encoder
from generation.vqvae.residual import ResidualQuantiser


def to_input(frames: torch.Tensor) -> torch.Tensor:
    """uint8 (B, T, H, W, 3) -> float (B, T, 3, H, W) in [-1, 1]."""
    return frames.permute(0, 1, 4, 2, 3).float() / 127.5 - 1.0


class VQVAE(nn.Module):
    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.quantiser = ResidualQuantiser(cfg.levels, cfg.codebook_size, cfg.code_dim, cfg.ema_decay)
        self.decoder = Decoder(cfg)
        self.register_buffer("palette", torch.tensor(cfg.palette, dtype=torch.uint8), persistent=False)

    def latent_shape(self, frames: int) -> tuple[int, int, int, int]:
        """Codes (slices, h, w, levels) for a clip of `frames` frames (a multiple of slice_frames)."""
        side = self.cfg.latent_side
        return frames // self.cfg.slice_frames, side, side, self.cfg.levels

    def _quantise(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, s, d, h, w = z.shape
        flat = z.permute(0, 1, 3, 4, 2).reshape(-1, d)  # (B*S*h*w, D)
        q, codes, commitment = self.quantiser(flat)
        q = q.reshape(b, s, h, w, d).permute(0, 1, 4, 2, 3)
        return q, codes.reshape(b, s, h, w, -1), commitment

    @torch.no_grad()
    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        """uint8 (B, T, H, W, 3) -> codes (B, S, h, w, levels) int64."""
        return self._quantise(self.encoder(to_input(frames)))[1]

    def decode_logits(self, codes: torch.Tensor) -> torch.Tensor:
        """codes (B, S, h, w, levels) -> palette logits (B, T, P, H, W)."""
        return self.decoder(self.quantiser.lookup(codes).permute(0, 1, 4, 2, 3))

    @torch.no_grad()
    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """codes (B, S, h, w, levels) -> uint8 frames (B, T, H, W, 3), each pixel a palette colour."""
        return self.palette[self.decode_logits(codes).argmax(2)]

    def forward(self, frames: torch.Tensor, target: torch.Tensor, weights: torch.Tensor,
                quantise: bool = True) -> dict[str, torch.Tensor]:
        """Training losses. frames (B, T, 3, H, W) float input (may be augmented), target palette
        indices (B, T, H, W), per-pixel loss weights (B, T, H, W). Without `quantise` the latents
        pass straight through (a warm-up, so the codebook starts from informative encodings)."""
        z = self.encoder(frames)
        if quantise:
            q, codes, commitment = self._quantise(z)
        else:
            codes = torch.zeros(z.shape[:2] + z.shape[3:] + (self.cfg.levels,), dtype=torch.long)
            q, commitment = z, z.sum() * 0
        logits = self.decoder(q)  # (B, T, P, H, W)
        ce = F.cross_entropy(logits.transpose(1, 2), target.long(), reduction="none")  # (B, T, H, W)
        recon = (ce * weights).sum() / weights.sum()
        loss = recon + self.cfg.commitment * commitment
        return {"loss": loss, "recon": recon.detach(), "commitment": commitment.detach(),
                "codes": codes, "logits": logits.detach()}
