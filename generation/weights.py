"""Save and load model weights as safetensors with the model's config inside the file.

A loader rebuilds the model from the file alone: the metadata holds the model kind and its config
as JSON.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from safetensors.torch import load_file, safe_open, save_file


def save_weights(path: str | Path, kind: str, config: dict, state: dict) -> None:
    """Write tensors + {"kind", "config"} metadata atomically (temp file, then rename)."""
    path = Path(path)
    tensors = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata={"kind": kind, "config": json.dumps(config)})
    os.replace(tmp, path)


def read_metadata(path: str | Path) -> tuple[str, dict]:
    """(kind, config dict) stored in a weights file."""
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    if "kind" not in meta or "config" not in meta:
        raise ValueError(f"{path} has no model config inside")
    return meta["kind"], json.loads(meta["config"])


def load_weights(path: str | Path) -> tuple[str, dict, dict]:
    """(kind, config dict, state dict of CPU tensors)."""
    kind, config = read_metadata(path)
    return kind, config, load_file(str(path))
