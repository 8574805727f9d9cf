"""A project at a frame -> the picture; a range of frames -> the mixed sound.

Picture: video tracks are drawn in Project.tracks order, so a later video track covers an earlier
one (V2 over V1, as in OpenTimelineIO stacks and editors). Hidden tracks and disabled clips are
skipped; gaps and media without picture are transparent; where nothing is drawn the picture is
black. Each source is fitted inside the frame keeping its aspect ratio and centred; the bars around
it are transparent, so a narrower clip on V2 shows V1 at its sides, and black when nothing is
below. The source frame shown is the last one whose time is <= the timeline time (see
decoder/frameindex). A clip in its fade is blended over what is below it at its level (over black
where nothing is), so a clip fading in on V2 over one on V1 is a cross-dissolve.

Sound: every enabled clip on an unmuted audio track, at its gain and fade level, resampled to the
project's rate, folded to stereo and summed (clipped to [-1, 1]). Video-track clips give picture
only. Frame f starts at sample floor(f * sample_rate / fps), so consecutive ranges tile exactly.

Both read the project on every call, so edits show at once. Calls are safe from any thread (the pool
and decoders lock), but give the player's decode-ahead its own Compositor and MediaPool so other
requests (scrubbing, thumbnails) do not move its read positions; pools may share a FrameCache.
Pictures may be shared read-only arrays: copy before writing.
"""
from __future__ import annotations

from fractions import Fraction
from math import floor

import numpy as np

from desktop.media.pool import MediaPool
from desktop.timeline.model import Clip, Project, TrackKind


def fit(src_w: int, src_h: int, dst_w: int, dst_h: int) -> tuple[int, int, int, int]:
    """(x, y, w, h) of a src_w x src_h picture fitted inside dst_w x dst_h, centred."""
    if src_w * dst_h >= src_h * dst_w:  # as wide or wider than the frame: full width
        w, h = dst_w, max(1, min(dst_h, round(Fraction(src_h * dst_w, src_w))))
    else:
        w, h = max(1, min(dst_w, round(Fraction(src_w * dst_h, src_h)))), dst_h
    return (dst_w - w) // 2, (dst_h - h) // 2, w, h


def fade_levels(clip: Clip, frames: np.ndarray) -> np.ndarray:
    """The clip's level (0-1) at timeline times `frames` (fractions of a frame for sound): 0 at its
    first frame with a fade in, rising by 1 / fade_in a frame; 0 at its last frame with a fade out."""
    level = np.ones(frames.shape, np.float32)
    if clip.fade_in:
        np.minimum(level, (frames - clip.start) / clip.fade_in, out=level, casting="unsafe")
    if clip.fade_out:
        np.minimum(level, (clip.end - 1 - frames) / clip.fade_out, out=level, casting="unsafe")
    return np.clip(level, 0.0, 1.0, out=level)


def level_at(clip: Clip, frame: int) -> float:
    """The clip's picture level at timeline frame `frame` (1 outside its fades)."""
    if not (clip.fade_in or clip.fade_out):
        return 1.0
    return float(fade_levels(clip, np.array(frame, np.float64)))


def sample_at(frame: int, sample_rate: int, fps: Fraction) -> int:
    """The first sample of project frame `frame`."""
    return floor(frame * sample_rate / Fraction(fps))


