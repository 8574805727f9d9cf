"""One frame of a project as a still image (File > Export Frame): the picture the viewer shows, at
the project's size, as PNG or JPEG by the file name."""
from __future__ import annotations

import os

import numpy as np

from desktop.media.compositor import Compositor
from desktop.media.errors import MediaError
from desktop.media.export import check_output, snapshot
from desktop.media.files import write_atomic
from desktop.timeline.model import Project

FORMATS = (".png", ".jpg", ".jpeg")


def export_frame(project: Project, frame: int, out_path: str | os.PathLike) -> str:
    """Write the picture at timeline `frame` to `out_path` (never over one of the project's
    media files; atomically). Returns the path written."""
    out = os.fspath(out_path)
    check_output(project, out)
    if os.path.splitext(out)[1].lower() not in FORMATS:
        raise MediaError(f"{out}: give the still a name ending in .png or .jpg")
    if not 0 <= frame < project.duration:
        raise MediaError(f"frame {frame} is outside the timeline (frames 0-{project.duration - 1})"
                         if project.duration else "the timeline is empty: nothing to export")
    import cv2

    picture = Compositor(snapshot(project)).picture(frame)
    ok, data = cv2.imencode(os.path.splitext(out)[1].lower(), np.ascontiguousarray(picture[..., ::-1]))
    if not ok:
        raise MediaError(f"{out}: the picture could not be encoded")
    write_atomic(out, lambda f: f.write(data.tobytes()))
    return out
