"""Both training stages on tiny configs for a few steps: they learn, resume from their
checkpoints exactly where an unbroken run would be, and export weights with their config."""
from __future__ import annotations

import torch

from generation.prior.config import PriorConfig
from generation.prior.loading import load_prior
from generation.tiny import tiny_prior_config, tiny_vqvae_config
from generation.train.distributed import Context
from generation.train.gpt_stage import GPTTrainConfig, train_gpt
from generation.train.vqvae_stage import VQVAETrainConfig, train_vqvae
from generation.vqvae.loading import load_vqvae

CPU = Context(0, 1, torch.device("cpu"))


def _vq_cfg(steps: int) -> VQVAETrainConfig:
    return VQVAETrainConfig(steps=steps, batch=2, frames=8, warmup=1, plain_steps=2, eval_every=steps,
                            eval_clips=2, checkpoint_every=2)


def _states_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_vqvae_stage_resumes_to_the_same_weights_as_an_unbroken_run(tmp_path):
    events = []
    whole = train_vqvae(tiny_vqvae_config(), _vq_cfg(6), tmp_path / "whole", CPU, events.append)
    assert any(e["event"] == "eval" and e["psnr"] > 0 for e in events)
    calls = []
    train_vqvae(tiny_vqvae_config(), _vq_cfg(6), tmp_path / "split", CPU,
                should_stop=lambda: calls.append(1) or len(calls) > 3)  # interrupted after 3 steps
    resumed_events = []
    split = train_vqvae(tiny_vqvae_config(), _vq_cfg(6), tmp_path / "split", CPU, resumed_events.append)
    assert resumed_events[0] == {"event": "resumed", "step": 3}
    assert _states_equal(whole.state_dict(), split.state_dict())
    loaded = load_vqvae(tmp_path / "whole" / "vqvae.safetensors")
    assert _states_equal(loaded.state_dict(), whole.state_dict())


def test_stop_at_ends_a_run_early_on_the_full_schedule(tmp_path):
    import dataclasses

    whole = train_vqvae(tiny_vqvae_config(), _vq_cfg(6), tmp_path / "whole", CPU)
    events = []
    early = train_vqvae(tiny_vqvae_config(), dataclasses.replace(_vq_cfg(6), stop_at=4), tmp_path / "part",
                        CPU, events.append)
    assert torch.load(tmp_path / "part" / "checkpoint.pt", weights_only=False)["step"] == 4
    assert not _states_equal(early.state_dict(), whole.state_dict())
    rest = train_vqvae(tiny_vqvae_config(), _vq_cfg(6), tmp_path / "part", CPU, events.append)
    assert {"event": "resumed", "step": 4} in events
    assert _states_equal(rest.state_dict(), whole.state_dict())


def test_vqvae_stage_stops_when_asked(tmp_path):
    model = train_vqvae(tiny_vqvae_config(), _vq_cfg(50), tmp_path, CPU, should_stop=lambda: True)
    assert not (tmp_path / "checkpoint.pt").exists() and model is not None  # no step, nothing saved


def test_gpt_stage_learns_and_resumes(tmp_path):
    train_vqvae(tiny_vqvae_config(), _vq_cfg(4), tmp_path / "vq", CPU)
    vq = tmp_path / "vq" / "vqvae.safetensors"
    cfg = GPTTrainConfig(steps=20, batch=4, lr=3e-3, warmup=1, eval_every=20, eval_clips=4,
                         checkpoint_every=4)
    wanted = tiny_prior_config()
    events = []
    model = train_gpt(vq, PriorConfig(**{**wanted.to_dict(), "vocab": 999}), cfg, tmp_path / "gpt", CPU,
                      events.append)
    assert model.cfg.vocab == 16  # taken from the tokenizer, whatever was asked
    losses = [e["loss"] for e in events if e["event"] == "step"]
    assert len(losses) == 2 and losses[1] < losses[0]  # mean loss of steps 11-20 below 1-10
    assert any(e["event"] == "eval" for e in events)
    loaded = load_prior(tmp_path / "gpt" / "prior.safetensors")
    assert _states_equal(loaded.state_dict(), model.state_dict())
    more = []
    train_gpt(vq, wanted, GPTTrainConfig(**{**cfg.__dict__, "steps": 22}), tmp_path / "gpt", CPU, more.append)
    assert more[0] == {"event": "resumed", "step": 20}


