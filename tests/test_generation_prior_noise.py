"""The prior trained on its own re-sampled cells as context: the noise itself (valid codes,
seeded, a share of the cells), the loss that reads inputs apart from targets, and the stage."""
from __future__ import annotations

import dataclasses
import functools

import pytest
import torch

from generation.prior.loading import load_prior
from generation.prior.model import Prior
from generation.tiny import tiny_prior_config, tiny_vqvae_config
from generation.train.distributed import Context
from generation.train.prior_noise import PriorNoise
from generation.train.vqvae_stage import VQVAETrainConfig, eval_clips, train_vqvae
from generation.vqvae.loading import load_vqvae
from generation.weights import save_weights

CPU = Context(0, 1, torch.device("cpu"))
STAGE = VQVAETrainConfig(steps=4, batch=2, frames=8, warmup=1, plain_steps=2, eval_every=4, eval_clips=2,
                         checkpoint_every=2)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny tokenizer trained a few steps and an untrained prior over its codes."""
    folder = tmp_path_factory.mktemp("noise")
    train_vqvae(tiny_vqvae_config(), STAGE, folder / "vq", CPU)
    torch.manual_seed(0)
    prior = Prior(tiny_prior_config())
    save_weights(folder / "prior.safetensors", "prior", prior.cfg.to_dict(), prior.state_dict())
    return folder


def _noise(folder, share: float) -> PriorNoise:
    return PriorNoise(load_prior(folder / "prior.safetensors").eval(), share)


@functools.cache
def _encoder():
    from generation.text_encoder import TextEncoder

    return TextEncoder()


def _prompt(n: int, words: str = "a red circle moving left"):
    return _encoder().encode([words] * n)


def _codes(folder, clips: int = 4) -> torch.Tensor:
    vq = load_vqvae(folder / "vq" / "vqvae.safetensors").eval()
    return vq.encode(torch.from_numpy(eval_clips(clips, frames=8)))


def test_prior_noise_resamples_a_seeded_share_of_cells_with_valid_codes(trained):
    codes = _codes(trained)
    states, mask = _prompt(len(codes))
    noisy = _noise(trained, 0.4)
    once = noisy(codes, states, mask, torch.Generator().manual_seed(5))
    again = noisy(codes, states, mask, torch.Generator().manual_seed(5))
    assert once.shape == codes.shape and torch.equal(once, again)
    changed = (once != codes).any(-1).float().mean().item()
    assert 0.02 < changed < 0.8  # an untrained prior's picks differ from the true codes where swapped
    assert 0 <= once.min() and once.max() < tiny_vqvae_config().codebook_size
    clean = _noise(trained, 0.0)
    assert torch.equal(clean(codes, states, mask, torch.Generator().manual_seed(5)), codes)


def test_prior_noise_refuses_clips_longer_than_the_prior_window(trained):
    codes = torch.cat([_codes(trained, 1)] * 2, dim=1)  # 4 slices; the tiny prior sees 2
    with pytest.raises(ValueError, match="window"):
        _noise(trained, 0.2)(codes, *_prompt(1), torch.Generator().manual_seed(0))


def test_prior_trains_on_its_own_resampled_inputs_and_resumes(trained, tmp_path):
    """With input noise the inputs differ from the targets, so the loss differs from the clean
    one; the noise is drawn per step, so a resumed run matches an unbroken one."""
    from generation.train.gpt_stage import GPTTrainConfig, train_gpt

    vq = trained / "vq" / "vqvae.safetensors"
    cfg = GPTTrainConfig(steps=4, batch=2, lr=3e-3, warmup=1, eval_every=4, eval_clips=2, checkpoint_every=2,
                         input_noise=0.3, init_from=str(trained / "prior.safetensors"))
    whole = train_gpt(vq, tiny_prior_config(), cfg, tmp_path / "whole", CPU)
    calls = []
    train_gpt(vq, tiny_prior_config(), cfg, tmp_path / "split", CPU,
              should_stop=lambda: calls.append(1) or len(calls) > 2)
    split = train_gpt(vq, tiny_prior_config(), cfg, tmp_path / "split", CPU)
    assert all(torch.equal(a, b) for a, b in zip(whole.state_dict().values(), split.state_dict().values()))
    clean = train_gpt(vq, tiny_prior_config(), dataclasses.replace(cfg, input_noise=0.0), tmp_path / "clean", CPU)
    assert not all(torch.equal(a, b) for a, b in zip(clean.state_dict().values(), whole.state_dict().values()))


def test_prior_loss_reads_inputs_from_the_given_codes(trained):
    prior = load_prior(trained / "prior.safetensors").eval()
    codes = _codes(trained, 2).reshape(2, -1, 2)
    states, mask = _prompt(2)
    shuffled = codes.flip(1)
    with torch.no_grad():
        assert torch.equal(prior.loss(codes, states, mask, codes), prior.loss(codes, states, mask))
        assert not torch.equal(prior.loss(codes, states, mask, shuffled), prior.loss(codes, states, mask))
