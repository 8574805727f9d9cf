"""Undo and redo: named transactions of primitive changes, all-or-nothing.

An edit runs inside `with history.transaction("Split"):` and makes every change through
`history.apply(change)`. Each change returns its inverse, which the transaction records; if
anything raises before the block ends, the inverses are replayed and the project is exactly as it
was. Transactions nest: an inner one joins the outer (and rolls back only its own part if it
raises). A committed transaction is one undo step.

Views subscribe with `history.subscribe(callback)`; the callback gets a `HistoryEvent` after each
commit, undo and redo (plain Python, no Qt). A drag becomes one undo step by giving each of its
transactions the same `merge` key: a transaction whose key equals the last step's (with nothing
undone or redone since) is appended to that step, and its event says `merged=True`.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterator

from desktop.timeline.changes import Change
from desktop.timeline.model import Project

_serials = itertools.count(1)


@dataclass
class Transaction:
    """One undo step: the changes made (in order) and their inverses."""

    name: str
    merge: Hashable | None = None
    done: list[Change] = field(default_factory=list)
    inverses: list[Change] = field(default_factory=list)
    serial: int = field(default_factory=lambda: next(_serials))


@dataclass(frozen=True)
class HistoryEvent:
    """What just happened: `action` is "do", "undo" or "redo"; `name` the step's name."""

    action: str
    name: str
    merged: bool = False


Listener = Callable[[HistoryEvent], None]


class History:
    """The undo and redo stacks of one project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._undo: list[Transaction] = []
        self._redo: list[Transaction] = []
        self._open: Transaction | None = None
        self._listeners: list[Listener] = []
        self._saved_serial = 0
        self._mergeable: Transaction | None = None  # the last commit, until an undo or redo

    # --- making changes -------------------------------------------------------------------

    @contextmanager
    def transaction(self, name: str, merge: Hashable | None = None) -> Iterator[None]:
        """Group the changes made in the block into one undo step named `name`."""
        if self._open is not None:
            mark = len(self._open.done)
            try:
                yield
            except BaseException:
                self._rollback(mark)
                raise
            return
        self._open = Transaction(name, merge)
        try:
            yield
        except BaseException:
            self._rollback(0)
            self._open = None
            raise
        txn, self._open = self._open, None
        if txn.done:
            self._commit(txn)

    def apply(self, change: Change) -> None:
        """Make one primitive change inside the open transaction."""
        if self._open is None:
            raise RuntimeError("changes must be made inside history.transaction(...)")
        inverse = change.apply(self.project)
        self._open.done.append(change)
        self._open.inverses.append(inverse)

    def _rollback(self, mark: int) -> None:
        txn = self._open
        assert txn is not None
        while len(txn.done) > mark:
            txn.done.pop()
            txn.inverses.pop().apply(self.project)

    def _commit(self, txn: Transaction) -> None:
        top = self._mergeable
        merged = top is not None and txn.merge is not None and top.merge == txn.merge
        if merged:
            top.done += txn.done
            top.inverses += txn.inverses
            top.serial = next(_serials)
        else:
            self._undo.append(txn)
            self._mergeable = txn
        self._redo.clear()
        self._notify(HistoryEvent("do", self._mergeable.name, merged))

    # --- undo and redo ---------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_name(self) -> str | None:
        return self._undo[-1].name if self._undo else None

    @property
    def redo_name(self) -> str | None:
        return self._redo[-1].name if self._redo else None

    def undo(self) -> str:
        """Undo the last step; returns its name."""
        self._idle("undo")
        txn = self._undo.pop()
        self._mergeable = None
        for inverse in reversed(txn.inverses):
            inverse.apply(self.project)
        self._redo.append(txn)
        self._notify(HistoryEvent("undo", txn.name))
        return txn.name

    def redo(self) -> str:
        """Redo the last undone step; returns its name."""
        self._idle("redo")
        txn = self._redo.pop()
        self._mergeable = None
        for change in txn.done:
            change.apply(self.project)
        self._undo.append(txn)
        self._notify(HistoryEvent("redo", txn.name))
        return txn.name

    def _idle(self, action: str) -> None:
        if self._open is not None:
            raise RuntimeError(f"cannot {action} inside a transaction")
        if not (self._undo if action == "undo" else self._redo):
            raise IndexError(f"nothing to {action}")

    # --- saved state and listeners ------------------------------------------------------------

    def mark_saved(self) -> None:
        """Remember the current step as the one on disk (see `modified`)."""
        self._saved_serial = self._undo[-1].serial if self._undo else 0

    def mark_unsaved(self) -> None:
        """Say the project differs from anything on disk (a recovered autosave, for one)."""
        self._saved_serial = -1

    @property
    def modified(self) -> bool:
        """Whether the project differs from the last `mark_saved` (by undo steps)."""
        return (self._undo[-1].serial if self._undo else 0) != self._saved_serial

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` after every commit, undo and redo; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, event: HistoryEvent) -> None:
        for listener in list(self._listeners):
            listener(event)
