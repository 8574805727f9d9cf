"""Open and save projects as OpenTimelineIO (.otio) files: refusals, versions, atomic writes.

`load(path)` refuses anything that is not a readable OTIO timeline with a one-line
`ProjectFileError`; missing media files are not an error (see `Project.offline_media()`). Files
carry a format version under `metadata["framesmith"]["version"]`; an older file is brought up to
date by the `UPGRADES` steps before it is read. `save` writes a temporary file beside the target
and renames it over, so a failed save never damages the file already there. How a project maps
onto OTIO, and how timelines from other tools are read, is in `otio_mapping.py`.
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Callable

import opentimelineio as otio

from desktop.errors import UserError
from desktop.timeline import invariants
from desktop.timeline.model import Project
from desktop.timeline.otio_mapping import KEY, from_timeline, plain, to_timeline

VERSION = 2


class ProjectFileError(UserError):
    """A project file that cannot be read or written; the message names the file and why."""


def _v1_to_v2(meta: dict) -> dict:
    """Version 1 kept the frame size as one `resolution` [width, height] pair."""
    meta = dict(meta)
    meta["width"], meta["height"] = meta.pop("resolution", (1920, 1080))
    return meta


UPGRADES: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}
"""version -> the step that turns that version's timeline metadata into the next version's."""


def upgrade(meta: dict) -> dict:
    """Timeline metadata of any known version, brought to `VERSION`."""
    version = int(meta.get("version", 1))
    if version > VERSION:
        raise ValueError(f"it was made by a newer Framesmith (format {version}; this one reads up to {VERSION})")
    while version < VERSION:
        meta = UPGRADES[version](meta)
        version += 1
        meta["version"] = version
    return meta


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ProjectFileError(f"{path} is a folder, not a project file") from None
    except PermissionError:
        raise ProjectFileError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise ProjectFileError(f"{path} is not a project file (not text)") from None
    except OSError as e:
        raise ProjectFileError(f"cannot read {path}: {e.strerror or e}") from None


def load(path: str | os.PathLike) -> Project:
    """Read a project (ours or any OTIO timeline). Raises `ProjectFileError` saying why not."""
    path = Path(path)
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProjectFileError(f"{path} is not a project file (not JSON: {e.msg} at line {e.lineno})") from None
    schema = data.get("OTIO_SCHEMA") if isinstance(data, dict) else None
    if not isinstance(schema, str) or schema.split(".")[0] != "Timeline":
        what = f"it holds a {schema.split('.')[0]}" if isinstance(schema, str) else "no OTIO_SCHEMA"
        raise ProjectFileError(f"{path} is not an OpenTimelineIO timeline ({what})")
    try:
        timeline = otio.adapters.read_from_string(text, "otio_json")
        if KEY in timeline.metadata:
            timeline.metadata[KEY] = upgrade(plain(timeline.metadata[KEY]))
        project = from_timeline(timeline, str(path.resolve().parent), path.stem)
        invariants.check(project)
    except Exception as e:  # any fault in the file's contents: OTIO's, ours, or a broken rule
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ProjectFileError(f"{path} is a damaged project: {reason}") from None
    return project


def save(project: Project, path: str | os.PathLike) -> None:
    """Write `project` to `path` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    try:
        text = otio.adapters.write_to_string(to_timeline(project, VERSION), "otio_json")
    except (TypeError, ValueError) as e:
        raise ProjectFileError(f"cannot save {path}: {str(e).splitlines()[0]}") from None
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "x", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except OSError as e:
        temp.unlink(missing_ok=True)
        raise ProjectFileError(f"cannot save {path}: {e.strerror or e}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
