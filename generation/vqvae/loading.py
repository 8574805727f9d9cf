"""Build a VQ-VAE from a weights file alone (its config is inside)."""
from __future__ import annotations

from pathlib import Path

from generation.vqvae.config import VQVAEConfig
from generation.vqvae.model import VQVAE
from generation.weights import load_weights


TRAINING_STATS = ("ema_sum", "ema_count", "recent_use")  # codebook statistics: not needed to run


def load_vqvae(path: str | Path, training: bool = False) -> VQVAE:
    """The VQ-VAE in `path`; with `training`, its codebook statistics must be there too (shipped
    weights leave them out, and a codebook cannot go on learning without them)."""
    kind, config, state = load_weights(path)
    if kind != "vqvae":
        raise ValueError(f"{path} holds a {kind!r} model, not a VQ-VAE")
    model = VQVAE(VQVAEConfig.from_dict(config))
    result = model.load_state_dict(state, strict=False)
    stats = [k for k in result.missing_keys if k.endswith(TRAINING_STATS)]
    if training and stats:
        raise ValueError(f"{path} has no codebook statistics to train on (shipped weights leave "
                         "them out): start from a run's vqvae.safetensors")
    wrong = result.unexpected_keys + [k for k in result.missing_keys if k not in stats]
    if wrong:
        raise ValueError(f"{path} does not fit the VQ-VAE its config describes: {wrong[:3]}")
    for level in model.quantiser.levels:
        level.initialised.fill_(True)
    return model
