"""The generation backends this install has, what each can do, and on which device it runs.

The built-in model comes first, then flow, then each diffusers model found on disk
(generation.diffusers; listing them reads their JSON and safetensors headers, never imports torch or
diffusers). Backends load lazily and are kept once loaded, so a second request (another take, the
editor's next generation) does not reload weights.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generation.errors import GenerationError


@dataclass(frozen=True)
class BackendInfo:
    name: str
    description: str
    capabilities: tuple[str, ...]  # "generate", "extend"
    device: str
    available: bool
    note: str = ""  # why it is unavailable, when it is


def _builtin_info() -> BackendInfo:
    from generation.builtin import WEIGHTS_DIR, weights_present
    from generation.device import best_device

    present = weights_present()
    return BackendInfo(
        name="builtin",
        description="VideoGPT-style model trained on the shapes world (64x64, 8 fps)",
        capabilities=("generate", "extend"),
        device=best_device(),
        available=present,
        note="" if present else f"weights missing in {WEIGHTS_DIR}",
    )


def _flow_info() -> BackendInfo:
    return BackendInfo(
        name="flow",
        description="optical-flow extension: carries any footage's recent motion forward, at its own size",
        capabilities=("extend",),
        device="cpu",
        available=True,
    )


_INFOS = {"builtin": _builtin_info, "flow": _flow_info}


def list_backends() -> list[BackendInfo]:
    """Every known backend, built-in first, then the diffusers models found on disk."""
    from generation.diffusers.listing import diffusers_infos

    return [info() for info in _INFOS.values()] + diffusers_infos()


def backend_info(name: str) -> BackendInfo:
    if name in _INFOS:
        return _INFOS[name]()
    from generation.diffusers.listing import diffusers_info, diffusers_infos

    info = diffusers_info(name)
    if info is None:
        known = [*_INFOS, *(i.name for i in diffusers_infos())]
        raise GenerationError(f"unknown model {name!r} (available: {', '.join(known)})")
    return info


def load_backend(name: str, device: str | None = None):
    """The loaded backend `name` on `device` (default: its best device)."""
    if name in _INFOS:
        return _load_builtin(name, device)
    from generation.diffusers.listing import load_diffusers

    info = backend_info(name)
    return load_diffusers(info, device or info.device)


@lru_cache(maxsize=4)
def _load_builtin(name: str, device: str | None = None):
    info = backend_info(name)
    if name == "builtin":
        from generation.builtin import BuiltinModel

        return BuiltinModel.load(device=device or info.device)
    if name == "flow":
        from generation.flow_extend import FlowBackend

        return FlowBackend()
    raise GenerationError(f"model {name!r} cannot be loaded")
