"""Command line for training: `python -m generation.train vqvae|gpt --run runs/NAME [options]`.

Every field of the stage's model and training configs is an option (--steps, --batch, --hidden,
...). Progress goes to stdout, one line per event; run it again with the same --run to resume.
Under torchrun each process trains on its own batches (DistributedDataParallel).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
from pathlib import Path

import torch


def _add_fields(parser: argparse.ArgumentParser, cls, prefix: str = "") -> None:
    for f in dataclasses.fields(cls):
        if f.type in ("int", "float", "str", int, float, str):
            kind = {"int": int, "float": float, "str": str}.get(f.type, f.type)
            parser.add_argument(f"--{(prefix + f.name).replace('_', '-')}", type=kind, default=None,
                                dest=f"{prefix}{f.name}")


def _build(cls, args: argparse.Namespace, prefix: str = ""):
    """The config with the options given on the command line, defaults elsewhere."""
    values = {f.name: getattr(args, f"{prefix}{f.name}") for f in dataclasses.fields(cls)
              if getattr(args, f"{prefix}{f.name}", None) is not None}
    return cls(**values)


def main(argv: list[str] | None = None) -> int:
    from generation.prior.config import PriorConfig
    from generation.train.distributed import setup, teardown
    from generation.train.gpt_stage import GPTTrainConfig, train_gpt
    from generation.train.vqvae_stage import VQVAETrainConfig, train_vqvae
    from generation.vqvae.config import VQVAEConfig

    parser = argparse.ArgumentParser(prog="python -m generation.train")
    stages = parser.add_subparsers(dest="stage", required=True)
    vq = stages.add_parser("vqvae", help="train the tokenizer")
    _add_fields(vq, VQVAEConfig, "model_")
    _add_fields(vq, VQVAETrainConfig)
    gpt = stages.add_parser("gpt", help="train the prior over a trained tokenizer's codes")
    gpt.add_argument("--vqvae", required=True, help="tokenizer weights (.safetensors)")
    _add_fields(gpt, PriorConfig, "model_")
    _add_fields(gpt, GPTTrainConfig)
    for p in (vq, gpt):
        p.add_argument("--run", "--run-dir", dest="run", required=True, type=Path,
                       help="folder for checkpoints and weights (spell it --run-dir under torchrun, "
                            "whose own --run-path option would take --run)")
        p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
        p.add_argument("--threads", type=int, default=2, help="CPU threads")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    ctx = setup(args.device)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))

    def report(event: dict) -> None:
        event = {"time": time.strftime("%H:%M:%S"), **event}
        print(json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in event.items()}),
              flush=True)

    if args.stage == "vqvae":
        train_vqvae(_build(VQVAEConfig, args, "model_"), _build(VQVAETrainConfig, args), args.run,
                    ctx, report, lambda: stop["now"])
    else:
        train_gpt(Path(args.vqvae), _build(PriorConfig, args, "model_"), _build(GPTTrainConfig, args),
                  args.run, ctx, report, lambda: stop["now"])
    teardown(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
