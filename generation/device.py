"""Which torch device a backend runs on: CUDA, then Apple's MPS, then the CPU."""
from __future__ import annotations


def best_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"