class Compositor:
    def __init__(self, project: Project, pool: MediaPool | None = None,
                 size: tuple[int, int] | None = None):
        self.project = project
        self.pool = pool if pool is not None else MediaPool()
        self.size = tuple(size) if size else (project.width, project.height)
        self._fits: dict[tuple[int, int], tuple[int, int, int, int]] = {}

    # -- picture ----------------------------------------------------------------------------

    def layers(self, frame: int) -> list[Clip]:
        """The clips that draw at `frame`, bottom first."""
        out = []
        for track in self.project.tracks:
            if track.kind is not TrackKind.VIDEO or track.hidden:
                continue
            clip = track.clip_at(frame)
            if clip is not None and clip.enabled and clip.media.has_video and not clip.media.offline:
                out.append(clip)
        return out

    def picture(self, frame: int) -> np.ndarray:
        """The (height, width, 3) uint8 RGB picture at project frame `frame`."""
        layers = self._visible(frame)
        if len(layers) == 1 and self._covers(layers[0], frame):
            return self._source(layers[0][0], frame, self.size)
        width, height = self.size
        canvas = np.zeros((height, width, 3), np.uint8)
        for clip, (x, y, w, h) in layers:
            level = level_at(clip, frame)
            if level >= 1.0:
                canvas[y:y + h, x:x + w] = self._source(clip, frame, (w, h))
            elif level > 0.0:
                below = canvas[y:y + h, x:x + w]
                mixed = below + (self._source(clip, frame, (w, h)) - below.astype(np.float32)) * level
                below[:] = np.rint(mixed)
        return canvas

    def video_frame(self, frame: int, **reformat):
        """The picture at `frame` as an av.VideoFrame passed through VideoFrame.reformat(**reformat)
        (e.g. format="yuv420p"), for encoding. A frame that is one source filling the picture goes
        from the decoder to `reformat` directly, skipping RGB (the common case in an export)."""
        import av

        layers = self._visible(frame)
        if len(layers) == 1 and self._covers(layers[0], frame):
            clip = layers[0][0]
            decoder = self.pool.video(clip.media.path)
            if decoder.rotation == 0:
                i = decoder.index.for_project_frame(frame - clip.start + clip.source_start,
                                                    self.project.fps)
                return self.pool.decoder_for(clip.media.path, i).video_frame(i, self.size, **reformat)
        return av.VideoFrame.from_ndarray(self.picture(frame), format="rgb24").reformat(**reformat)

    def _visible(self, frame: int) -> list[tuple[Clip, tuple[int, int, int, int]]]:
        """The layers at `frame` with their rectangles, from the topmost one that hides
        everything under it (fills the picture, not fading) up."""
        layers = [(clip, self._fit(clip)) for clip in self.layers(frame)]
        for i in range(len(layers) - 1, -1, -1):
            if self._covers(layers[i], frame):
                return layers[i:]
        return layers

    def _covers(self, layer: tuple[Clip, tuple[int, int, int, int]], frame: int) -> bool:
        clip, rect = layer
        return rect[2:] == self.size and level_at(clip, frame) >= 1.0

    def _fit(self, clip: Clip) -> tuple[int, int, int, int]:
        src = self.pool.video(clip.media.path).size
        rect = self._fits.get(src)
        if rect is None:
            rect = self._fits[src] = fit(*src, *self.size)
        return rect

    def _source(self, clip: Clip, frame: int, size: tuple[int, int]) -> np.ndarray:
        media_frame = frame - clip.start + clip.source_start
        return self.pool.frame_at(clip.media.path, media_frame, self.project.fps, size)

    # -- sound ------------------------------------------------------------------------------

    def sound(self, start: int, end: int) -> np.ndarray:
        """The mixed stereo float32 samples of project frames [start, end): shape (n, 2)."""
        rate, fps = self.project.sample_rate, self.project.fps
        return self.samples(sample_at(start, rate, fps), sample_at(end, rate, fps))

    def samples(self, first: int, last: int) -> np.ndarray:
        """The mix of project samples [first, last) at the project's sample rate: (n, 2) float32."""
        rate, fps = self.project.sample_rate, self.project.fps
        out = np.zeros((max(last - first, 0), 2), np.float32)
        for track in self.project.tracks:
            if track.kind is not TrackKind.AUDIO or track.muted:
                continue
            for clip in track.clips:
                if not (clip.enabled and clip.media.has_audio) or clip.media.offline:
                    continue
                c0, c1 = sample_at(clip.start, rate, fps), sample_at(clip.end, rate, fps)
                lo, hi = max(first, c0), min(last, c1)
                if hi <= lo:
                    continue
                offset = sample_at(clip.source_start, rate, fps) - c0
                data = self.pool.sound(clip.media.path, rate, lo + offset, hi - lo)
                if clip.gain_db:
                    data *= np.float32(10 ** (clip.gain_db / 20))
                if clip.fade_in or clip.fade_out:
                    data *= fade_levels(clip, np.arange(lo, hi) * (float(fps) / rate))[:, None]
                out[lo - first:hi - first] += data
        np.clip(out, -1.0, 1.0, out=out)
        return out

    def has_sound(self) -> bool:
        """True when some unmuted audio track holds a clip with sound."""
        return any(track.kind is TrackKind.AUDIO and not track.muted and clip.enabled and clip.media.has_audio
                   for track in self.project.tracks for clip in track.clips)
