"""Print every figure of issue 5 for a trained model (see --help).

    python -m generation.evaluate                       # the shipped weights
    python -m generation.evaluate --vqvae runs/vq1/vqvae.safetensors --prior runs/gpt1/prior.safetensors
    python -m generation.evaluate --only tokenizer --vqvae runs/vq1/vqvae.safetensors
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import torch

PARTS = ("tokenizer", "words", "adherence", "extension", "speed", "int8")
WORDINGS = ("template", "paraphrase")


def _standard_error(share: float, n: int) -> float:
    """In percentage points: how far a share measured on n prompts strays by chance (one sigma),
    so that two models' figures are not compared closer than that."""
    return 100 * (share * (1 - share) / n) ** 0.5


def _show(title: str, figures) -> None:
    values = dataclasses.asdict(figures)
    print(f"== {title}")
    for key, value in values.items():
        if isinstance(value, float):
            value = f"{value:.4g}"
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v:.4g}" for k, v in value.items())
        elif key == "examples":
            value = "\n".join(f"      {p!r} -> {r}" for p, r in value)
            value = "\n" + value
        print(f"  {key}: {value}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    from generation.builtin import WEIGHTS_DIR, BuiltinModel
    from generation.evaluation.adherence import evaluate_adherence
    from generation.evaluation.extension import evaluate_extension
    from generation.evaluation.int8 import evaluate_int8
    from generation.evaluation.speed import evaluate_speed
    from generation.evaluation.tokenizer import evaluate_tokenizer
    from generation.evaluation.words import evaluate_words
    from generation.prior.int8 import int8_available
    from generation.prior.loading import load_prior
    from generation.sampler import SamplingSettings
    from generation.vqvae.loading import load_vqvae

    parser = argparse.ArgumentParser(prog="python -m generation.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR, help="folder of the shipped model")
    parser.add_argument("--vqvae", type=Path, help="tokenizer weights (instead of --weights)")
    parser.add_argument("--prior", type=Path, help="prior weights (instead of --weights)")
    parser.add_argument("--only", choices=PARTS, action="append", help="parts to run (default: all)")
    parser.add_argument("--prompts", type=int, default=48, help="prompts per adherence wording")
    parser.add_argument("--wording", choices=WORDINGS, action="append",
                        help="adherence wordings to run (repeatable; default: both)")
    parser.add_argument("--clips", type=int, default=48, help="clips for the extension figures")
    parser.add_argument("--recon-clips", type=int, default=200, help="clips for the tokenizer figures")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--top-k", type=int)
    parser.add_argument("--prompt-seed", type=int, default=11,
                        help="which adherence prompts are drawn; another seed checks on fresh prompts "
                             "settings chosen on the default ones")
    parser.add_argument("--guidance", type=float, action="append",
                        help="guidance scales to measure adherence at (repeatable; default: the model's)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--fp32", action="store_true",
                        help="sample with the prior's float32 weights (default on a CPU: int8 linear layers)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    parts = args.only or list(PARTS)
    started = time.time()
    if args.vqvae:
        vqvae = load_vqvae(args.vqvae)
    if "tokenizer" in parts:
        if not args.vqvae:
            vqvae = BuiltinModel.load(args.weights, args.device).vqvae
        _show(f"tokenizer ({args.vqvae or args.weights})",
              evaluate_tokenizer(vqvae.to(args.device).eval(), args.recon_clips))
    if "words" in parts:
        from generation.text_encoder import TextEncoder

        _show("text encoder: held-out paraphrase words nearest a training word of their concept",
              evaluate_words(TextEncoder(args.device)))
    if set(parts) & {"adherence", "extension", "speed"}:
        if args.prior:
            model = BuiltinModel(vqvae if args.vqvae else load_vqvae(args.weights / "vqvae.safetensors"),
                                 load_prior(args.prior), device=args.device, int8=not args.fp32)
            meta = args.weights / "config.json"
            if meta.is_file():
                model.defaults = SamplingSettings(**json.loads(meta.read_text())["sampling"])
        else:
            model = BuiltinModel.load(args.weights, args.device, int8=not args.fp32)
        base = model.defaults
        if args.temperature is not None:
            base = dataclasses.replace(base, temperature=args.temperature)
        if args.top_k is not None:
            base = dataclasses.replace(base, top_k=args.top_k)
        model.defaults = base
        print(f"sampling: {base}; prior weights: {model.prior_weights}")
        if "adherence" in parts:
            for g in args.guidance or [base.guidance]:
                s = dataclasses.replace(base, guidance=g)
                for wording in args.wording or WORDINGS:
                    figures = evaluate_adherence(model, wording, args.prompts, s, args.prompt_seed)
                    _show(f"adherence, {wording} prompts, guidance {g}", figures)
                    print(f"  (standard error of a share of {figures.prompts} prompts: "
                          f"{_standard_error(0.8, figures.prompts):.1f} points at 80%, "
                          f"{_standard_error(0.5, figures.prompts):.1f} at 50%)")
        if "extension" in parts:
            for caption in (False, True):
                _show(f"extension, {'with' if caption else 'without'} caption",
                      evaluate_extension(model, args.clips, with_caption=caption))
        if "speed" in parts:
            _show("speed", evaluate_speed(model))
    if "int8" in parts and args.device == "cpu" and int8_available():
        prior = load_prior(args.prior or args.weights / "prior.safetensors")
        _show("int8 against float32 prior weights, held-out clips",
              evaluate_int8(prior, vqvae if args.vqvae else load_vqvae(args.weights / "vqvae.safetensors")))
    print(f"(evaluated in {time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
