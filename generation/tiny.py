"""Tiny configurations of the built-in model, untrained or trained for a few steps: for tests and
for trying the pipeline end to end in seconds."""
from __future__ import annotations

import json
from pathlib import Path

from generation.prior.config import PriorConfig
from generation.vqvae.config import VQVAEConfig


def tiny_vqvae_config() -> VQVAEConfig:
    return VQVAEConfig(hidden=16, res_blocks=1, head_hidden=16, code_dim=8, codebook_size=16, levels=2)


def tiny_prior_config(vocab: int = 16) -> PriorConfig:
    return PriorConfig(vocab=vocab, levels=2, slices=2, side=8, width=32, layers=2, heads=4)


def write_tiny_model(folder: Path, seed: int = 0, vqvae_steps: int = 12) -> Path:
    """A tiny model in the shipped layout (vqvae, prior, config.json) in `folder`: the tokenizer
    trained for a few steps (so its codebook and batch-norm statistics come from data), the prior
    untrained."""
    import torch

    from generation.prior.model import Prior
    from generation.train.distributed import Context
    from generation.train.vqvae_stage import VQVAETrainConfig, train_vqvae
    from generation.weights import save_weights

    folder.mkdir(parents=True, exist_ok=True)
    train = VQVAETrainConfig(steps=vqvae_steps, batch=2, frames=8, warmup=1, plain_steps=2, seed=seed,
                             eval_every=10**6, checkpoint_every=10**6)
    vqvae = train_vqvae(tiny_vqvae_config(), train, folder / "vqvae-run",
                        Context(0, 1, torch.device("cpu")))
    torch.manual_seed(seed)
    prior = Prior(tiny_prior_config())
    save_weights(folder / "vqvae.safetensors", "vqvae", vqvae.cfg.to_dict(), vqvae.state_dict())
    save_weights(folder / "prior.safetensors", "prior", prior.cfg.to_dict(), prior.state_dict())
    (folder / "config.json").write_text(json.dumps(
        {"fps": 8, "sampling": {"temperature": 1.0, "top_k": 8, "top_p": None, "guidance": 0.0}}))
    return folder
