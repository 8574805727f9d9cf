"""Speed of the built-in model on this machine: loading, a 2-second clip from a prompt (prompt
encoding included), latent cells per second with and without the key/value cache, an 8-second clip
(sliding window) and a 1-second extension. On a CPU the 2-second clip and cell rates are measured
with the int8 prior the program uses and with the float32 one.

    python bench/bench_generation.py [--device cpu|cuda] [--threads 2]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import numpy as np
    import torch

    from generation.builtin import WEIGHTS_DIR, BuiltinModel, weights_present
    from generation.device import best_device
    from generation.evaluation.speed import evaluate_speed
    from generation.prior.loading import load_prior
    from generation.sampler import run_to_end

    if not weights_present():
        print("bench_generation: no shipped weights in resources/models/builtin; nothing to measure")
        return 0
    torch.set_num_threads(args.threads)
    device = args.device or best_device()
    started = time.perf_counter()
    model = BuiltinModel.load(device=device)
    model.text.encode(["warm-up"])
    print(f"load (tokenizer, prior, prompt encoder) on {device}: {time.perf_counter() - started:.2f} s")
    variants = [model]
    if model.int8:
        variants.append(BuiltinModel(model.vqvae, load_prior(WEIGHTS_DIR / "prior.safetensors"), model.fps,
                                     model.defaults, device, int8=False))
    for m in variants:
        s = evaluate_speed(m)
        print(f"{s.device}: 2-second clip, prompt encoding included: {s.clip_seconds:.3f} s "
              f"(with guidance: {s.clip_seconds_guided:.3f} s)")
        print(f"{s.device}: latent cells/s with the key/value cache: {s.cells_per_s_cache:.0f}; without "
              f"(full forward per cell): {s.cells_per_s_no_cache:.0f} (x{m.prior.cfg.levels} codes each)")
    started = time.perf_counter()
    clip = run_to_end(model.generate_iter("a white triangle moving right on a navy background",
                                          8 * int(model.fps), seed=0))
    print(f"8-second clip ({clip.shape[1]} frames, sliding window): {time.perf_counter() - started:.2f} s")
    context = clip[0, -8:]
    started = time.perf_counter()
    run_to_end(model.extend_iter(np.ascontiguousarray(context), int(model.fps), seed=0))
    print(f"1-second extension from 8 context frames: {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
