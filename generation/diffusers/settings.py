"""Where local models are looked for, and the memory options they load with.

Folders come from `configure(model_dirs=...)` (the CLI's --model-dir) and the FRAMESMITH_MODEL_DIRS
environment variable (os.pathsep-separated), plus the Hugging Face cache, which is only read.
The memory options come from `configure` or FRAMESMITH_OFFLOAD=1 / FRAMESMITH_VAE_TILING=1, and
FRAMESMITH_STEPS sets the denoising steps of requests that name none (fewer: faster, rougher).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DIRS = "FRAMESMITH_MODEL_DIRS"
ENV_OFFLOAD = "FRAMESMITH_OFFLOAD"
ENV_VAE_TILING = "FRAMESMITH_VAE_TILING"
ENV_STEPS = "FRAMESMITH_STEPS"


@dataclass(frozen=True)
class MemoryOptions:
    offload: bool = False  # keep components on the CPU, each moved to the GPU while it runs
    vae_tiling: bool = False  # decode the video in overlapping tiles


_dirs: tuple[Path, ...] = ()
_memory: MemoryOptions | None = None


def configure(model_dirs=None, offload: bool | None = None, vae_tiling: bool | None = None) -> None:
    """Set the folders given on the command line and the memory options (None: leave as is)."""
    global _dirs, _memory
    if model_dirs is not None:
        _dirs = tuple(Path(d).expanduser() for d in model_dirs)
    if offload is not None or vae_tiling is not None:
        now = memory_options()
        _memory = MemoryOptions(now.offload if offload is None else offload,
                                now.vae_tiling if vae_tiling is None else vae_tiling)


def model_dirs() -> list[Path]:
    """Configured folders first, then the environment's, without repeats."""
    env = [Path(p).expanduser() for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p.strip()]
    return list(dict.fromkeys([*_dirs, *env]))


def memory_options() -> MemoryOptions:
    if _memory is not None:
        return _memory
    return MemoryOptions(_on(ENV_OFFLOAD), _on(ENV_VAE_TILING))


def default_steps() -> int | None:
    """FRAMESMITH_STEPS when it is a whole number from 1 to 1000, else None (the model's own)."""
    text = os.environ.get(ENV_STEPS, "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 1000 else None


def _on(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def hf_cache() -> Path:
    """The Hugging Face hub cache folder, found the way huggingface_hub finds it."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "huggingface"
    return Path(home).expanduser() / "hub"


def stay_offline() -> None:
    """Tell huggingface_hub, transformers and diffusers never to reach the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
