"""`main.py models`: each generation backend, what it can do, and the device it runs on.

Diffusers models are looked for in --model-dir folders, FRAMESMITH_MODEL_DIRS and the Hugging Face
cache (read only); each shows the GPU memory it needs and the sizes and lengths it accepts.
"""
from __future__ import annotations


def add_model_options(parser, memory: bool = False) -> None:
    """--model-dir (for every command that names a model); with `memory`, the options a diffusion
    model runs with."""
    parser.add_argument("--model-dir", action="append", default=[], metavar="DIR",
                        help="a diffusers model folder, or a folder of them (repeatable; "
                             "also FRAMESMITH_MODEL_DIRS, separated by the path separator)")
    if memory:
        parser.add_argument("--steps", type=int,
                            help="denoising steps of a diffusion model (default: FRAMESMITH_STEPS, "
                                 "else its own)")
        parser.add_argument("--offload", action="store_true", default=None,
                            help="diffusion models: keep parts on the CPU, each on the GPU while it runs")
        parser.add_argument("--vae-tiling", action="store_true", default=None,
                            help="diffusion models: decode the video in tiles (less GPU memory)")


def use_model_options(args) -> None:
    from generation.diffusers.settings import configure

    configure(model_dirs=args.model_dir, offload=getattr(args, "offload", None),
              vae_tiling=getattr(args, "vae_tiling", None))


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object per backend")
    add_model_options(parser)


def run(args) -> int:
    import dataclasses
    import json
    import sys

    from generation.backends import list_backends
    from generation.diffusers.listing import folder_problems

    use_model_options(args)
    infos = list_backends()
    width = max(10, *(len(i.name) + 1 for i in infos))
    for info in infos:
        if args.json:
            print(json.dumps(dataclasses.asdict(info)))
            continue
        status = "ready" if info.available else f"unavailable ({info.note})"
        print(f"{info.name:<{width}} {', '.join(info.capabilities):<18} {info.device:<5} {status}")
        print(f"{'':<{width}} {info.description}")
        if getattr(info, "vram_gib", 0):
            print(f"{'':<{width}} GPU memory about {info.vram_gib:g} GiB in half precision "
                  f"({info.offload_vram_gib:g} GiB with --offload)")
        if getattr(info, "rules", ""):
            print(f"{'':<{width}} {info.rules}")
    for problem in folder_problems():
        print(problem, file=sys.stderr if args.json else sys.stdout)
    return 0
