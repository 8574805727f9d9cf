"""What long-running generation yields while it works, and how it stops early."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """`done` of `total` units of `stage` finished (e.g. codes sampled)."""

    stage: str
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


class Cancelled(Exception):
    """Raised between steps when the caller's cancel check returns True."""
