"""Errors with a message meant for the user (shown as one `error:` line by the CLI)."""
from __future__ import annotations

from desktop.errors import UserError


class GenerationError(UserError):
    """A generation request that cannot be done as asked (bad prompt, numbers, model)."""


class WeightsMissing(GenerationError):
    """The model's weights files are not where they should be."""
