"""Write RGB frames (and optionally another file's sound) to an MP4, atomically.

For generated media and command-line outputs: H.264 (libx264, yuv420p, BT.709 tags, as
desktop.media.export writes) and AAC stereo. The file is written to a hidden temp file beside the
output and renamed over it only when complete, so a failure leaves nothing behind.
"""
from __future__ import annotations

import os
from fractions import Fraction
from typing import Iterable

import numpy as np

from desktop.errors import UserError

SAMPLE_RATE = 48_000
_BT709, _LIMITED_RANGE = 1, 1


def write_mp4(out: str, frames: Iterable[np.ndarray], size: tuple[int, int], fps: Fraction,
              sound_from: str | None = None, sound_seconds: Fraction | None = None,
              crf: int = 18) -> None:
    """Encode RGB frames of `size` (width, height) at `fps`; with `sound_from`, the first
    `sound_seconds` of that file's sound (stereo AAC). Odd sizes are cropped to even (yuv420p)."""
    import av

    from desktop.media.files import temp_path_beside

    width, height = size[0] // 2 * 2, size[1] // 2 * 2
    if width < 2 or height < 2:
        raise UserError(f"the picture size {size[0]}x{size[1]} is too small to encode")
    tmp = temp_path_beside(out, ".mp4")
    container = None
    try:
        container = av.open(tmp, "w", format="mp4")
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"crf": str(crf), "preset": "medium"}
        for tag in ("colorspace", "color_primaries", "color_trc"):
            setattr(video.codec_context, tag, _BT709)
        video.codec_context.color_range = _LIMITED_RANGE
        audio = None
        if sound_from is not None:
            audio = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            audio.bit_rate = 192_000
        for j, rgb in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:height, :width]), format="rgb24")
            picture = picture.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
            picture.pts = j
            picture.time_base = 1 / fps
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        if audio is not None:
            _mux_sound(container, audio, sound_from, sound_seconds)
        container.close()
        container = None
        os.replace(tmp, out)
    except av.FFmpegError as e:
        raise UserError(f"{out}: writing failed ({e.strerror or e})") from None
    finally:
        if container is not None:
            try:
                container.close()
            except Exception:  # already failing; the temp file is removed below either way
                pass
        if os.path.exists(tmp):
            os.remove(tmp)


def _mux_sound(container, audio, path: str, seconds: Fraction | None) -> None:
    import av

    from desktop.media.audio import AudioReader

    reader = AudioReader(path, SAMPLE_RATE)
    try:
        total = int((seconds or 0) * SAMPLE_RATE)
        block = SAMPLE_RATE // 10
        for start in range(0, total, block):
            samples = reader.read(start, min(block, total - start))
            sound = av.AudioFrame.from_ndarray(samples.T.copy(), format="fltp", layout="stereo")
            sound.sample_rate = SAMPLE_RATE
            sound.pts = start
            sound.time_base = Fraction(1, SAMPLE_RATE)
            container.mux(audio.encode(sound))
        container.mux(audio.encode(None))
    finally:
        reader.close()
