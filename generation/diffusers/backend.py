"""A local diffusers video model as a Framesmith backend.

It takes whole requests (seconds, size, rate) and conforms them itself: the model runs at a size
and length it accepts (generation.diffusers.conform) and the result comes back at the asked ones.
Generation and extension are generators that yield a Progress per denoising step and stop at a
cancel between steps (generation.diffusers.steps). Takes run one after another, take k seeded with
seed + k on a CPU generator, so a take is the same clip on any device and any number of takes.

Extension conditions the model on the clip's last frames: LTX-Video through LTXConditionPipeline
(a stretch of frames at the start of the new clip), CogVideoX image-to-video on the last frame.
A clip longer than one pass continues pass after pass from the end of the previous one.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Generator

import numpy as np
import torch

from generation.diffusers.conform import (context_length, extension_frames, fit, longest, model_size,
                                          pass_frames, to_uint8)
from generation.diffusers.discovery import GIB, LocalModel
from generation.diffusers.families import LTX
from generation.diffusers.settings import MemoryOptions, default_steps, stay_offline
from generation.diffusers.steps import run_stepwise
from generation.errors import GenerationError, WeightsMissing
from generation.frames import context_indices, frame_count, retime
from generation.progress import Progress

ShouldCancel = Callable[[], bool] | None


def memory_problem(model: LocalModel, free: int, total: int, offload: bool, gpu: str) -> str:
    """Why `model` will not fit in `free` bytes of GPU memory, or "" when it will."""
    need = model.vram_bytes(offload)
    if need <= free:
        return ""
    text = (f"{model.name} needs about {need / GIB:.1f} GiB of GPU memory, but {gpu} has "
            f"{free / GIB:.1f} GiB free (of {total / GIB:.1f} GiB)")
    if not offload and model.vram_bytes(True) <= free:
        return f"{text}: try --offload (about {model.vram_bytes(True) / GIB:.1f} GiB)"
    return f"{text}: close other programs using the GPU, or use a smaller model"


def _check_memory(model: LocalModel, device: str, offload: bool) -> None:
    if not device.startswith("cuda"):
        return
    index = torch.device(device).index or 0
    free, total = torch.cuda.mem_get_info(index)
    problem = memory_problem(model, free, total, offload, torch.cuda.get_device_name(index))
    if problem:
        raise GenerationError(problem)


def _check_complete(model: LocalModel, pipe) -> None:
    """Refuse a component whose weights file lacks parameters its config asks for (they would be
    left without data)."""
    for name, component in pipe.components.items():
        if isinstance(component, torch.nn.Module):
            empty = sum(p.is_meta for p in component.parameters())
            if empty:
                raise GenerationError(f"{model.name}: {name} weights in {model.path} do not match its "
                                      f"config ({empty} parameter tensors missing)")


def _quiet() -> None:
    """No progress bars or advice on stderr: progress is reported by the generators."""
    import diffusers.utils.logging as diffusers_logging
    import transformers.utils.logging as transformers_logging

    for logging in (diffusers_logging, transformers_logging):
        logging.set_verbosity_error()
        logging.disable_progress_bar()


class DiffusersBackend:
    conforms = True  # generation.api hands it whole requests; it conforms them itself

    def __init__(self, model: LocalModel, pipe, device: str):
        self.model = model
        self.name = model.name
        self.family = model.family
        self.geometry = model.geometry
        self.fps: Fraction = model.geometry.fps
        self.device = device
        self.pipe = pipe  # as loaded from the folder; others made from it share its modules
        self._pipes = {type(pipe).__name__: pipe}

    @classmethod
    def load(cls, model: LocalModel, device: str, options: MemoryOptions) -> "DiffusersBackend":
        """Load the folder's pipeline onto `device`, refusing first when the GPU is too small."""
        if model.problem:
            raise WeightsMissing(model.problem)
        stay_offline()
        try:
            import accelerate  # noqa: F401  (diffusers loads through it, and offloads with it)
            import diffusers
        except ImportError:
            raise GenerationError(f"{model.name} needs the diffusers extra: "
                                  "pip install 'framesmith[diffusers]'") from None
        offload = options.offload and device != "cpu"  # on the CPU everything is in memory anyway
        _check_memory(model, device, offload)
        _quiet()
        if device == "cpu":
            dtype = torch.float32
        else:
            dtype = {k: getattr(torch, v) for k, v in model.family.half(model.params).items()}
        try:
            pipe = getattr(diffusers, model.pipeline).from_pretrained(
                str(model.path), dtype=dtype, local_files_only=True, variant=model.variant)
        except Exception as error:  # a folder that is not what its files claim: say why, in one line
            first = (str(error) or type(error).__name__).splitlines()[0]
            raise GenerationError(f"{model.name}: cannot load {model.path}: {first}") from None
        _check_complete(model, pipe)
        pipe.set_progress_bar_config(disable=True)
        if offload:
            pipe.enable_model_cpu_offload(device=device)
        else:
            pipe.to(device)
        if options.vae_tiling:
            pipe.vae.enable_tiling()
        return cls(model, pipe, device)

    # --- requests ---------------------------------------------------------------------------------

    def generate_conformed(self, prompt: str, seconds: float, seed: int, takes: int,
                           size: tuple[int, int] | None, fps: Fraction | None, guidance: float | None,
                           steps: int | None, should_cancel: ShouldCancel = None,
                           ) -> Generator[Progress, None, list[np.ndarray]]:
        """Yield progress; return one clip (T, H, W, 3) uint8 per take at `size` (default the
        model's own) and `fps` (default the model's)."""
        out_fps = Fraction(fps) if fps else self.fps
        count = frame_count(seconds, out_fps)
        needed = (count - 1) * self.fps // out_fps + 1  # model frames that cover the clip
        passes = self._generate_passes(needed, seconds)
        want = size or self.geometry.native_size
        shape = model_size(want, self.geometry)
        steps = steps or default_steps() or self.family.steps
        guidance = self.family.guidance if guidance is None else guidance
        done = 0
        total = takes * len(passes) * steps
        clips = []
        for take in range(takes):
            generator = self._seeded(seed + take)
            video = np.zeros((0, shape[1], shape[0], 3), np.uint8)
            context = self._chain_context()
            for n in passes:
                first = not len(video)
                out = yield from self._pass(prompt, shape, n, steps, guidance, generator,
                                            None if first else video[-context:], done, total, should_cancel)
                video = out if first else np.concatenate([video, self._new_part(out, context)])
                done += steps
            clips.append(fit(retime(video, self.fps, out_fps, count), want))
            yield Progress("denoising", done, total, preview=clips[-1][len(clips[-1]) // 2])
        return clips

    def extend_conformed(self, frames: np.ndarray, fps: Fraction, seconds: float, seed: int,
                         context_frames: int | None, prompt: str, guidance: float | None,
                         steps: int | None, should_cancel: ShouldCancel = None,
                         ) -> Generator[Progress, None, np.ndarray]:
        """Yield progress; return the frames (N, H, W, 3) that follow `frames` for `seconds`, at
        their size and rate. context_frames: how many of the input's last frames LTX-Video sees
        (default one second; CogVideoX sees the last frame only)."""
        if "extend" not in self.model.capabilities:
            raise GenerationError(f"model {self.name!r} cannot extend")
        count = frame_count(seconds, fps)
        needed = max(1, math.floor(count * self.fps / fps))  # model frames after the last input frame
        height, width = frames.shape[1:3]
        shape = model_size((width, height), self.geometry)
        if self.family is LTX:
            wanted = round(self.fps) + 1 if context_frames is None else context_frames * self.fps / fps
            context_count = context_length(math.floor(wanted), self.geometry)
        else:
            context_count = 1
        context = fit(frames[context_indices(len(frames), fps, self.fps, context_count)], shape)
        steps = steps or default_steps() or self.family.steps
        guidance = self.family.guidance if guidance is None else guidance
        passes = self._extension_passes(context_count, needed)
        generator = self._seeded(seed)
        new = np.zeros((0, shape[1], shape[0], 3), np.uint8)
        for k, n in enumerate(passes):
            out = yield from self._pass(prompt, shape, n, steps, guidance, generator, context,
                                        k * steps, len(passes) * steps, should_cancel)
            more = self._new_part(out, context_count)
            new = np.concatenate([new, more])
            context = np.concatenate([context, more])[-context_count:]
        # output frame j (1-based) at time j/fps after the last input frame; model frame 0 is that frame
        timeline = np.concatenate([fit(frames[-1:], shape), new])
        out = fit(retime(timeline, self.fps, fps, count, offset=1), (width, height))
        held = retime(np.arange(len(timeline)), self.fps, fps, count, offset=1) == 0
        out[held] = frames[-1]  # before the first predicted frame the last input frame holds
        return out

    @staticmethod
    def _seeded(seed: int) -> torch.Generator:
        """The noise generator of one clip. The global generator is seeded too: some VAEs (LTX-Video
        0.9.1 and later) inject decoder noise from it."""
        torch.manual_seed(seed)
        return torch.Generator("cpu").manual_seed(seed)

    # --- planning ---------------------------------------------------------------------------------

    def _chain_context(self) -> int:
        """Frames a continuation pass is conditioned on: about a second for LTX-Video."""
        return context_length(round(self.fps) + 1, self.geometry) if self.family is LTX else 1

    def _generate_passes(self, needed: int, seconds: float) -> list[int]:
        """Frames asked of each pass: text-to-video first, then continuations while it can."""
        first = pass_frames(needed, self.geometry)
        if first < needed and "extend" not in self.model.capabilities:
            most = Fraction(longest(self.geometry)) / self.fps
            raise GenerationError(f"{self.name} makes at most {longest(self.geometry)} frames "
                                  f"({float(most):.2f} s) and cannot continue a clip; "
                                  f"ask for at most {float(most):.2f} seconds, not {seconds:g}")
        return [first] + self._extension_passes(self._chain_context(), needed - first)

    def _extension_passes(self, context: int, needed: int) -> list[int]:
        passes = []
        while needed > 0:
            n = extension_frames(context, needed, self.geometry)
            passes.append(n)
            needed -= n - context
        return passes

    def _new_part(self, out: np.ndarray, context: int) -> np.ndarray:
        if len(out) <= context:
            raise GenerationError(f"{self.name} returned {len(out)} frames, no more than its context")
        return out[context:]

    # --- one pipeline call ------------------------------------------------------------------------

    def _pipeline(self, conditioned: bool):
        """The loaded pipeline, or one sharing its weights: LTXPipeline to generate from text,
        LTXConditionPipeline to continue frames."""
        if self.family is not LTX:
            return self.pipe
        import diffusers

        kind = diffusers.LTXConditionPipeline if conditioned else diffusers.LTXPipeline
        if kind.__name__ not in self._pipes:
            pipe = kind.from_pipe(self.pipe)  # shares the modules, their device and offload hooks
            pipe.set_progress_bar_config(disable=True)
            self._pipes[kind.__name__] = pipe
        return self._pipes[kind.__name__]

    def _pass(self, prompt: str, shape: tuple[int, int], frames: int, steps: int, guidance: float,
              generator: torch.Generator, context: np.ndarray | None, done: int, total: int,
              should_cancel: ShouldCancel) -> Generator[Progress, None, np.ndarray]:
        """One pipeline call of `frames` frames at `shape`, continuing `context` frames if given."""
        from PIL import Image

        pipe = self._pipeline(context is not None)
        kwargs = dict(prompt=prompt, width=shape[0], height=shape[1], num_frames=frames,
                      num_inference_steps=steps, guidance_scale=guidance, generator=generator,
                      output_type="np")
        if self.family is LTX:
            kwargs["frame_rate"] = round(self.fps)
        if self.model.text_tokens:
            kwargs["max_sequence_length"] = self.model.text_tokens
        if context is not None:
            pictures = [Image.fromarray(f) for f in context]
            if self.family is LTX:
                from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

                kwargs["conditions"] = [LTXVideoCondition(video=pictures, frame_index=0)]
            else:
                kwargs["image"] = pictures[-1]
        stepwise = run_stepwise(lambda on_step: pipe(**kwargs, callback_on_step_end=on_step).frames[0],
                                should_cancel)
        try:
            while True:
                try:
                    step = next(stepwise)
                except StopIteration as finished:
                    return to_uint8(finished.value)
                yield Progress("denoising", done + min(step, steps), total)
        finally:
            stepwise.close()