def test_late_windows_first_slices_are_context_only(tmp_path):
    import numpy as np

    from generation.text_encoder import TextEncoder
    from generation.train.gpt_stage import code_batch

    train_vqvae(tiny_vqvae_config(), _vq_cfg(2), tmp_path / "vq", CPU)
    vqvae, text = load_vqvae(tmp_path / "vq" / "vqvae.safetensors"), TextEncoder(CPU.device)
    frames, per_slice = 4 * vqvae.cfg.slice_frames, vqvae.cfg.latent_side ** 2

    def scored(**fields) -> torch.Tensor:
        cfg = GPTTrainConfig(**fields)
        return code_batch(vqvae, text, np.random.default_rng(0), 3, frames, cfg, CPU.device)[3]

    assert scored(late_start=1.0).all()  # by default every cell counts
    assert scored(late_start=0.0, late_context=1).all()  # a window at its clip's start has no context
    late = scored(late_start=1.0, late_context=1)
    assert late.shape == (3, 4 * per_slice)
    assert not late[:, :per_slice].any() and late[:, per_slice:].all()


def test_ship_writes_the_loadable_layout_in_half_precision(tmp_path):
    from generation.builtin import BuiltinModel
    from generation.prior.model import Prior
    from generation.train.ship import ship
    from generation.weights import load_weights, save_weights

    vq = train_vqvae(tiny_vqvae_config(), _vq_cfg(2), tmp_path / "vq", CPU)
    prior = Prior(tiny_prior_config())
    save_weights(tmp_path / "prior.safetensors", "prior", prior.cfg.to_dict(), prior.state_dict())
    ship(tmp_path / "vq" / "vqvae.safetensors", tmp_path / "prior.safetensors", tmp_path / "out",
         {"temperature": 0.8, "top_k": 5, "top_p": None, "guidance": 0.0})
    _, _, state = load_weights(tmp_path / "out" / "vqvae.safetensors")
    assert state["decoder.paint.weight"].dtype == torch.float16
    assert not any(k.endswith("ema_sum") for k in state)
    model = BuiltinModel.load(tmp_path / "out")
    assert model.defaults.top_k == 5 and model.vqvae.decoder.paint.weight.dtype == torch.float32
    assert torch.allclose(model.vqvae.decoder.paint.weight, vq.decoder.paint.weight, atol=1e-3)


def test_decoder_refinement_keeps_the_codes_and_starts_from_the_same_pictures(tmp_path):
    import dataclasses

    import numpy as np

    from generation.train.vqvae_stage import eval_clips

    train_vqvae(tiny_vqvae_config(), _vq_cfg(4), tmp_path / "vq", CPU)
    source = load_vqvae(tmp_path / "vq" / "vqvae.safetensors").eval()
    asked = dataclasses.replace(tiny_vqvae_config(), refine_channels=4)
    refine = dataclasses.replace(_vq_cfg(6), tokens_from=str(tmp_path / "vq" / "vqvae.safetensors"))
    start = train_vqvae(asked, dataclasses.replace(refine, steps=0), tmp_path / "r0", CPU).eval()
    clips = torch.from_numpy(eval_clips(2, frames=8))
    assert start.cfg.refine_channels == 4
    assert torch.equal(start.decode(source.encode(clips)), source.decode(source.encode(clips)))

    trained = train_vqvae(asked, refine, tmp_path / "r6", CPU).eval()
    assert torch.equal(trained.encode(clips), source.encode(clips))  # codes unchanged
    assert torch.equal(trained.quantiser.levels[0].codebook, source.quantiser.levels[0].codebook)
    refiner = trained.decoder.refine.out.weight
    assert refiner.abs().sum() > 0  # the correction path learned something
    assert np.isfinite(trained.decode_logits(trained.encode(clips)).detach().numpy()).all()


