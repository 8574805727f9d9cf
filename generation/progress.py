"""What long-running generation yields while it works, and how it stops early."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Progress:
    """`done` of `total` units of `stage` finished (e.g. codes sampled). `preview` may carry a
    picture (RGB uint8 array) of what is made so far, for the editor to show while it works, or
    a function that makes it: a picture that costs a decode is made only for a consumer that
    shows it (call `picture()`), not for the command line."""

    stage: str
    done: int
    total: int
    preview: Any | Callable[[], Any] = field(default=None, compare=False, repr=False)

    def picture(self) -> Any:
        """The preview picture, made now if it was deferred; None when there is none."""
        return self.preview() if callable(self.preview) else self.preview

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


class Cancelled(Exception):
    """Raised between steps when the caller's cancel check returns True."""
