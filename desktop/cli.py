"""Command line: the editor by default, or a headless subcommand.

Each subcommand lives in `desktop/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`, imported only when used, so `main.py render` never pays for Qt or torch.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from desktop.errors import UserError

COMMANDS = {
    "info": "print a JSON summary of a project",
    "render": "render a project to an MP4 file",
    "generate": "generate a clip from a text prompt",
    "extend": "extend a clip by predicting its next frames",
    "models": "list the generation backends and what they can do",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def _command_parser(name: str):
    module = importlib.import_module(f"desktop.commands.{name}")
    parser = _Parser(prog=f"framesmith {name}", description=COMMANDS[name])
    module.add_arguments(parser)
    return module, parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        module, parser = _command_parser(argv[0])
        try:
            args = parser.parse_args(argv[1:])
        except SystemExit as done:  # --help, or a usage error already reported in one line
            return int(done.code or 0)
        try:
            return module.run(args) or 0
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("error: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:  # `main.py info x.otio | head`: the reader left, nothing to report
            sys.stdout = open(os.devnull, "w")
            return 0
    if argv and argv[0] in ("-h", "--help"):
        print("usage: framesmith [PROJECT.otio] | framesmith COMMAND ...\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:<9} {text}")
        return 0
    from desktop.app import run_app

    return run_app(argv)
