"""Extend any footage without learned weights: carry its recent motion forward.

Dense optical flow (OpenCV's Farneback) between the last context frames says where each pixel of
the last frame came from; assuming that motion goes on, slowing down by a damping factor each
frame, the last frame is warped by the accumulated displacement to make each new frame. Warping
the last real frame directly (not the previous prediction) keeps the pictures sharp; a backward
warp has no holes (uncovered areas take the nearest edge pixels).

Motion in real footage is not always steady (a hand that stops, a camera that shakes), and a wrong
guess costs more than no guess. So the damping, and how much of the still last frame is mixed in,
are chosen per clip by a backtest: predict the context's own last frames from the frames before
them with each candidate, and keep the one that was closest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generator

import numpy as np

from generation.progress import Cancelled, Progress

FLOW_SIDE = 480  # flow is estimated with the longer side at most this many pixels


@dataclass(frozen=True)
class FlowSettings:
    dampings: tuple[float, ...] = (0.5, 0.7, 0.85, 0.95)  # motion kept from one frame to the next
    blends: tuple[float, ...] = (0.0, 0.5, 0.75, 1.0)  # weight of the warped picture vs the still one
    backtest: int = 2  # context frames predicted to choose the damping and blend
    flows: int = 2  # consecutive flows averaged (the newest weighs most)


def _grey(frame: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    if scale != 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return grey


def backward_flow(earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
    """For each pixel of `later`, the offset to where it was in `earlier`: (H, W, 2) float32."""
    import cv2

    h, w = later.shape[:2]
    scale = min(1.0, FLOW_SIDE / max(h, w))
    flow = cv2.calcOpticalFlowFarneback(_grey(later, scale), _grey(earlier, scale), None,
                                        pyr_scale=0.5, levels=4, winsize=21, iterations=3,
                                        poly_n=5, poly_sigma=1.1, flags=0)
    if scale != 1:
        flow = cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR) / np.float32(scale)
    return flow.astype(np.float32)


def motion(frames: np.ndarray, count: int) -> np.ndarray:
    """The recent per-frame motion of the last frame: a weighted mean of the last `count` flows."""
    count = min(count, len(frames) - 1)
    weights = np.arange(1, count + 1, dtype=np.float32)
    weights /= weights.sum()
    flows = [backward_flow(frames[i - 1], frames[i]) for i in range(len(frames) - count, len(frames))]
    return sum(w * f for w, f in zip(weights, flows)).astype(np.float32)


def extrapolate(last: np.ndarray, flow: np.ndarray, count: int, damping: float, blend: float,
                should_cancel: Callable[[], bool] | None = None) -> Generator[np.ndarray, None, None]:
    """The `count` frames after `last` if its motion `flow` goes on, slowed by `damping` a frame."""
    import cv2

    h, w = last.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    travelled = 0.0
    for k in range(1, count + 1):
        if should_cancel is not None and should_cancel():
            raise Cancelled()
        travelled += damping**k
        shift = flow * np.float32(travelled)
        warped = cv2.remap(last, gx + shift[..., 0], gy + shift[..., 1], cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
        yield warped if blend == 1.0 else cv2.addWeighted(warped, blend, last, 1.0 - blend, 0)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return 10 * np.log10(255.0**2 / max(mse, 1e-10))


def choose(frames: np.ndarray, settings: FlowSettings) -> tuple[float, float]:
    """(damping, blend) that best predicted the context's own last `backtest` frames."""
    import cv2

    back = settings.backtest
    if len(frames) < back + 2:
        return settings.dampings[len(settings.dampings) // 2], 1.0
    seen, truth = frames[:-back], frames[-back:]
    flow = motion(seen, settings.flows)
    best = (-np.inf, 0.0, 0.0)
    for damping in settings.dampings:
        predicted = list(extrapolate(seen[-1], flow, back, damping, 1.0))
        for blend in settings.blends:
            mixed = [cv2.addWeighted(p, blend, seen[-1], 1.0 - blend, 0) for p in predicted]
            score = float(np.mean([_psnr(p, t) for p, t in zip(mixed, truth)]))
            if score > best[0]:
                best = (score, damping, blend)
    return best[1], best[2]


def extend_iter(frames: np.ndarray, count: int, settings: FlowSettings = FlowSettings(),
                should_cancel: Callable[[], bool] | None = None) -> Generator[Progress, None, np.ndarray]:
    """Yield progress; return the `count` frames (count, H, W, 3) uint8 that follow `frames`."""
    frames = np.ascontiguousarray(frames)
    if len(frames) < 2:
        held = np.repeat(frames[-1:], count, axis=0)
        yield Progress("extrapolate", count, count)
        return held
    yield Progress("motion", 0, count)
    damping, blend = choose(frames, settings)
    flow = motion(frames, settings.flows)
    out = np.empty((count,) + frames.shape[1:], np.uint8)
    for i, frame in enumerate(extrapolate(frames[-1], flow, count, damping, blend, should_cancel)):
        out[i] = frame
        yield Progress("extrapolate", i + 1, count, preview=frame)
    return out


class FlowBackend:
    """The `flow` entry of the backend registry: extension only, at the input's own size and rate."""

    name = "flow"
    any_size = True

    def extend_iter(self, frames: np.ndarray, count: int, should_cancel=None):
        return extend_iter(frames, count, should_cancel=should_cancel)
