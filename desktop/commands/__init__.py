"""Headless subcommands of `main.py`; each module has `add_arguments(parser)` and `run(args)`."""
