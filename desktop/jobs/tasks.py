"""What generation jobs do: run a backend, write its frames as media files in the project's media
folder, and return `Media` values that remember how they were made (their provenance).

Requests are plain values, so a finished clip can be regenerated, or given a new take, from what
its media remembers. The work functions are generators for `JobQueue`: they yield progress, stop at
a cancel, and leave no half-written file behind (the writer renames only a complete file).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Generator

import numpy as np
import platformdirs

from desktop.errors import UserError
from desktop.media.probe import media_for
from desktop.media.writer import write_mp4
from desktop.timeline.model import Media, Provenance


@dataclass(frozen=True)
class GenerateRequest:
    prompt: str
    seconds: float = 2.0
    seed: int = 0
    takes: int = 1
    model: str = "builtin"
    size: int | None = None

    @property
    def title(self) -> str:
        return f"Generate \u201c{_short(self.prompt)}\u201d"


@dataclass(frozen=True)
class ExtendRequest:
    """Continue `media_path` after project frame `source_end` (the clip's out point in the media)."""

    media_path: str
    source_end: int
    fps: Fraction
    seconds: float = 1.0
    seed: int = 0
    model: str = "flow"
    context_frames: int = 8
    prompt: str = ""
    clip_id: str | None = None  # the timeline clip it continues, if any

    @property
    def title(self) -> str:
        return f"Extend {os.path.basename(self.media_path)} by {self.seconds:g} s ({self.model})"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def media_folder(project_path: str | None) -> Path:
    """Where generated media of a project go: `NAME.media/` beside the project file, or the user data
    folder for an untitled project."""
    if project_path:
        p = Path(project_path)
        return p.with_name(f"{p.stem}.media")
    return Path(platformdirs.user_data_dir("Framesmith")) / "generated"


def _file_name(folder: Path, stem: str) -> Path:
    """A new file name in `folder` that exists nowhere yet (never overwrites)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-")[:48] or "clip"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        path = folder / f"{stem}-{stamp}-{n}.mp4"
        if not path.exists():
            return path
    raise UserError(f"{folder}: too many generated files")


def _settings(request: Any, **extra: Any) -> dict[str, Any]:
    out = {k: (str(v) if isinstance(v, Fraction) else v) for k, v in dataclasses.asdict(request).items()
           if k not in ("prompt", "seed", "model", "media_path", "clip_id")}
    out.update(extra)
    return out


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def generate_work(request: GenerateRequest, folder: Path, project_fps: Fraction):
    """The job's work: one media file per take, returned as `list[Media]`."""

    def work(should_cancel) -> Generator[Any, None, list[Media]]:
        from generation.api import generate_iter
        from generation.backends import load_backend

        clips = yield from generate_iter(request.prompt, request.seconds, request.seed, request.takes,
                                         size=request.size, model=request.model, should_cancel=should_cancel)
        fps = load_backend(request.model).fps
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for take, frames in enumerate(clips, start=1):
            path = _file_name(folder, request.prompt)
            write_mp4(str(path), frames, (frames.shape[2], frames.shape[1]), Fraction(fps), crf=12)
            # take k is reproduced by the same request (same seed and number of takes)
            provenance = Provenance(request.prompt, request.seed, request.model,
                                    _settings(request, take=take, fps=str(fps)), _now())
            out.append(dataclasses.replace(media_for(str(path), project_fps), provenance=provenance))
        return out

    return work


def context_frames(path: str, source_end: int, count: int, fps: Fraction) -> np.ndarray:
    """The `count` pictures of `path` shown at project frames [source_end - count, source_end)."""
    from desktop.media.decoder import VideoDecoder

    first = max(0, source_end - count)
    with VideoDecoder(path) as decoder:
        frames = [decoder.frame_at(f, fps) for f in range(first, source_end)]
    if not frames:
        raise UserError(f"{os.path.basename(path)}: no frames before the extension point")
    return np.stack(frames)


def extend_work(request: ExtendRequest, folder: Path):
    """The job's work: the continuation as one media file, returned as a `Media`."""

    def work(should_cancel) -> Generator[Any, None, Media]:
        from generation.progress import Progress

        if not os.path.exists(request.media_path):
            raise UserError(f"{request.media_path}: the clip's media is offline")
        yield Progress("reading context", 0, 1)
        frames = context_frames(request.media_path, request.source_end, request.context_frames, request.fps)
        from generation.api import extend_iter

        new = yield from extend_iter(frames, request.fps, request.seconds, request.seed,
                                     context_frames=request.context_frames, prompt=request.prompt,
                                     model=request.model, should_cancel=should_cancel)
        folder.mkdir(parents=True, exist_ok=True)
        path = _file_name(folder, Path(request.media_path).stem + "-extended")
        write_mp4(str(path), new, (new.shape[2], new.shape[1]), request.fps, crf=12)
        provenance = Provenance(request.prompt, request.seed, request.model, _settings(request), _now(),
                                source=request.media_path)
        return dataclasses.replace(media_for(str(path), request.fps), provenance=provenance)

    return work
