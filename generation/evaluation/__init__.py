"""Figures of the built-in model (issue 5): `python -m generation.evaluate`."""