def test_both_stages_train_under_torchrun_with_two_processes(tmp_path):
    """DistributedDataParallel on CPU (gloo): the path a multi-GPU run takes, with --run-dir as
    torchrun needs it spelled."""
    import subprocess
    import sys

    tiny = ["--model-hidden", "16", "--model-res-blocks", "1", "--model-head-hidden", "16",
            "--model-code-dim", "8", "--model-codebook-size", "16", "--frames", "8", "--plain-steps", "2"]
    common = ["--batch", "2", "--warmup", "1", "--eval-every", "6", "--eval-clips", "2", "--threads", "1",
              "--steps", "6"]
    run = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2", "-m", "generation.train"]
    for stage in (["vqvae", "--run-dir", str(tmp_path / "vq"), *tiny],
                  ["gpt", "--vqvae", str(tmp_path / "vq" / "vqvae.safetensors"), "--run-dir",
                   str(tmp_path / "gpt"), "--model-width", "32", "--model-layers", "1", "--model-heads", "2"]):
        done = subprocess.run(run + stage + common, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert '"event": "eval"' in done.stdout
    assert load_prior(tmp_path / "gpt" / "prior.safetensors").cfg.vocab == 16


def test_init_from_starts_from_a_trained_tokenizer_and_trains_every_part(tmp_path):
    import dataclasses

    import pytest

    from generation.train.ship import ship
    from generation.train.vqvae_stage import eval_clips

    train_vqvae(tiny_vqvae_config(), _vq_cfg(4), tmp_path / "vq", CPU)
    path = tmp_path / "vq" / "vqvae.safetensors"
    source = load_vqvae(path).eval()
    tuned = dataclasses.replace(_vq_cfg(4), init_from=str(path))
    start = train_vqvae(tiny_vqvae_config(), dataclasses.replace(tuned, steps=0), tmp_path / "t0", CPU).eval()
    clips = torch.from_numpy(eval_clips(2, frames=8))
    assert torch.equal(start.encode(clips), source.encode(clips))
    assert torch.equal(start.decode(start.encode(clips)), source.decode(source.encode(clips)))

    trained = train_vqvae(tiny_vqvae_config(), tuned, tmp_path / "t4", CPU).eval()
    for part in ("encoder", "quantiser", "decoder"):
        before, after = getattr(source, part).state_dict(), getattr(trained, part).state_dict()
        assert not _states_equal(before, after), f"the {part} did not train"

    train_gpt(path, tiny_prior_config(), GPTTrainConfig(steps=1, batch=2, warmup=1, eval_every=1, eval_clips=2),
              tmp_path / "gpt", CPU)
    ship(path, tmp_path / "gpt" / "prior.safetensors", tmp_path / "shipped",
         {"temperature": 1.0, "top_k": None, "top_p": None, "guidance": 0.0})
    shipped = dataclasses.replace(tuned, init_from=str(tmp_path / "shipped" / "vqvae.safetensors"))
    with pytest.raises(ValueError, match="no codebook statistics"):
        train_vqvae(tiny_vqvae_config(), shipped, tmp_path / "t-shipped", CPU)


def test_gpt_init_from_starts_from_a_trained_prior_that_fits_the_tokenizer(tmp_path):
    import dataclasses

    import pytest

    train_vqvae(tiny_vqvae_config(), _vq_cfg(2), tmp_path / "vq", CPU)
    vq = tmp_path / "vq" / "vqvae.safetensors"
    cfg = GPTTrainConfig(steps=3, batch=2, warmup=1, eval_every=3, eval_clips=2)
    source = train_gpt(vq, tiny_prior_config(), cfg, tmp_path / "gpt", CPU)
    tuned = dataclasses.replace(cfg, init_from=str(tmp_path / "gpt" / "prior.safetensors"))
    other = PriorConfig(**{**tiny_prior_config().to_dict(), "width": 48})  # the source's config wins
    start = train_gpt(vq, other, dataclasses.replace(tuned, steps=0), tmp_path / "g0", CPU)
    assert _states_equal(start.state_dict(), source.state_dict())
    trained = train_gpt(vq, other, tuned, tmp_path / "g3", CPU)
    assert not _states_equal(trained.state_dict(), source.state_dict())

    wider = tiny_vqvae_config()
    train_vqvae(dataclasses.replace(wider, codebook_size=wider.codebook_size * 2), _vq_cfg(2), tmp_path / "vq2", CPU)
    with pytest.raises(ValueError, match="codes of another shape"):
        train_gpt(tmp_path / "vq2" / "vqvae.safetensors", other, tuned, tmp_path / "g-bad", CPU)
    with pytest.raises(ValueError, match="captions must be one of train, wide"):  # never held-out wordings
        train_gpt(vq, other, dataclasses.replace(cfg, captions="paraphrase"), tmp_path / "g-held", CPU)
