"""What a media file holds: its video (exact rate, size, rotation) and audio streams.

`probe(path)` reads the container, scans the video timestamps (see frameindex) and decodes the first
frame, so a file it accepts is known to decode. `to_media(info, fps)` turns the result into the
timeline's Media for a project rate: Media.duration is how many project frames the file covers.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction

from desktop.media.decoder import display_size
from desktop.media.errors import MediaError
from desktop.media.files import open_container
from desktop.media.frameindex import picture_stream, video_index
from desktop.timeline.model import Media


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int  # as displayed: pixel aspect ratio and rotation applied
    height: int
    rate: Fraction  # exact when constant; the average rate when variable
    variable_rate: bool
    frames: int
    duration: Fraction  # seconds from the first frame to the end of the last
    rotation: int  # degrees the picture is turned counterclockwise for display: 0, 90, 180, 270
    start: Fraction  # seconds: the first frame's time in the file (the origin of media time)


@dataclass(frozen=True)
class AudioInfo:
    stream: int  # the stream's index in the container
    codec: str
    sample_rate: int
    channels: int
    layout: str  # e.g. "mono", "stereo", "5.1"
    start: Fraction  # seconds: the first sample's time in the file
    duration: Fraction  # seconds


@dataclass(frozen=True)
class MediaInfo:
    path: str
    format: str
    video: VideoInfo | None
    audio: tuple[AudioInfo, ...]

    @property
    def origin(self) -> Fraction:
        """The file time that media time 0 (project frame 0 of the file) stands for."""
        return self.video.start if self.video else self.audio[0].start

    @property
    def duration(self) -> Fraction:
        """Seconds of media from the origin: the video's length, else the first audio stream's."""
        if self.video:
            return self.video.duration
        return self.audio[0].start + self.audio[0].duration - self.origin

    def frames(self, fps: Fraction) -> int:
        """How many frames of a project at `fps` the file covers (frame k sits at time k / fps)."""
        return max(1, math.ceil(self.duration * Fraction(fps)))


def _seconds(value: int | None, time_base) -> Fraction | None:
    return None if value is None or time_base is None else value * Fraction(time_base)


def _audio_info(stream, container) -> AudioInfo:
    ctx = stream.codec_context
    start = _seconds(stream.start_time, stream.time_base)
    if start is None:
        start = Fraction(container.start_time or 0, 1_000_000)
    duration = _seconds(stream.duration, stream.time_base)
    if duration is None:
        duration = Fraction(container.duration or 0, 1_000_000) - (
            start - Fraction(container.start_time or 0, 1_000_000))
    return AudioInfo(stream.index, ctx.name, ctx.sample_rate, ctx.channels, ctx.layout.name,
                     start, max(duration, Fraction(0)))


def _first_frame(container, stream, path):
    import av

    try:
        for frame in container.decode(stream):
            return frame
    except av.FFmpegError as e:
        raise MediaError(f"{path}: the video cannot be decoded ({e.strerror or e})") from None
    raise MediaError(f"{path}: the video stream has no decodable frame")


def probe(path: str | os.PathLike) -> MediaInfo:
    """Describe a media file. MediaError for missing, unreadable, truncated or non-media files."""
    path = os.fspath(path)
    with open_container(path) as container:
        audio = tuple(_audio_info(s, container) for s in container.streams.audio
                      if s.codec_context.sample_rate and s.codec_context.channels)
        video = None
        stream = picture_stream(container)
        if stream is not None:
            frame = _first_frame(container, stream, path)
            rotation = round((frame.rotation or 0) / 90) * 90 % 360
            width, height = display_size(frame.width, frame.height,
                                         stream.codec_context.sample_aspect_ratio, rotation)
            index = video_index(path)
            video = VideoInfo(stream.codec_context.name, width, height, index.rate,
                              not index.constant, len(index), index.duration, rotation, index.start)
        if video is None and not audio:
            raise MediaError(f"{path}: has no video or audio stream")
        return MediaInfo(path, container.format.name, video, audio)


def to_media(info: MediaInfo, fps: Fraction) -> Media:
    """The timeline's Media for this file in a project at `fps`."""
    v = info.video
    return Media(
        path=info.path,
        duration=info.frames(fps),
        rate=v.rate if v else None,
        width=v.width if v else None,
        height=v.height if v else None,
        has_video=v is not None,
        has_audio=bool(info.audio),
    )


def media_for(path: str | os.PathLike, fps: Fraction) -> Media:
    """Probe a file and describe it as timeline Media for a project at `fps` (import uses this)."""
    return to_media(probe(path), fps)
