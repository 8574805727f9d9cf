"""`framesmith info PROJECT.otio`: a JSON summary of a project on stdout (no Qt, no torch)."""
from __future__ import annotations

import argparse
import json

from desktop.timeline.model import Clip, Gap, Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="an .otio project file")


def _item(item: Clip | Gap) -> dict:
    """A clip or a gap; a gap has the clip's keys too, empty."""
    clip = item if isinstance(item, Clip) else None
    return {
        "type": "clip" if clip else "gap",
        "start": item.start,
        "duration": item.duration,
        "name": clip.name if clip else "",
        "media": clip.media.path if clip else None,
        "source_start": clip.source_start if clip else None,
        "gain_db": clip.gain_db if clip else None,
        "fade_in": clip.fade_in if clip else None,
        "fade_out": clip.fade_out if clip else None,
        "enabled": clip.enabled if clip else None,
    }


def summary(project: Project) -> dict:
    """The summary as a plain value: frames are in the project's rate, tracks in file order."""
    return {
        "fps": str(project.fps),
        "width": project.width,
        "height": project.height,
        "duration_frames": project.duration,
        "tracks": [{"kind": track.kind.value, "name": track.name, "items": [_item(i) for i in track.items()]}
                   for track in project.tracks],
        "markers": [{"frame": m.frame, "name": m.name} for m in project.markers],
        "offline_media": project.offline_media(),
    }


def run(args: argparse.Namespace) -> int:
    from desktop.timeline import otio_io

    print(json.dumps(summary(otio_io.load(args.project)), indent=2))
    return 0
