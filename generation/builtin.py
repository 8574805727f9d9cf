"""The built-in model: tokenizer + prior + prompt encoder on one device, at its native size and
rate (64x64, 8 fps). The public API (generation.api) converts sizes, rates and seconds."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Callable, Generator

import numpy as np
import torch

from generation.errors import WeightsMissing
from generation.prior.loading import load_prior
from generation.progress import Progress
from generation.sampler import SamplingSettings, sample_codes
from generation.text_encoder import TextEncoder
from generation.vqvae.loading import load_vqvae

WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "builtin"
FILES = ("vqvae.safetensors", "prior.safetensors", "config.json")


def weights_present(folder: Path = WEIGHTS_DIR) -> bool:
    return all((folder / f).is_file() for f in FILES)


class BuiltinModel:
    def __init__(self, folder: Path = WEIGHTS_DIR, device: str = "cpu"):
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            raise WeightsMissing(f"the built-in model's weights are missing: {folder / missing[0]}")
        self.device = torch.device(device)
        self.vqvae = load_vqvae(folder / "vqvae.safetensors").to(self.device).eval()
        self.prior = load_prior(folder / "prior.safetensors").to(self.device).eval()
        meta = json.loads((folder / "config.json").read_text())
        self.fps = Fraction(meta["fps"])
        self.size = self.vqvae.cfg.size
        self.defaults = SamplingSettings(**meta["sampling"])
        self._text: TextEncoder | None = None

    @property
    def slice_frames(self) -> int:
        return self.vqvae.cfg.slice_frames

    @property
    def text(self) -> TextEncoder:
        if self._text is None:
            self._text = TextEncoder(self.device)
        return self._text

    def _prompt(self, prompt: str, takes: int, settings: SamplingSettings):
        states, mask = self.text.encode([prompt])
        uncond = self.text.encode([""]) if settings.guided else None
        return states.expand(takes, -1, -1), mask.expand(takes, -1), uncond

    def _generator(self, seed: int) -> torch.Generator:
        return torch.Generator(device=self.device).manual_seed(seed)

    def generate_iter(self, prompt: str, frames: int, seed: int, takes: int = 1,
                      settings: SamplingSettings | None = None,
                      should_cancel: Callable[[], bool] | None = None,
                      ) -> Generator[Progress, None, np.ndarray]:
        """Yield progress; return (takes, frames, size, size, 3) uint8 at the native rate."""
        settings = settings or self.defaults
        states, mask, uncond = self._prompt(prompt, takes, settings)
        slices = -(-frames // self.slice_frames)
        codes = yield from sample_codes(self.prior, states, mask, slices, settings,
                                        self._generator(seed), uncond=uncond, should_cancel=should_cancel)
        with torch.no_grad():
            return self.vqvae.decode(codes)[:, :frames].cpu().numpy()

    def extend_iter(self, context: np.ndarray, frames: int, seed: int, takes: int = 1,
                    prompt: str = "", settings: SamplingSettings | None = None,
                    should_cancel: Callable[[], bool] | None = None,
                    ) -> Generator[Progress, None, np.ndarray]:
        """context: (C, size, size, 3) uint8 at the native rate, C a multiple of slice_frames.
        Yield progress; return the (takes, frames, size, size, 3) frames that follow."""
        settings = settings or self.defaults
        states, mask, uncond = self._prompt(prompt, takes, settings)
        with torch.no_grad():
            given = self.vqvae.encode(torch.from_numpy(context[None]).to(self.device))
        slices = -(-frames // self.slice_frames)
        codes = yield from sample_codes(self.prior, states, mask, slices, settings,
                                        self._generator(seed), context=given.expand(takes, -1, -1, -1),
                                        uncond=uncond, should_cancel=should_cancel)
        with torch.no_grad():
            out = self.vqvae.decode(codes)
        return out[:, len(context):len(context) + frames].cpu().numpy()
