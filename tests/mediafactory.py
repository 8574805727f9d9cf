"""Synthetic media files with known content, written with PyAV, for tests and benchmarks.

Pictures: frame i is one flat colour, `frame_colour(i)`, so a test can read back exactly which frame
it got with `frame_index(picture)`. The colours use six well separated levels per channel (0, 51,
..., 255) and survive any codec and YUV conversion; there are CODES of them, after which they repeat.
A `Video(colour=...)` instead paints every frame one colour (for compositing tests).

Sound: a sine tone per channel at a known frequency and amplitude (`Audio(tones=...)`); a tone of
amplitude a has RMS a / sqrt(2). `Audio(sweep=(lo, hi))` writes a rising tone instead, whose every
stretch is different, for measuring time shifts (`shift_between`).

The container and codecs follow the file's extension (CONTAINERS), e.g.

    write_media(tmp_path / "a.mp4", video=Video(frames=48, fps=Fraction(30000, 1001)),
                audio=Audio(seconds=1.6, layout="5.1", tones=(440, 0, 1000, 0, 0, 0)))
    write_media(tmp_path / "tone.wav", audio=Audio(seconds=1, layout="mono"))
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

LEVELS = (0, 51, 102, 153, 204, 255)
_PALETTE = np.array(list(itertools.product(LEVELS, repeat=3))[1:], dtype=np.uint8)  # no black
CODES = len(_PALETTE)  # 215 distinct frame colours

# extension -> (video codec, audio codec); None where the container holds no such stream here
CONTAINERS = {
    ".mp4": ("libx264", "aac"),
    ".mkv": ("libx264", "aac"),
    ".webm": ("libvpx-vp9", "libopus"),
    ".avi": ("msmpeg4v2", "pcm_s16le"),
    ".wav": (None, "pcm_s16le"),
    ".m4a": (None, "aac"),
}


def frame_colour(i: int) -> tuple[int, int, int]:
    """The colour of frame i (never black, so a frame is told apart from empty canvas)."""
    return tuple(int(c) for c in _PALETTE[i % CODES])


def frame_index(picture: np.ndarray) -> int:
    """Which frame (modulo CODES) a flat picture or crop shows: the nearest palette colour."""
    h, w = picture.shape[:2]
    centre = picture[h // 4: h - h // 4 or 1, w // 4: w - w // 4 or 1].reshape(-1, 3)
    mean = centre.astype(np.float64).mean(axis=0)
    return int(np.argmin(((_PALETTE - mean) ** 2).sum(axis=1)))


@dataclass(frozen=True)
class Video:
    frames: int = 24
    fps: Fraction = Fraction(24)
    size: tuple[int, int] = (64, 48)  # (width, height) as stored
    codec: str | None = None  # default: from the extension
    gop: int = 12  # keyframe interval, small so seeks cross keyframes
    colour: tuple[int, int, int] | None = None  # one colour for all frames instead of frame_colour(i)
    rotation: int = 0  # display rotation metadata, degrees counterclockwise
    pixel_aspect: Fraction | None = None  # anamorphic: stored pixels are this wide on screen
    times_ms: tuple[int, ...] | None = None  # variable rate: frame i at times_ms[i] milliseconds
    # (then `frames` is len(times_ms) and `fps` only the nominal rate)


@dataclass(frozen=True)
class Audio:
    seconds: float = 1.0
    sample_rate: int = 48000
    layout: str = "stereo"
    tones: tuple[float, ...] = (440.0,)  # Hz per channel (0 = silent); one value is used for all
    amplitude: float = 0.5
    codec: str | None = None  # default: from the extension
    sweep: tuple[float, float] | None = None  # (from Hz, to Hz): a rising tone on every channel
    # instead of `tones`; it never repeats, so a time shift between two reads of it is measurable

    def samples(self) -> np.ndarray:
        """The exact float32 signal written, shape (channels, samples)."""
        channels = av.AudioLayout(self.layout).nb_channels
        n = round(self.seconds * self.sample_rate)
        t = np.arange(n) / self.sample_rate
        if self.sweep is not None:
            low, high = self.sweep
            phase = 2 * np.pi * (low * t + (high - low) * t**2 / (2 * self.seconds))
            return np.tile(self.amplitude * np.sin(phase), (channels, 1)).astype(np.float32)
        tones = self.tones if len(self.tones) == channels else self.tones[:1] * channels
        return np.stack([self.amplitude * np.sin(2 * np.pi * f * t) if f else np.zeros(n)
                         for f in tones]).astype(np.float32)


def _add_video(container, spec: Video, codec: str):
    stream = container.add_stream(codec, rate=Fraction(spec.fps))
    if spec.times_ms is not None:
        stream.codec_context.time_base = Fraction(1, 1000)
    stream.width, stream.height = spec.size
    stream.pix_fmt = "yuv420p"
    stream.gop_size = spec.gop
    if codec == "libx264":
        stream.options = {"preset": "veryfast", "crf": "18"}
    if spec.rotation:
        stream.set_display_rotation(spec.rotation)
    if spec.pixel_aspect:
        stream.codec_context.sample_aspect_ratio = Fraction(spec.pixel_aspect)
    stream.codec_context.colorspace = 1 if _matrix(spec) == "ITU709" else 5  # BT709 / BT470BG tag
    return stream


def _matrix(spec: Video) -> str:
    """The YUV matrix written (and tagged): BT.709 from 720 lines up, BT.601 below."""
    return "ITU709" if spec.size[1] >= 720 else "ITU601"


def _video_frames(spec: Video):
    w, h = spec.size
    count = spec.frames if spec.times_ms is None else len(spec.times_ms)
    for i in range(count):
        colour = spec.colour if spec.colour is not None else frame_colour(i)
        frame = av.VideoFrame.from_ndarray(np.full((h, w, 3), colour, np.uint8), format="rgb24")
        frame = frame.reformat(format="yuv420p", dst_colorspace=_matrix(spec))
        if spec.times_ms is None:
            frame.pts, frame.time_base = i, 1 / Fraction(spec.fps)
        else:
            frame.pts, frame.time_base = spec.times_ms[i], Fraction(1, 1000)
        yield frame


def _audio_frames(spec: Audio, fmt: str, chunk: int = 1024):
    data = spec.samples()
    if fmt == "s16":
        data = (np.clip(data, -1, 1) * 32767).astype(np.int16)
    for start in range(0, data.shape[1], chunk):
        block = data[:, start:start + chunk]
        if fmt in ("s16", "flt"):  # packed: one row of interleaved samples
            block = block.T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format=fmt, layout=spec.layout)
        frame.sample_rate = spec.sample_rate
        frame.pts = start
        frame.time_base = Fraction(1, spec.sample_rate)
        yield frame


def write_media(path: str | Path, video: Video | None = None, audio: Audio | None = None) -> Path:
    """Write a file with the given streams; the codecs follow the extension unless named."""
    path = Path(path)
    vcodec, acodec = CONTAINERS[path.suffix]
    with av.open(str(path), "w") as container:
        vstream = astream = None
        if video is not None:
            vstream = _add_video(container, video, video.codec or vcodec)
        if audio is not None:
            if (audio.codec or acodec) == "libopus" and audio.sample_rate != 48000:
                raise ValueError("Opus (the .webm sound codec here) needs sample_rate=48000")
            astream = container.add_stream(audio.codec or acodec, rate=audio.sample_rate,
                                           layout=audio.layout)
        packets = []
        if vstream is not None:
            for frame in _video_frames(video):
                packets += vstream.encode(frame)
            packets += vstream.encode(None)
        if astream is not None:
            fmt = "s16" if astream.codec_context.format.name in ("s16", "s16p") else "fltp"
            for frame in _audio_frames(audio, fmt):
                packets += astream.encode(frame)
            packets += astream.encode(None)
        # interleave by time so every muxer is happy
        packets.sort(key=lambda p: (p.dts if p.dts is not None else 0) * p.time_base)
        for packet in packets:
            container.mux(packet)
    return path


def write_video(path: str | Path, **video) -> Path:
    """A picture-only file; keyword arguments are Video fields."""
    return write_media(path, video=Video(**video))


def write_audio(path: str | Path, **audio) -> Path:
    """A sound-only file; keyword arguments are Audio fields."""
    return write_media(path, audio=Audio(**audio))


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def tone_level(samples: np.ndarray, frequency: float, sample_rate: int) -> float:
    """The amplitude of the sine at `frequency` in a 1-D signal (a single-bin DFT)."""
    n = np.arange(len(samples))
    basis = np.exp(-2j * np.pi * frequency * n / sample_rate)
    return float(2 * abs(np.dot(samples.astype(np.float64), basis)) / len(samples))


def shift_between(reference: np.ndarray, part: np.ndarray, start: int, search: int = 200) -> int:
    """The offset d (|d| <= search) that best lines `part` up with reference[start + d:]."""
    n = len(part)
    errors = [np.abs(reference[start + d:start + d + n] - part).mean() for d in range(-search, search + 1)]
    return int(np.argmin(errors)) - search
