"""The generation backends this install has, what each can do, and on which device it runs.

The built-in model comes first. Backends load lazily and are kept once loaded, so a second
request (another take, the editor's next generation) does not reload weights.
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
    """Every known backend, built-in first."""
    return [info() for info in _INFOS.values()]


def backend_info(name: str) -> BackendInfo:
    if name not in _INFOS:
        raise GenerationError(f"unknown model {name!r} (available: {', '.join(_INFOS)})")
    return _INFOS[name]()


@lru_cache(maxsize=4)
def load_backend(name: str, device: str | None = None):
    """The loaded backend `name` on `device` (default: its best device)."""
    info = backend_info(name)
    if name == "builtin":
        from generation.builtin import BuiltinModel

        return BuiltinModel.load(device=device or info.device)
    if name == "flow":
        from generation.flow_extend import FlowBackend

        return FlowBackend()
    raise GenerationError(f"model {name!r} cannot be loaded")
