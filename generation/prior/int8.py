"""int8 weights for the prior's linear layers, for sampling on a CPU.

Sampling takes one prior step per latent cell and each step reads every weight once, so on a CPU
the step is bound by memory traffic and per-call overhead, not by arithmetic. Dynamic
quantisation keeps the weights of the linear layers as int8 with one scale per output channel (a
quarter of the bytes) and quantises each step's activations on the fly. On 2 cores a 2-second
clip takes about half the time (bench/bench_generation.py), for about 1% more held-out loss and
98% of first-level picks the same (`python -m generation.evaluate --only int8`; `--fp32` samples
with the float model).
"""
from __future__ import annotations

import warnings

import torch
from torch import nn


def int8_available() -> bool:
    """Whether this torch build has the quantised CPU kernels that dynamic quantisation needs."""
    try:
        from torch.ao.quantization import quantize_dynamic  # noqa: F401
    except ImportError:  # a future torch without torch.ao.quantization: stay in float
        return False
    return any(e != "none" for e in torch.backends.quantized.supported_engines)


def int8_linears(model: nn.Module) -> nn.Module:
    """`model` (on the CPU, for inference) with every nn.Linear replaced by its int8 counterpart,
    in place. Needs int8_available()."""
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():  # torch announces the move of this API to torchao on every call
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8,
                                inplace=True)
