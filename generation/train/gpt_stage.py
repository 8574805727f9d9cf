"""Train the GPT prior over the codes of a frozen tokenizer, conditioned on captions.

Clips are drawn and encoded on the fly; a fraction of captions is empty, which teaches the
unconditional model that classifier-free guidance and caption-less extension need. Extension
needs no separate task: every code is predicted from the codes before it, so the later slices of
every window are trained as continuations of the first ones. Reports through `on_event`; resumes
from `run_dir/checkpoint.pt`; exports `run_dir/prior.safetensors` at every evaluation.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from generation.prior.config import PriorConfig
from generation.prior.loading import load_prior
from generation.prior.model import Prior
from generation.shapes.batches import sample_batch
from generation.shapes.captions import TRAINING_WORDINGS
from generation.shapes.render import to_rgb
from generation.text_encoder import TextEncoder
from generation.train.checkpoint import load_checkpoint, save_checkpoint
from generation.train.distributed import Context, wrap
from generation.train.prior_noise import PriorNoise
from generation.vqvae.loading import load_vqvae
from generation.weights import save_weights

EVAL_SEED = 2_000_003


@dataclass(frozen=True)
class GPTTrainConfig:
    steps: int = 3000
    batch: int = 32  # clips per step and rank
    lr: float = 1e-3
    warmup: int = 200
    final_lr: float = 0.1
    weight_decay: float = 0.01
    empty_captions: float = 0.2
    late_start: float = 0.2  # windows that start mid-motion, like the windows of a long clip
    late_context: int = 0  # first slices of a late window that are context only, not scored
    seed: int = 0
    eval_every: int = 250
    eval_clips: int = 64
    checkpoint_every: int = 25
    stop_at: int = 0  # end the run after this step (0: at `steps`), keeping the schedule of `steps`
    init_from: str = ""  # a trained prior to start from (e.g. after fine-tuning its tokenizer)
    captions: str = "train"  # the captions' wording: "train", or "wide" (many more words)
    input_noise: float = 0.0  # mean share of input cells the prior re-samples itself (prior_noise.py)


def lr_at(step: int, cfg: GPTTrainConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    p = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.lr * (cfg.final_lr + (1 - cfg.final_lr) * 0.5 * (1 + math.cos(math.pi * p)))


def code_batch(vqvae, text: TextEncoder, rng: np.random.Generator, size: int, frames: int,
               cfg: GPTTrainConfig, device: torch.device
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(codes (B, L, levels), text states, text mask, scored cells (B, L)) for `size` fresh clips.

    A late window's caption tells of its clip's start, so its first slices can show motion the
    caption contradicts (after a bounce). The sampler never draws such slices from the caption
    alone (a long clip slides on from earlier slices), so `cfg.late_context` of them are context
    only: scored, they teach that a caption's direction may not hold at a clip's start.
    """
    batch = sample_batch(rng, size, frames, empty_captions=cfg.empty_captions, late_start=cfg.late_start,
                         wording=cfg.captions)
    with torch.no_grad():
        codes = vqvae.encode(torch.from_numpy(to_rgb(batch.indices)).to(device))
    states, mask = text.encode(batch.captions)
    slices, h, w = codes.shape[1:4]
    late = torch.from_numpy(batch.starts > 0).to(device)[:, None]
    context = late & (torch.arange(slices, device=device) < cfg.late_context)[None, :]  # (B, slices)
    scored = (~context)[:, :, None].expand(size, slices, h * w).reshape(size, -1)
    return codes.reshape(size, -1, codes.shape[-1]), states, mask, scored


class Objective(torch.nn.Module):
    """The prior's training loss as a module's forward, so DistributedDataParallel sees all of it."""

    def __init__(self, prior: Prior):
        super().__init__()
        self.prior = prior

    def forward(self, codes: torch.Tensor, states: torch.Tensor, mask: torch.Tensor,
                scored: torch.Tensor, given: torch.Tensor | None = None) -> torch.Tensor:
        return self.prior.loss(codes, states, mask, given, scored)


