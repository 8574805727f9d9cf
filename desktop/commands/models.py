"""`main.py models`: each generation backend, what it can do, and the device it runs on."""
from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object per backend")


def run(args) -> int:
    import dataclasses
    import json

    from generation.backends import list_backends

    for info in list_backends():
        if args.json:
            print(json.dumps(dataclasses.asdict(info)))
            continue
        status = "ready" if info.available else f"unavailable ({info.note})"
        print(f"{info.name:<10} {', '.join(info.capabilities):<18} {info.device:<5} {status}")
        print(f"{'':<10} {info.description}")
    return 0
