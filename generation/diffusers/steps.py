"""Turn a blocking diffusers pipeline call into a generator that yields after each denoising step.

A pipeline reports steps only through `callback_on_step_end`, called inside its own loop, and a
generator cannot yield from inside a callback. So the call runs on a helper thread while the
generator (on the caller's thread: the editor's worker) waits for step events and yields them.
Cancel works both ways: the caller's cancel check is read in the callback, and closing the
generator (the job queue's cancel) makes the next callback raise; the helper is always joined
before the generator ends, so no pipeline call outlives its request.
"""
from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Generator, TypeVar

from generation.progress import Cancelled

T = TypeVar("T")
StepCallback = Callable[[Any, int, Any, dict], dict]


def run_stepwise(call: Callable[[StepCallback], T], should_cancel: Callable[[], bool] | None = None,
                 ) -> Generator[int, None, T]:
    """Run `call(on_step_end)` on a helper thread; yield the number of steps done after each step;
    return what the call returns (its exceptions, Cancelled included, are raised here)."""
    events: queue.Queue = queue.Queue()
    stop = threading.Event()

    def on_step_end(pipe, step: int, timestep, tensors: dict) -> dict:
        if stop.is_set() or (should_cancel is not None and should_cancel()):
            raise Cancelled()
        events.put(("step", step + 1))
        return tensors

    def work() -> None:
        try:
            events.put(("done", call(on_step_end)))
        except BaseException as error:  # handed to the generator's thread, raised there
            events.put(("error", error))

    helper = threading.Thread(target=work, name="diffusers-pipeline", daemon=True)
    helper.start()
    try:
        while True:
            kind, value = events.get()
            if kind == "step":
                yield value
            elif kind == "done":
                return value
            else:
                raise value
    finally:
        stop.set()
        helper.join()
