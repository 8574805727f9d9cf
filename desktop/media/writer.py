"""Write RGB frames (and optionally another file's sound) to an MP4, atomically: for generated
media and command-line outputs (see mp4out for the format and the temp-file rule)."""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import numpy as np

from desktop.errors import UserError
from desktop.media.mp4out import add_aac, add_h264, mp4_output

SAMPLE_RATE = 48_000


def write_mp4(out: str, frames: Iterable[np.ndarray], size: tuple[int, int], fps: Fraction,
              sound_from: str | None = None, sound_seconds: Fraction | None = None,
              crf: int = 18) -> None:
    """Encode RGB frames of `size` (width, height) at `fps`; with `sound_from`, the first
    `sound_seconds` of that file's sound (stereo AAC). Odd sizes are cropped to even (yuv420p)."""
    import av

    width, height = size[0] // 2 * 2, size[1] // 2 * 2
    if width < 2 or height < 2:
        raise UserError(f"the picture size {size[0]}x{size[1]} is too small to encode")
    with mp4_output(out) as container:
        video = add_h264(container, width, height, fps, crf, "medium")
        audio = add_aac(container, SAMPLE_RATE) if sound_from is not None else None
        for j, rgb in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:height, :width]), format="rgb24")
            picture = picture.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
            picture.pts = j
            picture.time_base = 1 / fps
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        if audio is not None:
            _mux_sound(container, audio, sound_from, sound_seconds)


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
