"""Writing MP4 files the one way every output of Framesmith is written: H.264 (libx264, yuv420p,
tagged BT.709 limited range) and AAC stereo, into a hidden temp file beside the output that is
renamed over it only when complete. A failure or a cancel leaves nothing behind."""
from __future__ import annotations

import os
from contextlib import contextmanager
from fractions import Fraction
from typing import Iterator

from desktop.media.errors import MediaError
from desktop.media.files import temp_path_beside

_BT709, _LIMITED_RANGE = 1, 1
AUDIO_BITRATE = 192_000


@contextmanager
def mp4_output(out_path: str | os.PathLike, what: str = "writing") -> Iterator[object]:
    """An open PyAV output container; on leaving the block without error the file takes its name.
    PyAV errors become a one-line MediaError (`what` says what failed: "rendering", "writing")."""
    import av

    tmp = temp_path_beside(out_path, ".mp4")
    container = None
    try:
        container = av.open(tmp, "w", format="mp4")
        yield container
        container.close()
        container = None
        os.replace(tmp, out_path)
    except av.FFmpegError as e:
        raise MediaError(f"{out_path}: {what} failed ({e.strerror or e})") from None
    finally:
        if container is not None:
            try:
                container.close()
            except Exception:  # already failing; the temp file is removed below either way
                pass
        if os.path.exists(tmp):
            os.remove(tmp)


def add_h264(container, width: int, height: int, fps: Fraction, crf: int, preset: str):
    """A libx264 yuv420p stream tagged BT.709 limited range (frames must be converted to match:
    reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG"))."""
    video = container.add_stream("libx264", rate=fps)
    video.width, video.height, video.pix_fmt = width, height, "yuv420p"
    video.options = {"crf": str(crf), "preset": preset}
    for tag in ("colorspace", "color_primaries", "color_trc"):
        setattr(video.codec_context, tag, _BT709)
    video.codec_context.color_range = _LIMITED_RANGE
    return video


def add_aac(container, sample_rate: int):
    audio = container.add_stream("aac", rate=sample_rate, layout="stereo")
    audio.bit_rate = AUDIO_BITRATE
    return audio
