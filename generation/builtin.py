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
from generation.prior.int8 import int8_available, int8_linears
from generation.prior.loading import load_prior
from generation.prior.model import Prior
from generation.progress import Progress
from generation.sampler import SamplingSettings, sample_codes
from generation.text_encoder import TextEncoder
from generation.vqvae.loading import load_vqvae
from generation.vqvae.model import VQVAE

WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "builtin"
FILES = ("vqvae.safetensors", "prior.safetensors", "config.json")
FPS = Fraction(8)


def weights_present(folder: Path = WEIGHTS_DIR) -> bool:
    return all((folder / f).is_file() for f in FILES)


class BuiltinModel:
    def __init__(self, vqvae: VQVAE, prior: Prior, fps: Fraction = FPS,
                 defaults: SamplingSettings = SamplingSettings(), device: str = "cpu", int8: bool = True):
        """int8: on a CPU, sample with int8 weights in the prior's linear layers (about twice as
        fast; see generation/prior/int8.py). False keeps float32, e.g. to measure the difference."""
        self.device = torch.device(device)
        self.vqvae = vqvae.to(self.device).eval()
        self.prior = prior.to(self.device).eval()
        self.int8 = int8 and self.device.type == "cpu" and int8_available()
        if self.int8:
            self.prior = int8_linears(self.prior)
        self.fps = Fraction(fps)
        self.size = vqvae.cfg.size
        self.defaults = defaults
        self._text: TextEncoder | None = None

    @classmethod
    def load(cls, folder: Path = WEIGHTS_DIR, device: str = "cpu", int8: bool = True) -> "BuiltinModel":
        """The shipped model: vqvae.safetensors, prior.safetensors and config.json in `folder`."""
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            raise WeightsMissing(f"the built-in model's weights are missing: {folder / missing[0]}")
        meta = json.loads((folder / "config.json").read_text())
        return cls(load_vqvae(folder / "vqvae.safetensors"), load_prior(folder / "prior.safetensors"),
                   Fraction(meta["fps"]), SamplingSettings(**meta["sampling"]), device, int8)

    @property
    def prior_weights(self) -> str:
        """What the prior samples with, for figures: "int8" or "float32"."""
        return "int8" if self.int8 else "float32"

    @property
    def slice_frames(self) -> int:
        return self.vqvae.cfg.slice_frames

    @property
    def text(self) -> TextEncoder:
        if self._text is None:
            self._text = TextEncoder(self.device)
        return self._text

    def _prompts(self, prompts: list[str], settings: SamplingSettings):
        states, mask = self.text.encode(prompts)
        return states, mask, (self.text.encode([""]) if settings.guided else None)

    def _generator(self, seed: int) -> torch.Generator:
        return torch.Generator(device=self.device).manual_seed(seed)

    def sample_iter(self, prompts: list[str], frames: int, seed: int,
                    settings: SamplingSettings | None = None, context: np.ndarray | None = None,
                    should_cancel: Callable[[], bool] | None = None,
                    ) -> Generator[Progress, None, np.ndarray]:
        """One clip per prompt, in one batch. context: (B, C, size, size, 3) uint8 frames at the
        native rate (C a multiple of slice_frames) that the clips continue, or None.

        Yield progress; return the (B, frames, size, size, 3) uint8 frames after the context.
        One latent slice more than needed is sampled: the tokenizer's decoder places objects in
        a slice's last frames using the slice after it.
        """
        settings = settings or self.defaults
        states, mask, uncond = self._prompts(prompts, settings)
        given, skip = None, 0
        if context is not None:
            with torch.no_grad():
                given = self.vqvae.encode(torch.from_numpy(np.array(context)).to(self.device))
            skip = context.shape[1]
        slices = -(-frames // self.slice_frames) + 1
        codes = yield from sample_codes(self.prior, states, mask, slices, settings, self._generator(seed),
                                        context=given, uncond=uncond, should_cancel=should_cancel,
                                        preview=self._preview)
        with torch.no_grad():
            return self.vqvae.decode(codes)[:, skip:skip + frames].cpu().numpy()

    @torch.no_grad()
    def _preview(self, codes: torch.Tensor) -> np.ndarray:
        """The newest frame of the first take, decoded from the last two slices sampled."""
        return self.vqvae.decode(codes[:1, -2:])[0, -1].cpu().numpy()

    def generate_iter(self, prompt: str, frames: int, seed: int, takes: int = 1,
                      settings: SamplingSettings | None = None,
                      should_cancel: Callable[[], bool] | None = None,
                      ) -> Generator[Progress, None, np.ndarray]:
        """Yield progress; return (takes, frames, size, size, 3) uint8 at the native rate."""
        return (yield from self.sample_iter([prompt] * takes, frames, seed, settings,
                                            should_cancel=should_cancel))

    def extend_iter(self, context: np.ndarray, frames: int, seed: int, takes: int = 1,
                    prompt: str = "", settings: SamplingSettings | None = None,
                    should_cancel: Callable[[], bool] | None = None,
                    ) -> Generator[Progress, None, np.ndarray]:
        """context: (C, size, size, 3) uint8 at the native rate, C a multiple of slice_frames.
        Yield progress; return the (takes, frames, size, size, 3) frames that follow."""
        contexts = np.broadcast_to(context[None], (takes, *context.shape))
        return (yield from self.sample_iter([prompt] * takes, frames, seed, settings, contexts,
                                            should_cancel))
