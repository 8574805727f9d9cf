"""Prompt adherence: generate from prompts worded unlike any training caption, read the clips back
with the analyser, and count colour, shape and direction right."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generation.sampler import SamplingSettings, run_to_end
from generation.shapes.analyser import analyse
from generation.shapes.captions import caption_naming
from generation.shapes.world import BACKGROUNDS, DIRECTIONS, SHAPES, ClipSpec, sample_object


@dataclass(frozen=True)
class AdherenceFigures:
    wording: str
    prompts: int
    colour: float
    shape: float
    direction: float
    background: float  # over the prompts that name a background (a bare "{obj}" prompt doesn't)
    all_three: float  # colour, shape and direction all right
    shape_by_kind: dict[str, float]  # shape right, per shape asked for (squares lag: MODEL_CARD.md)
    direction_by_kind: dict[str, float]  # direction right, per direction asked for
    examples: tuple[tuple[str, str], ...]  # (prompt, what the analyser read) for a few


def eval_prompts(wording: str, n: int, seed: int = 11) -> list[tuple[str, ClipSpec, bool]]:
    """n one-object prompts naming colour, shape and direction, worded as `wording`; each with
    its clip and whether it names the background too."""
    rng = np.random.default_rng([seed, len(wording)])
    out = []
    for _ in range(n):
        clip = ClipSpec(str(rng.choice(list(BACKGROUNDS))), (sample_object(rng),))
        text, named = caption_naming(clip, rng, wording)
        out.append((text, clip, named))
    return out


def evaluate_adherence(model, wording: str, n: int = 48, settings: SamplingSettings | None = None,
                       seed: int = 11, batch: int = 8) -> AdherenceFigures:
    """`model` is a BuiltinModel; one 2-second sample per prompt, `batch` prompts at a time."""
    prompts = eval_prompts(wording, n, seed)
    hits = np.zeros((n, 4), dtype=bool)
    named = np.array([names_background for _, _, names_background in prompts])
    examples = []
    frames = model.prior.cfg.slices * model.slice_frames
    for start in range(0, n, batch):
        group = prompts[start:start + batch]
        clips = run_to_end(model.sample_iter([p for p, _, _ in group], frames, seed=start, settings=settings))
        for i, ((prompt, spec, _), clip) in enumerate(zip(group, clips)):
            reading = analyse(clip)
            want, got = spec.objects[0], reading.main
            if got is not None:
                hits[start + i] = (got.colour == want.colour, got.shape == want.shape,
                                   got.direction == want.direction, reading.background == spec.background)
            if len(examples) < 4:
                read = f"{reading.background}: " + (f"{got.colour} {got.shape} {got.direction}" if got else "nothing")
                examples.append((prompt, read))
    colour, shape, direction = (float(v) for v in hits[:, :3].mean(0))
    background = float(hits[named, 3].mean()) if named.any() else float("nan")
    return AdherenceFigures(wording, n, colour, shape, direction, background,
                            all_three=float(hits[:, :3].all(1).mean()),
                            shape_by_kind=_by_kind([s.objects[0].shape for _, s, _ in prompts], hits[:, 1], SHAPES),
                            direction_by_kind=_by_kind([s.objects[0].direction for _, s, _ in prompts], hits[:, 2],
                                                       DIRECTIONS),
                            examples=tuple(examples))


def _by_kind(asked: list[str], right: np.ndarray, kinds) -> dict[str, float]:
    """The share right among the prompts that asked for each kind (kinds never asked are left out)."""
    asked = np.array(asked)
    return {k: float(right[asked == k].mean()) for k in kinds if (asked == k).any()}
