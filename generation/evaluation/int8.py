"""What sampling with int8 weights costs: the prior's loss on held-out clips with int8 linear
layers against float32, and how often both pick the same first-level code for the same context."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from generation.prior.int8 import int8_linears
from generation.text_encoder import TextEncoder
from generation.train.gpt_stage import EVAL_SEED, GPTTrainConfig, code_batch


@dataclass(frozen=True)
class Int8Figures:
    clips: int
    loss_float32: float  # nats per code
    loss_int8: float
    loss_change: float  # int8 over float32, relative
    same_first_level_picks: float  # share of cells whose most likely first-level code is the same


@torch.no_grad()
def evaluate_int8(prior, vqvae, clips: int = 32) -> Int8Figures:
    """`prior` and `vqvae` on the CPU (both set to eval mode; the prior left unquantised);
    fresh clips with wide captions."""
    prior, vqvae = prior.float().eval(), vqvae.eval()
    quantised = int8_linears(copy.deepcopy(prior)).eval()
    frames = prior.cfg.slices * vqvae.cfg.slice_frames
    codes, states, mask, _ = code_batch(vqvae, TextEncoder(), np.random.default_rng(EVAL_SEED), clips, frames,
                                        GPTTrainConfig(captions="wide"), torch.device("cpu"))
    losses, picks = [], []
    for model in (prior, quantised):
        losses.append(float(model.loss(codes, states, mask)))
        picks.append(model.logits(model(model.inputs(codes), states, mask), 0).argmax(-1))
    return Int8Figures(clips, losses[0], losses[1], losses[1] / losses[0] - 1,
                       float((picks[0] == picks[1]).float().mean()))
