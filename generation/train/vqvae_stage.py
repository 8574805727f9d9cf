"""Train the VQ-VAE tokenizer on shapes-world clips drawn on the fly.

Reports through `on_event(dict)`; the caller prints. Resumes from `run_dir/checkpoint.pt` and
exports `run_dir/vqvae.safetensors` at every evaluation. Data for step n comes from a generator
seeded by (seed, n, rank), so a resumed run sees exactly the batches an unbroken one would.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from generation.shapes.batches import sample_batch
from generation.shapes.render import to_rgb
from generation.train.augment import codec_like
from generation.train.checkpoint import load_checkpoint, save_checkpoint
from generation.train.distributed import Context, wrap
from generation.vqvae.config import VQVAEConfig
from generation.vqvae.loading import load_vqvae
from generation.vqvae.model import VQVAE, to_input
from generation.weights import save_weights

EVAL_SEED = 1_000_003  # fresh clips: training draws from other seeds


@dataclass(frozen=True)
class VQVAETrainConfig:
    steps: int = 9000
    batch: int = 8  # clips per step and rank
    frames: int = 12  # frames per clip (3 latent slices: the decoder sees two slices back)
    lr: float = 5e-4
    warmup: int = 200
    plain_steps: int = 150  # first steps without quantisation, then the codebook starts from data
    final_lr: float = 0.1  # cosine decay to this fraction of lr
    edge_weight: float = 4.0  # extra loss weight near colour changes (see pixel_weights)
    corner_weight: float = 0.0  # extra loss weight at corners, tips and slanted edges (pixel_weights)
    seed: int = 0
    eval_every: int = 500
    eval_clips: int = 32
    checkpoint_every: int = 100
    stop_at: int = 0  # end the run after this step (0: at `steps`), keeping the schedule of `steps`
    tokens_from: str = ""  # a trained tokenizer: keep its encoder and codebook, train the decoder only
    init_from: str = ""  # a trained tokenizer to start from, every part trained (its codes change)


def pixel_weights(target: torch.Tensor, cfg: VQVAETrainConfig) -> torch.Tensor:
    """(B, T, H, W) indices -> loss weights: 1, plus `edge_weight` in a band one pixel either side
    of every colour change, plus `corner_weight` on pixels that differ from two or more of their
    four neighbours.

    The band is symmetric on purpose: extra weight on object pixels alone made painting an object
    too large cheaper than painting it too small, and the decoder drew motion-smeared blobs. The
    corner term weighs what tells shapes apart at 64x64: a small triangle's tip and the steps of
    its slanted sides (both sides of them), which an edge band alone let the decoder round off
    into a circle.
    """
    t = target.flatten(0, 1).float()[:, None]  # (N, 1, H, W)
    pad = F.pad(t, (1, 1, 1, 1), mode="replicate")
    differs = torch.cat([pad[..., 1:-1, :-2] != t, pad[..., 1:-1, 2:] != t,
                         pad[..., :-2, 1:-1] != t, pad[..., 2:, 1:-1] != t], 1).float()
    band = F.max_pool2d(differs.amax(1, keepdim=True), 3, stride=1, padding=1)
    corner = (differs.sum(1, keepdim=True) >= 2).float()
    return (1.0 + cfg.edge_weight * band + cfg.corner_weight * corner).reshape(target.shape)


def train_mode(model: VQVAE, frozen: bool) -> None:
    """Training mode, except a frozen encoder and codebook: their batch-norm statistics and EMA
    codebook must not move, or the codes would drift from those a prior was trained on."""
    model.train()
    if frozen:
        model.encoder.eval()
        model.quantiser.eval()


def lr_at(step: int, cfg: VQVAETrainConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    p = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.lr * (cfg.final_lr + (1 - cfg.final_lr) * 0.5 * (1 + math.cos(math.pi * p)))


def eval_clips(n: int, frames: int = 20) -> np.ndarray:
    """Fixed fresh clips (n, frames, H, W, 3) uint8 for evaluation."""
    batch = sample_batch(np.random.default_rng(EVAL_SEED), n, frames)
    return to_rgb(batch.indices)


@torch.no_grad()
def reconstruct(model: VQVAE, frames: np.ndarray, device: torch.device, chunk: int = 16) -> np.ndarray:
    out = []
    for i in range(0, len(frames), chunk):
        x = torch.from_numpy(frames[i:i + chunk]).to(device)
        out.append(model.decode(model.encode(x)).cpu().numpy())
    return np.concatenate(out)


@torch.no_grad()
def reconstruct_codes(model: VQVAE, frames: np.ndarray, device: torch.device) -> np.ndarray:
    return model.encode(torch.from_numpy(frames).to(device)).cpu().numpy()


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def train_vqvae(model_cfg: VQVAEConfig, cfg: VQVAETrainConfig, run_dir: Path, ctx: Context,
                on_event: Callable[[dict], None] = lambda e: None,
                should_stop: Callable[[], bool] = lambda: False) -> VQVAE:
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)
    state = load_checkpoint(run_dir / "checkpoint.pt")
    if cfg.tokens_from and cfg.init_from:
        raise ValueError("give either tokens_from (decoder only) or init_from (every part), not both")
    origin = cfg.tokens_from or cfg.init_from
    source = load_vqvae(origin, training=bool(cfg.init_from)) if origin and state is None else None
    if state is not None:  # the checkpoint's model config wins over the one asked for
        model_cfg = VQVAEConfig.from_dict(state["model_config"])
    elif source is not None:  # the source's tokenizer, with a refinement path if one is asked for
        refine = model_cfg.refine_channels or source.cfg.refine_channels
        model_cfg = VQVAEConfig(**{**source.cfg.to_dict(), "refine_channels": refine})
    model = VQVAE(model_cfg).to(ctx.device)
    if source is not None:
        missing = model.load_state_dict(source.state_dict(), strict=False).missing_keys
        assert all(k.startswith("decoder.refine.") for k in missing), missing
    frozen = bool(cfg.tokens_from)
    for part in (model.encoder, model.quantiser) if frozen else ():
        part.requires_grad_(False)
    opt = torch.optim.Adam(model.decoder.parameters() if frozen else model.parameters(), lr=cfg.lr)
    step = 0
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimiser"])
        step = state["step"]
        on_event({"event": "resumed", "step": step})
    net = wrap(model, ctx)
    train_mode(model, frozen)

    def save(at: int) -> None:
        save_checkpoint(run_dir / "checkpoint.pt", model=model.state_dict(), optimiser=opt.state_dict(),
                        step=at, model_config=model_cfg.to_dict(), train_config=asdict(cfg))

    held_out = eval_clips(cfg.eval_clips) if ctx.main else None
    started = time.time()
    while step < cfg.steps and not (cfg.stop_at and step >= cfg.stop_at) and not should_stop():
        rng = np.random.default_rng([cfg.seed, step, ctx.rank])
        batch = sample_batch(rng, cfg.batch, cfg.frames, late_start=0.5, two_objects=0.7)
        target = torch.from_numpy(batch.indices).to(ctx.device)
        frames = to_input(torch.from_numpy(to_rgb(batch.indices))).to(ctx.device)
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        frames = codec_like(frames, gen)
        for group in opt.param_groups:
            group["lr"] = lr_at(step, cfg)
        quantise = bool(origin) or step >= cfg.plain_steps  # a trained codebook needs no warm-up
        out = net(frames, target, pixel_weights(target, cfg), quantise)
        opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        opt.step()
        step += 1
        if ctx.main and step % 20 == 0:
            on_event({"event": "step", "step": step, "loss": out["loss"].item(),
                      "recon": float(out["recon"]), "commitment": float(out["commitment"]),
                      "codes_in_batch": model.quantiser.usage(out["codes"]), "lr": lr_at(step, cfg),
                      "s_per_step": (time.time() - started) / 20})
            started = time.time()
        if ctx.main and (step % cfg.checkpoint_every == 0 or step == cfg.steps):
            save(step)
        if ctx.main and (step % cfg.eval_every == 0 or step == cfg.steps):
            model.eval()
            recon = reconstruct(model, held_out, ctx.device)
            codes = reconstruct_codes(model, held_out, ctx.device)
            used = [len(np.unique(codes[..., i])) for i in range(codes.shape[-1])]
            train_mode(model, frozen)
            save_weights(run_dir / "vqvae.safetensors", "vqvae", model_cfg.to_dict(), model.state_dict())
            k = model_cfg.slice_frames  # the last slice has no slice after it: not scored
            on_event({"event": "eval", "step": step, "psnr": psnr(recon[:, :-k], held_out[:, :-k]),
                      "codes_used_per_level": used})
            started = time.time()
    if ctx.main and step % cfg.checkpoint_every and step < cfg.steps:  # stopped between checkpoints
        save(step)
    return model
