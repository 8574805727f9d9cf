"""Build the prior from a weights file alone (its config is inside)."""
from __future__ import annotations

from pathlib import Path

from generation.prior.config import PriorConfig
from generation.prior.model import Prior
from generation.weights import load_weights


def load_prior(path: str | Path) -> Prior:
    kind, config, state = load_weights(path)
    if kind != "prior":
        raise ValueError(f"{path} holds a {kind!r} model, not a prior")
    model = Prior(PriorConfig.from_dict(config))
    model.load_state_dict(state)
    return model
