"""Frame-exact pictures from one video file, for the compositor, thumbnails and generation context.

Frame i of a file is the i-th picture in presentation order (see frameindex). A request for a
later frame decodes forward from the current position when that is no more work than seeking to the
last keyframe at or before it, so sequential playback and export never seek; anything else seeks to
that keyframe and decodes forward. Pictures come back as read-only RGB uint8 arrays (H, W, 3),
upright (display rotation applied), at the display size or any size asked for (scaled by swscale in
the same pass as the colour conversion, which follows the file's YUV matrix tag, see
`source_colorspace`), and are kept in an optional shared FrameCache.

Threads: every public method may be called from any thread; calls on one decoder run one at a time
(a lock), so a decode-ahead thread and the UI thread can share it. Returned arrays are shared with
the cache: copy before writing. A decoder that keeps a sequential position is best owned by one
reader (the player and an export each use their own MediaPool).
"""
from __future__ import annotations

import os
import threading
from fractions import Fraction

import numpy as np

from desktop.media.errors import MediaError
from desktop.media.files import file_id, open_container
from desktop.media.framecache import FrameCache
from desktop.media.frameindex import video_index

# After a seek lands too late (some demuxers seek by decode time), try this many earlier keyframes.
_SEEK_RETRIES = 3
# What a seek costs, in frames decoded: decode forward instead when that is no more work.
_SEEK_COST = 8
# swscale threads per conversion: the decoder's and the encoder's threads already fill the cores.
SCALE_THREADS = 1


def display_size(width: int, height: int, sample_aspect: Fraction | None, rotation: int) -> tuple[int, int]:
    """The (width, height) a picture is shown at: pixel aspect ratio and rotation applied."""
    if sample_aspect and sample_aspect > 0 and sample_aspect != 1:
        width = max(1, round(width * sample_aspect))
    return (height, width) if rotation in (90, 270) else (width, height)


