"""What long-running generation yields while it works, and how it stops early."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Progress:
    """`done` of `total` units of `stage` finished (e.g. codes sampled). `preview` may carry a
    picture (RGB uint8 array) of what is made so far, for the editor to show while it works."""

    stage: str
    done: int
    total: int
    preview: Any = field(default=None, compare=False, repr=False)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


class Cancelled(Exception):
    """Raised between steps when the caller's cancel check returns True."""
