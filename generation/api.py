"""Public entry points: make a clip from a prompt, extend a clip by predicting its next frames.

`generate_iter` / `extend_iter` are generators that yield Progress events and return the frames
(StopIteration.value); `generate` / `extend` run them to the end. Frames are uint8 numpy arrays
(T, H, W, 3). Bad arguments raise GenerationError (a UserError) with a one-line message.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Generator

import numpy as np

from generation.errors import GenerationError
from generation.progress import Progress

MAX_SECONDS = 60
MAX_TAKES = 16


def _number(name: str, value, low: float, high: float, integer: bool = False):
    ok = isinstance(value, (int, float, Fraction)) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if not ok or not math.isfinite(float(value)) or not low <= value <= high:
        kind = "a whole number" if integer else "a number"
        raise GenerationError(f"{name} must be {kind} from {low:g} to {high:g}, got {value!r}")
    return int(value) if integer else value


def _settings(model, temperature, top_k, top_p, guidance):
    from dataclasses import replace

    s = model.defaults
    if temperature is not None:
        s = replace(s, temperature=_number("temperature", temperature, 0.01, 10))
    if top_k is not None:
        s = replace(s, top_k=_number("top-k", top_k, 1, 1 << 20, integer=True))
    if top_p is not None:
        s = replace(s, top_p=_number("top-p", top_p, 0.01, 1))
    if guidance is not None:
        s = replace(s, guidance=_number("guidance", guidance, 0, 20))
    return s


def _fps(value, default: Fraction) -> Fraction:
    if value is None:
        return default
    _number("fps", value, 1, 240)
    return Fraction(value).limit_denominator(1001)


def _size(size) -> tuple[int, int] | None:
    """A square side or a (width, height) pair, as (width, height)."""
    if size is None:
        return None
    if isinstance(size, (tuple, list)) and len(size) == 2:
        width, height = size
        return (_number("width", width, 16, 4096, integer=True),
                _number("height", height, 16, 4096, integer=True))
    side = _number("size", size, 16, 4096, integer=True)
    return side, side


def _diffusion(model: str, temperature, top_k, top_p, guidance, steps) -> tuple[float | None, int | None]:
    """(guidance, steps) for a diffusion model, which has no token sampling settings."""
    sampling = (("temperature", temperature), ("top-k", top_k), ("top-p", top_p))
    given = [name for name, value in sampling if value is not None]
    if given:
        raise GenerationError(f"model {model!r} is a diffusion model: it takes no {', '.join(given)}")
    if guidance is not None:
        guidance = _number("guidance", guidance, 0, 20)
    if steps is not None:
        steps = _number("steps", steps, 1, 1000, integer=True)
    return guidance, steps


def _require(model: str, capability: str) -> None:
    from generation.backends import backend_info

    info = backend_info(model)
    if capability not in info.capabilities:
        can = " and ".join(info.capabilities)
        raise GenerationError(f"model {model!r} cannot {capability} (it can {can})")


def generate_iter(prompt: str, seconds: float = 2.0, seed: int = 0, takes: int = 1,
                  size: int | tuple[int, int] | None = None, fps: float | Fraction | None = None,
                  model: str = "builtin",
                  temperature: float | None = None, top_k: int | None = None,
                  top_p: float | None = None, guidance: float | None = None, steps: int | None = None,
                  should_cancel: Callable[[], bool] | None = None, device: str | None = None,
                  ) -> Generator[Progress, None, list[np.ndarray]]:
    """Yield progress; return one clip (T, H, W, 3) per take, at `fps` (default native).

    size: a square side or (width, height) (default: the model's). steps: denoising steps of a
    diffusion model (default: the model's).
    """
    from generation.backends import load_backend
    from generation.frames import frame_count, resize, retime

    if not isinstance(prompt, str) or not prompt.strip():
        raise GenerationError("the prompt is empty")
    _number("seconds", seconds, 0.01, MAX_SECONDS)
    seed = _number("seed", seed, 0, 2**63 - 1, integer=True)
    takes = _number("takes", takes, 1, MAX_TAKES, integer=True)
    size = _size(size)
    _require(model, "generate")
    backend = load_backend(model, device)
    out_fps = _fps(fps, backend.fps)
    if getattr(backend, "conforms", False):  # a diffusion model: conforms size, rate and length itself
        guidance, steps = _diffusion(model, temperature, top_k, top_p, guidance, steps)
        return (yield from backend.generate_conformed(prompt.strip(), seconds, seed, takes, size, out_fps,
                                                      guidance, steps, should_cancel))
    if steps is not None:
        raise GenerationError(f"model {model!r} has no denoising steps")
    settings = _settings(backend, temperature, top_k, top_p, guidance)
    count = frame_count(seconds, out_fps)
    native = frame_count(Fraction(count) / out_fps, backend.fps)
    clips = yield from backend.generate_iter(prompt.strip(), native, seed, takes, settings, should_cancel)
    return [resize(retime(c, backend.fps, out_fps, count), size or (backend.size, backend.size), smooth=False)
            for c in clips]


def generate(prompt: str, seconds: float = 2.0, seed: int = 0, **kwargs) -> list[np.ndarray]:
    """One clip (T, H, W, 3) uint8 per take; see generate_iter."""
    from generation.sampler import run_to_end

    return run_to_end(generate_iter(prompt, seconds, seed, **kwargs))


def extend_iter(frames: np.ndarray, fps: float | Fraction, seconds: float = 1.0, seed: int = 0,
                context_frames: int | None = None, prompt: str = "", model: str = "builtin",
                temperature: float | None = None, top_k: int | None = None,
                top_p: float | None = None, guidance: float | None = None, steps: int | None = None,
                should_cancel: Callable[[], bool] | None = None, device: str | None = None,
                ) -> Generator[Progress, None, np.ndarray]:
    """Yield progress; return the frames (N, H, W, 3) that follow `frames` (T, H, W, 3) uint8 for
    `seconds`, at the input's size and rate.

    context_frames: how many of the input's last frames the model sees (default: 8 model frames,
    one second); counted at the input's rate, rounded down to whole latent slices (at least one).
    """
    from generation.backends import load_backend
    from generation.frames import context_indices, frame_count, resize, retime

    if not isinstance(frames, np.ndarray) or frames.ndim != 4 or frames.shape[-1] != 3 or not len(frames):
        raise GenerationError("extend needs frames shaped (T, H, W, 3)")
    if frames.dtype != np.uint8:
        raise GenerationError("extend needs uint8 frames")
    in_fps = _fps(fps, Fraction(0))
    _number("seconds", seconds, 0.01, MAX_SECONDS)
    seed = _number("seed", seed, 0, 2**63 - 1, integer=True)
    _require(model, "extend")
    backend = load_backend(model, device)
    if context_frames is not None:
        context_frames = _number("context frames", context_frames, 1, 10**6, integer=True)
    if getattr(backend, "conforms", False):  # a diffusion model: conforms size, rate and length itself
        guidance, steps = _diffusion(model, temperature, top_k, top_p, guidance, steps)
        return (yield from backend.extend_conformed(frames, in_fps, seconds, seed, context_frames, prompt,
                                                    guidance, steps, should_cancel))
    if steps is not None:
        raise GenerationError(f"model {model!r} has no denoising steps")
    if getattr(backend, "any_size", False):
        # a backend that works on any footage at its own size (flow): no resizing, no retiming
        context = frames[-(context_frames or max(2, round(in_fps / 2))):]
        return (yield from backend.extend_iter(context, frame_count(seconds, in_fps), should_cancel))
    settings = _settings(backend, temperature, top_k, top_p, guidance)
    k = backend.slice_frames
    if context_frames is None:
        native_context = 2 * k
    else:
        native_context = max(k, int(context_frames * backend.fps / in_fps) // k * k)
    picked = frames[context_indices(len(frames), in_fps, backend.fps, native_context)]
    context = resize(picked, (backend.size, backend.size), smooth=True)
    count = frame_count(seconds, in_fps)
    native = math.floor(count * backend.fps / in_fps) + 1
    new = yield from backend.extend_iter(context, native, seed, 1, prompt, settings, should_cancel)
    # output frame j (1-based) at time j/fps after the last input frame; offset 0 is that frame
    timeline = np.concatenate([resize(frames[-1:], (backend.size, backend.size), smooth=True), new[0]])
    native_out = retime(timeline, backend.fps, in_fps, count, offset=1)
    height, width = frames.shape[1:3]
    out = resize(native_out, (width, height), smooth=False)
    held = retime(np.arange(len(timeline)), backend.fps, in_fps, count, offset=1) == 0
    out[held] = frames[-1]  # before the first predicted frame the last input frame holds
    return out


def extend(frames: np.ndarray, fps: float | Fraction, seconds: float = 1.0, seed: int = 0,
           **kwargs) -> np.ndarray:
    """The predicted frames that follow `frames`; see extend_iter."""
    from generation.sampler import run_to_end

    return run_to_end(extend_iter(frames, fps, seconds, seed, **kwargs))
