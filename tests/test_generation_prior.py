"""The GPT prior and its sampler on a tiny config: shapes, the key/value cache, seeds, takes,
cancel, the sliding window and the weights file."""
from __future__ import annotations

import pytest
import torch

from generation.prior.loading import load_prior
from generation.prior.model import Prior
from generation.progress import Cancelled, Progress
from generation.sampler import SamplingSettings, filter_logits, run_to_end, sample_codes
from generation.tiny import tiny_prior_config
from generation.weights import save_weights


def _prior(seed: int = 0) -> Prior:
    torch.manual_seed(seed)
    return Prior(tiny_prior_config()).eval()


def _text(batch: int = 2, length: int = 5, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    states = torch.randn(batch, length, 384, generator=g)
    mask = torch.ones(batch, length, dtype=torch.bool)
    mask[0, 3:] = False  # a shorter prompt, padded
    return states, mask


def test_logits_shapes_and_loss():
    prior = _prior()
    cfg = prior.cfg
    codes = torch.randint(0, cfg.vocab, (2, cfg.window, cfg.levels))
    states, mask = _text()
    hidden = prior(prior.inputs(codes), states, mask)
    assert hidden.shape == (2, cfg.window, cfg.width)
    for level in range(cfg.levels):
        assert prior.logits(hidden, level, codes[..., :level]).shape == (2, cfg.window, cfg.vocab)
    loss = prior.loss(codes, states, mask)
    assert loss.ndim == 0 and abs(loss.item() - torch.log(torch.tensor(float(cfg.vocab)))) < 1.0


def test_loss_counts_only_the_scored_cells():
    prior = _prior()
    cfg = prior.cfg
    codes = torch.randint(0, cfg.vocab, (2, cfg.window, cfg.levels))
    states, mask = _text()
    scored = torch.zeros(2, cfg.window, dtype=torch.bool)
    scored[1, -3:] = True
    hidden = prior(prior.inputs(codes), states, mask)[scored]
    by_hand = sum(torch.nn.functional.cross_entropy(prior.logits(hidden, level, codes[scored][:, :level]),
                                                    codes[scored][:, level]) for level in range(cfg.levels))
    assert torch.allclose(prior.loss(codes, states, mask, scored=scored), by_hand / cfg.levels)
    everything = torch.ones_like(scored)
    assert torch.allclose(prior.loss(codes, states, mask, scored=everything), prior.loss(codes, states, mask))


def test_cached_steps_give_the_logits_of_a_full_forward():
    prior = _prior()
    cfg = prior.cfg
    codes = torch.randint(0, cfg.vocab, (2, cfg.window, cfg.levels))
    states, mask = _text()
    tokens = prior.inputs(codes)
    with torch.no_grad():
        full = prior(tokens, states, mask)
        cache = prior.new_cache(2, torch.device("cpu"))
        parts = [prior(tokens[:, :7], states, mask, cache)]  # a prefill, then one cell per step
        parts += [prior(tokens[:, i:i + 1], None, mask, cache) for i in range(7, cfg.window)]
        stepped = torch.cat(parts, 1)
    assert torch.allclose(full, stepped, atol=1e-5)
    for level in range(cfg.levels):
        below = codes[..., :level]
        assert torch.allclose(prior.logits(full, level, below), prior.logits(stepped, level, below), atol=1e-5)


def test_prompt_changes_the_logits():
    prior = _prior()
    codes = torch.randint(0, prior.cfg.vocab, (1, 10, prior.cfg.levels))
    a, _ = _text(1, seed=1)
    b, _ = _text(1, seed=2)
    mask = torch.ones(1, 5, dtype=torch.bool)
    with torch.no_grad():
        assert not torch.allclose(prior(prior.inputs(codes), a, mask), prior(prior.inputs(codes), b, mask))


def test_upper_levels_depend_on_the_codes_below():
    prior = _prior()
    states = torch.randn(3, prior.cfg.width)
    low = torch.tensor([[1], [2], [3]])
    with torch.no_grad():
        a = prior.logits(states, 1, low)
        b = prior.logits(states, 1, (low + 1) % prior.cfg.vocab)
    assert not torch.allclose(a, b)


def _sample(prior, seed, takes=2, slices=2, settings=SamplingSettings(top_k=8), **kw):
    states, mask = _text(takes)
    gen = torch.Generator().manual_seed(seed)
    return run_to_end(sample_codes(prior, states, mask, slices, settings, gen, **kw))


def test_same_seed_same_codes_other_seed_other_codes():
    prior = _prior()
    a, b, c = _sample(prior, 3), _sample(prior, 3), _sample(prior, 4)
    assert a.shape == (2, 2, 8, 8, 2)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert not torch.equal(a[0], a[1])  # takes in one batch differ


def test_guidance_runs_the_empty_prompt_beside_the_prompt():
    prior = _prior()
    uncond = (torch.zeros(1, 2, 384), torch.ones(1, 2, dtype=torch.bool))
    guided = SamplingSettings(top_k=8, guidance=3.0)
    a = _sample(prior, 5, settings=guided, uncond=uncond)
    assert a.shape == (2, 2, 8, 8, 2) and torch.equal(a, _sample(prior, 5, settings=guided, uncond=uncond))
    with pytest.raises(ValueError):
        _sample(prior, 5, settings=guided)


def test_progress_counts_every_code_and_cancel_stops_within_one_step():
    prior = _prior()
    states, mask = _text()
    events = list(sample_codes(prior, states, mask, 1, SamplingSettings(), torch.Generator().manual_seed(0)))
    assert [e.done for e in events] == list(range(1, 65)) and all(isinstance(e, Progress) for e in events)
    seen = []
    gen = sample_codes(prior, states, mask, 2, SamplingSettings(), torch.Generator().manual_seed(0),
                       should_cancel=lambda: len(seen) >= 10)
    with pytest.raises(Cancelled):
        for event in gen:
            seen.append(event)
    assert len(seen) == 10


def test_a_clip_longer_than_the_window_slides_and_keeps_its_context():
    prior = _prior()
    cfg = prior.cfg
    context = torch.randint(0, cfg.vocab, (2, 1, 8, 8, 2))
    out = _sample(prior, 0, slices=3 * cfg.slices, context=context)
    assert out.shape == (2, 1 + 3 * cfg.slices, 8, 8, 2)
    assert torch.equal(out[:, :1], context)
    # a longer context than the window is also accepted: only its last slices are seen
    long = torch.randint(0, cfg.vocab, (2, cfg.slices + 2, 8, 8, 2))
    assert _sample(prior, 0, slices=1, context=long).shape == (2, cfg.slices + 3, 8, 8, 2)


def test_top_k_and_top_p_keep_the_most_likely_codes():
    logits = torch.tensor([[0.0, 3.0, 1.0, 2.0]])
    k2 = filter_logits(logits, SamplingSettings(temperature=1.0, top_k=2))
    assert torch.isfinite(k2).tolist() == [[False, True, False, True]]
    p = filter_logits(logits, SamplingSettings(temperature=1.0, top_k=None, top_p=0.7))
    assert torch.isfinite(p).tolist() == [[False, True, False, True]]
    one = filter_logits(logits, SamplingSettings(temperature=1.0, top_k=None, top_p=0.01))
    assert torch.isfinite(one).tolist() == [[False, True, False, False]]


def test_weights_round_trip_with_config_inside(tmp_path):
    prior = _prior(seed=7)
    path = tmp_path / "prior.safetensors"
    save_weights(path, "prior", prior.cfg.to_dict(), prior.state_dict())
    loaded = load_prior(path).eval()
    assert loaded.cfg == prior.cfg
    assert torch.equal(_sample(loaded, 9), _sample(prior, 9))
