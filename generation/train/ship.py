"""Copy trained weights into the shipped layout: `python -m generation.train.ship --vqvae V --prior P`.

Writes vqvae.safetensors and prior.safetensors (float16, config inside; loading casts back to
float32) and config.json (frame rate, default sampling settings) into resources/models/builtin.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from generation.builtin import FPS, WEIGHTS_DIR
from generation.vqvae.loading import TRAINING_STATS
from generation.weights import load_weights, save_weights


def ship(vqvae: Path, prior: Path, out: Path, sampling: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path, name in ((vqvae, "vqvae.safetensors"), (prior, "prior.safetensors")):
        kind, config, state = load_weights(path)
        state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()
                 if not k.endswith(TRAINING_STATS)}
        save_weights(out / name, kind, config, state)
    (out / "config.json").write_text(json.dumps({"fps": int(FPS), "sampling": sampling}, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generation.train.ship")
    parser.add_argument("--vqvae", type=Path, required=True)
    parser.add_argument("--prior", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--temperature", type=float, default=0.9)
    parser.add_argument("--top-k", type=int, default=50)
    parser.add_argument("--top-p", type=float, default=None)
    parser.add_argument("--guidance", type=float, default=0.0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    ship(args.vqvae, args.prior, args.out, {"temperature": args.temperature, "top_k": args.top_k,
                                             "top_p": args.top_p, "guidance": args.guidance})
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