def train_gpt(vqvae_path: Path, model_cfg: PriorConfig, cfg: GPTTrainConfig, run_dir: Path,
              ctx: Context, on_event: Callable[[dict], None] = lambda e: None,
              should_stop: Callable[[], bool] = lambda: False) -> Prior:
    if cfg.captions not in TRAINING_WORDINGS:
        raise ValueError(f"captions must be one of {', '.join(TRAINING_WORDINGS)}, not {cfg.captions!r}")
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    vqvae = load_vqvae(vqvae_path).to(ctx.device).eval()
    text = TextEncoder(ctx.device)
    state = load_checkpoint(run_dir / "checkpoint.pt")
    source = load_prior(cfg.init_from) if cfg.init_from and state is None else None
    if state is not None:  # the checkpoint's model config wins over the one asked for
        model_cfg = PriorConfig.from_dict(state["model_config"])
    elif source is not None:  # so does the source's, which must fit the tokenizer
        model_cfg = source.cfg
        fits = (model_cfg.vocab, model_cfg.levels, model_cfg.side) == (
            vqvae.cfg.codebook_size, vqvae.cfg.levels, vqvae.cfg.latent_side)
        if not fits:
            raise ValueError(f"{cfg.init_from} was trained on codes of another shape than {vqvae_path}'s")
    else:
        model_cfg = PriorConfig(**{**model_cfg.to_dict(), "vocab": vqvae.cfg.codebook_size,
                                   "levels": vqvae.cfg.levels, "side": vqvae.cfg.latent_side})
    frames = model_cfg.slices * vqvae.cfg.slice_frames
    model = Prior(model_cfg).to(ctx.device)
    if source is not None:
        model.load_state_dict(source.state_dict())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    rest = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": rest, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.95))
    step = 0
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimiser"])
        step = state["step"]
        on_event({"event": "resumed", "step": step})
    net = wrap(Objective(model), ctx)
    noise = PriorNoise(model, cfg.input_noise) if cfg.input_noise else None

    def save(at: int) -> None:
        save_checkpoint(run_dir / "checkpoint.pt", model=model.state_dict(), optimiser=opt.state_dict(),
                        step=at, model_config=model_cfg.to_dict(), train_config=asdict(cfg))

    held_out = (code_batch(vqvae, text, np.random.default_rng(EVAL_SEED), cfg.eval_clips, frames, cfg,
                           ctx.device) if ctx.main else None)
    started, losses = time.time(), []
    while step < cfg.steps and not (cfg.stop_at and step >= cfg.stop_at) and not should_stop():
        rng = np.random.default_rng([cfg.seed, step, ctx.rank])
        codes, states, mask, scored = code_batch(vqvae, text, rng, cfg.batch, frames, cfg, ctx.device)
        for group in opt.param_groups:
            group["lr"] = lr_at(step, cfg)
        given = None
        if noise is not None:
            given = noise(codes, states, mask, torch.Generator(ctx.device).manual_seed(int(rng.integers(2**62))))
        loss = net(codes, states, mask, scored, given)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        losses.append(loss.item())
        if ctx.main and step % 10 == 0:
            seconds = (time.time() - started) / len(losses)
            on_event({"event": "step", "step": step, "loss": float(np.mean(losses)), "lr": lr_at(step, cfg),
                      "s_per_step": seconds, "codes_per_s": codes.numel() / seconds})
            started, losses = time.time(), []
        if ctx.main and (step % cfg.checkpoint_every == 0 or step == cfg.steps):
            save(step)
        if ctx.main and (step % cfg.eval_every == 0 or step == cfg.steps):
            model.eval()
            with torch.no_grad():
                val = float(Objective(model)(*held_out))
            model.train()
            save_weights(run_dir / "prior.safetensors", "prior", model_cfg.to_dict(), model.state_dict())
            on_event({"event": "eval", "step": step, "val_loss": val})
            started, losses = time.time(), []
    if ctx.main and step % cfg.checkpoint_every and step < cfg.steps:  # stopped between checkpoints
        save(step)
    return model
