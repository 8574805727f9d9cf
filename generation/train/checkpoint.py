"""Resumable training state: model, optimiser, step and RNG, written atomically."""
from __future__ import annotations

import os
from pathlib import Path

import torch


def save_checkpoint(path: Path, **state) -> None:
    state["torch_rng"] = torch.get_rng_state()
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict | None:
    """The saved state (RNG restored), or None when there is no checkpoint yet."""
    if not path.exists():
        return None
    state = torch.load(path, map_location="cpu", weights_only=False)
    torch.set_rng_state(state["torch_rng"])
    return state
