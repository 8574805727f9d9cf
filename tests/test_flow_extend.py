"""Flow extension: steady motion is carried forward, still footage stays still, cancel stops it."""
from __future__ import annotations

import numpy as np
import pytest

from generation.flow_extend import _psnr, extend_iter
from generation.progress import Cancelled, Progress
from generation.sampler import run_to_end


def textured(h: int, w: int, seed: int) -> np.ndarray:
    """A smooth random texture (flow needs texture to see motion)."""
    import cv2

    noise = np.random.default_rng(seed).integers(0, 255, (h // 4, w // 4, 3), dtype=np.uint8)
    return cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)


def panning(frames: int, step: int = 2, h: int = 72, w: int = 96) -> np.ndarray:
    """A camera panning right over a texture at `step` pixels a frame."""
    world = textured(h, w + frames * step + 8, seed=1)
    return np.stack([world[:, i * step: i * step + w] for i in range(frames)])


def test_steady_pan_is_continued_better_than_holding_the_last_frame():
    clip = panning(12)
    context, truth = clip[:8], clip[8:]
    new = run_to_end(extend_iter(context, len(truth)))
    assert new.shape == truth.shape and new.dtype == np.uint8
    inner = (slice(None), slice(8, -8), slice(8, -16))  # away from the edge that enters the view
    flow = np.mean([_psnr(a, b) for a, b in zip(new[inner], truth[inner])])
    still = np.mean([_psnr(context[-1][inner[1:]], b) for b in truth[inner]])
    assert flow > still + 6


def test_still_footage_stays_still():
    clip = np.repeat(textured(48, 64, seed=2)[None], 6, axis=0)
    new = run_to_end(extend_iter(clip, 4))
    assert np.abs(new.astype(int) - clip[-1].astype(int)).max() <= 2


def test_progress_counts_every_frame_and_cancel_stops_within_a_frame():
    events = []
    gen = extend_iter(panning(8), 5)
    with pytest.raises(StopIteration):
        while True:
            events.append(next(gen))
    assert all(isinstance(e, Progress) for e in events)
    assert events[-1].done == events[-1].total == 5
    calls = []

    def cancel_after_two():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        run_to_end(extend_iter(panning(8), 50, should_cancel=cancel_after_two))
    assert len(calls) == 3


def test_a_single_frame_is_held():
    frame = textured(32, 32, seed=3)[None]
    new = run_to_end(extend_iter(frame, 3))
    assert (new == frame[0]).all() and len(new) == 3
