"""The video model families Framesmith runs, and the rules each puts on sizes and frame counts.

A folder's family is the pipeline class its model_index.json names. The rules (sizes a multiple of
the VAE's spatial compression times the transformer's patch, frame counts of the form k*t + 1 for
the VAE's temporal compression t) are read from the component configs, so a variant with another
VAE or patch size gets its own rules; nothing here imports torch or diffusers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable


@dataclass(frozen=True)
class Geometry:
    """What a model accepts: sizes and frame counts."""

    size_multiple: int  # width and height must be multiples of this
    native_size: tuple[int, int]  # (width, height) it was trained at
    fixed_size: bool  # only the native size works (learned position embeddings)
    frame_step: int  # frame counts are frame_step * k + 1
    max_frames: int  # the most frames one pass makes
    fixed_frames: bool  # it makes exactly max_frames (trained on that length only)
    fps: Fraction  # the rate it was trained at

    def describe(self) -> str:
        w, h = self.native_size
        size = (f"{w}x{h} only" if self.fixed_size
                else f"sides multiples of {self.size_multiple} (native {w}x{h})")
        count = "always" if self.fixed_frames else "at most"
        return f"{size}; {self.frame_step}k+1 frames, {count} {self.max_frames}, {self.fps} fps"


@dataclass(frozen=True)
class Family:
    key: str
    title: str
    steps: int  # default denoising steps
    guidance: float  # default classifier-free guidance scale
    half: Callable[[dict[str, int]], dict[str, str]]  # dtype per component on a GPU ("default": the rest)
    geometry: Callable[[dict[str, dict]], Geometry]  # from the component configs
    text_tokens: Callable[[dict[str, dict]], int | None]  # prompt length (None: the pipeline's)


def _ltx_geometry(configs: dict[str, dict]) -> Geometry:
    vae, transformer = configs.get("vae", {}), configs.get("transformer", {})
    scaling = sum(bool(s) for s in vae.get("spatio_temporal_scaling", (True, True, True, False)))
    spatial = vae.get("spatial_compression_ratio") or vae.get("patch_size", 4) * 2**scaling
    temporal = vae.get("temporal_compression_ratio") or vae.get("patch_size_t", 1) * 2**scaling
    # the pipelines refuse sides that are not multiples of 32
    multiple = math.lcm(32, spatial * transformer.get("patch_size", 1))
    return Geometry(multiple, (768, 512), False, temporal, 257, False, Fraction(24))


def _cogvideox_geometry(configs: dict[str, dict]) -> Geometry:
    vae, transformer = configs.get("vae", {}), configs.get("transformer", {})
    spatial = 2 ** (len(vae.get("block_out_channels", (128, 256, 256, 512))) - 1)
    multiple = math.lcm(8, spatial * transformer.get("patch_size", 2))
    temporal = vae.get("temporal_compression_ratio", 4)
    frames = transformer.get("sample_frames", 49)
    if transformer.get("patch_size_t") is not None:  # CogVideoX 1.5: other sizes too, 16 fps
        return Geometry(multiple, (1360, 768), False, temporal, frames, True, Fraction(16))
    # CogVideoX 1.0 only works at its trained size (its sample size in latents), 8 fps
    native = (transformer.get("sample_width", 90) * spatial, transformer.get("sample_height", 60) * spatial)
    return Geometry(multiple, native, True, temporal, frames, True, Fraction(8))


def _wan_geometry(configs: dict[str, dict]) -> Geometry:
    vae, transformer = configs.get("vae", {}), configs.get("transformer", {})
    patch = transformer.get("patch_size", (1, 2, 2))
    return Geometry(math.lcm(16, vae.get("scale_factor_spatial", 8) * patch[-1]), (832, 480), False,
                    vae.get("scale_factor_temporal", 4), 81, False, Fraction(16))


def _bf16(params: dict[str, int]) -> dict[str, str]:
    return {"default": "bfloat16"}


def _cogvideox_half(params: dict[str, int]) -> dict[str, str]:
    # CogVideoX-2b was trained in float16, the 5b models in bfloat16
    return {"default": "float16" if params.get("transformer", 0) < 3_000_000_000 else "bfloat16"}


def _wan_half(params: dict[str, int]) -> dict[str, str]:
    return {"default": "bfloat16", "vae": "float32"}  # its VAE is unstable in half precision


def _cogvideox_tokens(configs: dict[str, dict]) -> int | None:
    return configs.get("transformer", {}).get("max_text_seq_length", 226)


LTX = Family("ltx", "LTX-Video", 50, 3.0, _bf16, _ltx_geometry, lambda c: None)
COGVIDEOX = Family("cogvideox", "CogVideoX", 50, 6.0, _cogvideox_half, _cogvideox_geometry, _cogvideox_tokens)
WAN = Family("wan", "Wan 2.1", 50, 5.0, _wan_half, _wan_geometry, lambda c: None)

# pipeline class in model_index.json -> (family, what it can do)
PIPELINES: dict[str, tuple[Family, tuple[str, ...]]] = {
    "LTXPipeline": (LTX, ("generate", "extend")),
    "LTXImageToVideoPipeline": (LTX, ("generate", "extend")),
    "LTXConditionPipeline": (LTX, ("generate", "extend")),
    "CogVideoXPipeline": (COGVIDEOX, ("generate",)),
    "CogVideoXImageToVideoPipeline": (COGVIDEOX, ("extend",)),
    "WanPipeline": (WAN, ("generate",)),
}

SUPPORTED = "LTX-Video, CogVideoX and Wan 2.1 text-to-video"
