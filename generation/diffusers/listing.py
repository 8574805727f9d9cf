"""Local diffusers models as entries of the backend registry (generation.backends).

Listing reads what discovery found (JSON and safetensors headers only). Loading imports torch and
diffusers, and keeps each loaded model by folder, device and memory options, so the editor's next
request finds it warm.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from generation.backends import BackendInfo
from generation.diffusers.discovery import GIB, LocalModel, discover, find
from generation.diffusers.settings import memory_options
from generation.errors import GenerationError


@dataclass(frozen=True)
class DiffusersInfo(BackendInfo):
    path: str = ""
    family: str = ""
    vram_gib: float = 0.0  # half precision on a GPU, everything on it
    offload_vram_gib: float = 0.0  # with CPU offload: the largest component at a time
    rules: str = ""  # sizes and frame counts it accepts


def _device() -> str:
    from generation.device import best_device

    return best_device()


def _info(model: LocalModel, device: str) -> DiffusersInfo:
    note = model.problem
    if not note and not all(importlib.util.find_spec(p) for p in ("diffusers", "accelerate")):
        note = "needs the diffusers extra: pip install 'framesmith[diffusers]'"
    family = model.family
    title = family.title if family else model.pipeline or "unknown"
    return DiffusersInfo(
        name=model.name,
        description=f"{title} ({model.pipeline}) at {model.path}",
        capabilities=model.capabilities,
        device=device,
        available=not note,
        note=note,
        path=str(model.path),
        family=family.key if family else "",
        vram_gib=round(model.vram_bytes() / GIB, 1) if model.params else 0.0,
        offload_vram_gib=round(model.vram_bytes(offload=True) / GIB, 1) if model.params else 0.0,
        rules=model.geometry.describe() if model.geometry else "",
    )


def diffusers_infos() -> list[DiffusersInfo]:
    """One entry per model folder found, usable or not."""
    models = discover().models
    device = _device() if models else "cpu"
    return [_info(m, device) for m in models]


def diffusers_info(name: str) -> DiffusersInfo | None:
    """The model called `name` (or in folder `name`), None when there is none."""
    model = find(name)
    return None if model is None else _info(model, _device())


def folder_problems() -> list[str]:
    """One line per configured folder that holds no model at all."""
    return discover().problems


_loaded: dict[tuple, object] = {}  # at most one model: two video models rarely fit one GPU


def load_diffusers(info: DiffusersInfo, device: str):
    """The loaded model of `info`, kept warm per folder, device and memory options."""
    from generation.diffusers.backend import DiffusersBackend

    options = memory_options()
    key = (str(Path(info.path).resolve()), device, options)
    if key not in _loaded:
        model = find(info.name)
        if model is None:
            raise GenerationError(f"model {info.name!r} is no longer at {info.path}")
        _release()
        _loaded[key] = DiffusersBackend.load(model, device, options)
    return _loaded[key]


def _release() -> None:
    """Forget the loaded model and give its GPU memory back."""
    if _loaded:
        _loaded.clear()
        import gc

        import torch

        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
