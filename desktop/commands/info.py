"""`framesmith info PROJECT.otio`: a JSON summary of a project on stdout (no Qt, no torch)."""
from __future__ import annotations

import argparse
import json

from desktop.timeline.model import Clip, Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="an .otio project file")


def summary(project: Project) -> dict:
    """The summary as a plain value: frames are in the project's rate, tracks in file order."""
    return {
        "fps": str(project.fps),
        "width": project.width,
        "height": project.height,
        "duration_frames": project.duration,
        "tracks": [
            {
                "kind": track.kind.value,
                "name": track.name,
                "items": [
                    {
                        "type": "clip" if isinstance(item, Clip) else "gap",
                        "start": item.start,
                        "duration": item.duration,
                        "name": item.name if isinstance(item, Clip) else "",
                        "media": item.media.path if isinstance(item, Clip) else None,
                        "source_start": item.source_start if isinstance(item, Clip) else None,
                    }
                    for item in track.items()
                ],
            }
            for track in project.tracks
        ],
        "offline_media": project.offline_media(),
    }


def run(args: argparse.Namespace) -> int:
    from desktop.timeline import otio_io

    print(json.dumps(summary(otio_io.load(args.project)), indent=2))
    return 0