class VideoDecoder:
    def __init__(self, path: str | os.PathLike, cache: FrameCache | None = None, threads: int = 0):
        self.path = os.fspath(path)
        self.id = file_id(self.path)
        self.index = video_index(self.path)
        self.cache = cache
        self.threads = threads
        self.seeks = 0  # how many seeks were made (sequential reads make none)
        self._lock = threading.RLock()
        self._container = None
        self._frames = None  # generator of decoded frames from the current position
        self._last = None  # (frame number, av.VideoFrame) decoded last
        from av.video.reformatter import VideoReformatter

        self._scaler = VideoReformatter()  # keeps its swscale context from frame to frame
        self._open()
        first = self._decoded(0)
        self.rotation = round((first.rotation or 0) / 90) * 90 % 360  # degrees counterclockwise
        sar = self._stream.codec_context.sample_aspect_ratio
        self.size = display_size(first.width, first.height, sar, self.rotation)

    def __len__(self) -> int:
        return len(self.index)

    def __enter__(self) -> "VideoDecoder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the file; a later request reopens it."""
        with self._lock:
            if self._container is not None:
                self._container.close()
            self._container = self._frames = self._last = None

    def frame(self, i: int, size: tuple[int, int] | None = None) -> np.ndarray:
        """Frame number `i` (clamped to the file) as RGB, at `size` (width, height) or display size."""
        i = min(max(int(i), 0), len(self.index) - 1)
        size = tuple(size) if size else self.size
        key = frame_key(self.id, i, size)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        with self._lock:
            picture = self._picture(self._decoded(i), size)
        if self.cache is not None:
            self.cache.put(key, picture)
        else:
            picture.flags.writeable = False
        return picture

    def frame_at(self, project_frame: int, fps: Fraction, size: tuple[int, int] | None = None) -> np.ndarray:
        """The picture shown at project frame `project_frame` (time frame / fps from the first frame)."""
        return self.frame(self.index.for_project_frame(project_frame, fps), size)

    def video_frame(self, i: int, size: tuple[int, int], **reformat):
        """Frame number `i` as an av.VideoFrame scaled to `size`, for encoding without a detour
        through RGB (export). `reformat` goes to VideoFrame.reformat (format, colourspace...).
        Not cached; the display rotation is not applied (callers use `frame` when it is set)."""
        i = min(max(int(i), 0), len(self.index) - 1)
        with self._lock:
            frame = self._decoded(i)
            width, height = size
            return self._scaler.reformat(frame, width, height, interpolation=_interpolation(frame, size),
                                         src_colorspace=source_colorspace(frame), threads=SCALE_THREADS,
                                         **reformat)

    # -- decoding -------------------------------------------------------------------------

    def _open(self) -> None:
        self._container = open_container(self.path)
        self._stream = self._container.streams.video[self.index.stream_index]
        self._stream.thread_type = "AUTO"
        self._stream.thread_count = self.threads

    def _generate(self):
        for packet in self._container.demux(self._stream):
            yield from packet.decode()

    def _seek(self, k: int) -> None:
        import av

        self._frames = self._last = None
        try:
            self._container.seek(int(self.index.pts[k]), stream=self._stream, backward=True)
        except av.FFmpegError as e:
            raise MediaError(f"{self.path}: cannot seek ({e.strerror or e})") from None
        self._frames = self._generate()
        self.seeks += 1

    def _next(self):
        import av

        try:
            return next(self._frames, None)
        except av.FFmpegError as e:
            raise MediaError(f"{self.path}: decoding failed ({e.strerror or e})") from None

    def distance(self, i: int) -> int | None:
        """How many frames reaching frame `i` decodes without seeking; None when it must seek."""
        last = self._last
        if last is None or last[0] > i:
            return None
        at = last[0]
        k = self.index.keyframe_at_or_before(i)
        return i - at if k <= at or i - at <= i - k + _SEEK_COST else None

    def _decoded(self, i: int):
        """The av.VideoFrame for frame number i (the closest earlier one if the file lacks it)."""
        if self._container is None:
            self._open()
        forward = self.distance(i)
        if forward == 0:
            return self._last[1]
        if forward is not None:
            return self._decode_forward(i, before=self._last[1], retry_from=None)
        k = self.index.keyframe_at_or_before(i)
        self._seek(k)
        return self._decode_forward(i, before=None, retry_from=k)

    def _decode_forward(self, i: int, before, retry_from: int | None):
        """Decode until frame i. After a seek to keyframe `retry_from` that lands past i, step back.

        `before` is the latest frame decoded before i, shown when the file has no picture for i.
        """
        retries = 0
        while True:
            frame = self._next()
            if frame is None:  # end of the stream (a damaged tail): the last frame decoded
                if before is not None:
                    return before
                if self._last is not None:
                    return self._last[1]
                raise MediaError(f"{self.path}: frame {i} cannot be decoded")
            at = self.index.position(frame.pts if frame.pts is not None else frame.dts)
            if at is None:
                continue
            self._last = (at, frame)
            if at == i:
                return frame
            if at > i:
                if before is not None:
                    return before  # the file has no picture for i: show the one before
                if retry_from is None or retry_from == 0 or retries >= _SEEK_RETRIES:
                    return frame
                retries += 1
                retry_from = self.index.keyframe_at_or_before(retry_from - 1)
                self._seek(retry_from)
                continue
            before = frame

    def _picture(self, frame, size: tuple[int, int]) -> np.ndarray:
        width, height = size
        if self.rotation in (90, 270):
            width, height = height, width
        picture = self._scaler.reformat(frame, width, height, "rgb24",
                                        interpolation=_interpolation(frame, (width, height)),
                                        src_colorspace=source_colorspace(frame),
                                        threads=SCALE_THREADS).to_ndarray()
        if self.rotation:
            picture = np.ascontiguousarray(np.rot90(picture, self.rotation // 90))
        return picture


def frame_key(fid, i: int, size: tuple[int, int]) -> tuple:
    """The FrameCache key of frame i of a file at a size."""
    return (fid, i, size)


# AVColorSpace tags -> swscale's names for the YUV matrix
_MATRICES = {1: "ITU709", 4: "FCC", 5: "ITU601", 6: "ITU601", 7: "SMPTE240M", 9: "BT2020", 10: "BT2020"}


def source_colorspace(frame) -> str:
    """The YUV matrix of a decoded frame: its tag, else what players assume for untagged video
    (BT.709 from 720 lines up, BT.601 below)."""
    return _MATRICES.get(frame.colorspace) or ("ITU709" if frame.height >= 720 else "ITU601")


def _interpolation(frame, size: tuple[int, int]) -> str | None:
    """swscale's filter for scaling `frame` to `size`: area averaging down, bilinear up."""
    width, height = size
    if (width, height) == (frame.width, frame.height):
        return None
    return "AREA" if width * height < frame.width * frame.height else "BILINEAR"
