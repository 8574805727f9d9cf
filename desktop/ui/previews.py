"""Thumbnails and waveforms for the timeline (and the bin's poster frames), never blocking a paint.

The timeline asks on every paint: `thumbnails(clip, rect, layout, height)` and `peaks(clip, rect,
layout)` answer at once with what is ready (possibly nothing) and queue what is missing on the
preview thread: a thumbnail strip of the clip's file at the level its zoom needs, or the file's
waveform (both cached on disk by the media layer). When one arrives, `ready` is emitted and the
timeline repaints. Strips and waveforms stay in memory (strips up to a byte budget, the pictures cut
from them as QImages up to a count); a file is known by (path, size, mtime), so a replaced file is
read again. Offline media get nothing; a file that fails is reported once through `message`.

Thumbnails fill the clip edge to edge: tile k (k * tile width px into the clip) shows the strip
picture of the media frame at the tile's left edge, from a strip with at most two pictures per tile.
Waveform columns follow the painter: column i is pixel x = int(rect.left()) + i.
"""
from __future__ import annotations

import math
import os
from collections import OrderedDict
from fractions import Fraction

import numpy as np
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage

from desktop.media.compositor import fade_levels
from desktop.media.thumbnails import MAX_LEVEL, level_for, thumbnail_strip
from desktop.media.waveforms import Waveform, waveform
from desktop.timeline.model import Clip, Media
from desktop.ui.session import Session
from desktop.ui.timeline.layout import HEADER_WIDTH, TimelineLayout
from desktop.ui.workers import Worker

STRIP_BYTES = 256 * 2**20  # strips kept in memory
IMAGES = 4000  # scaled pictures kept in memory
NO_PEAKS = np.zeros((0, 2), np.float32)

Identity = tuple[str, int, int]


def identity(path: str) -> Identity | None:
    """(path, size, mtime) of a file on disk; None when it is offline."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return path, st.st_size, st.st_mtime_ns


class Previews(QObject):
    ready = Signal()  # something new can be drawn: repaint
    message = Signal(str)  # a file whose previews cannot be made (once per file)

    def __init__(self, session: Session, cache: str | os.PathLike | None = None,
                 parent: QObject | None = None) -> None:
        """`cache`: the disk cache folder (default: the media layer's)."""
        super().__init__(parent)
        self.session = session
        self.cache = cache
        self._strips: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._strip_bytes = 0
        self._images: OrderedDict[tuple, QImage] = OrderedDict()
        self._waves: dict[Identity, Waveform] = {}
        self._pending: dict[tuple, Worker] = {}
        self._failed: set[tuple] = set()
        self._reported: set[str] = set()
        self._right = 0

    # --- the timeline's calls (UI thread, never block) ----------------------------------------

    def thumbnails(self, clip: Clip, rect: QRectF, layout: TimelineLayout, height: int) -> list[tuple[float, QImage]]:
        """(x offset within `rect`, picture `height` px high) for the tiles of `clip` on screen."""
        media = clip.media
        ident = identity(media.path) if media.has_video else None
        if ident is None or height <= 0 or rect.width() <= 0:
            return []
        fps = self.session.project.fps
        ppf = layout.px_per_frame
        aspect = media.width / media.height if media.width and media.height else 16 / 9
        level = level_for(max(1, round(height * aspect)) / ppf / 2)
        found = self._strip(ident, fps, level)
        if found is None:
            return []
        strip_level, strip = found
        tile = max(4, round(height * strip.shape[2] / strip.shape[1]))
        step = 2**strip_level
        first = max(0, math.floor((HEADER_WIDTH - rect.left()) / tile))
        last = min(math.ceil(rect.width() / tile), math.ceil((self._right_edge() - rect.left()) / tile))
        out = []
        for k in range(first, last):
            frame = clip.source_start + k * tile / ppf
            index = min(int(frame // step), len(strip) - 1)
            if index * step < clip.source_start and (index + 1) * step < clip.source_end:
                index += 1  # the strip's first picture inside the clip
            out.append((k * tile, self._image((ident, fps, strip_level), strip, index, tile, height)))
        return out

    def peaks(self, clip: Clip, rect: QRectF, layout: TimelineLayout) -> np.ndarray:
        """(min, max) per pixel column from int(rect.left()) to the right edge of what is on screen
        (columns left of the view are zero), at the clip's gain and fades; empty until the waveform
        is ready."""
        media = clip.media
        ident = identity(media.path) if media.has_audio else None
        wave = self._waveform(ident) if ident is not None else None
        if wave is None or rect.width() <= 0:
            return NO_PEAKS
        left = int(rect.left())
        x0 = max(left, HEADER_WIDTH)
        x1 = min(math.floor(rect.right()) + 1, self._right_edge())
        if x1 <= x0:
            return NO_PEAKS
        fps = float(self.session.project.fps)
        ppf = layout.px_per_frame

        def seconds(x: float) -> float:
            return (clip.source_start + (x - rect.left()) / ppf) / fps

        out = np.zeros((x1 - left, 2), np.float32)
        out[x0 - left:] = wave.peaks(seconds(x0), seconds(x1), x1 - x0)
        if clip.gain_db:
            np.clip(out * 10 ** (clip.gain_db / 20), -1, 1, out=out)
        if clip.fade_in or clip.fade_out:  # each column at the level of its middle
            out *= fade_levels(clip, clip.start + (np.arange(left, x1) + 0.5 - rect.left()) / ppf)[:, None]
        return out

    def poster(self, media: Media, height: int) -> QImage | None:
        """The first frame of `media`, `height` px high, for the bin; None until it is ready."""
        ident = identity(media.path) if media.has_video else None
        if ident is None:
            return None
        fps = self.session.project.fps
        key = (ident, fps, MAX_LEVEL)
        strip = self._strips.get(key)
        if strip is None:
            self._request_strip(ident, fps, MAX_LEVEL, cancel_others=False)
            return None
        return self._image(key, strip, 0, max(1, round(height * strip.shape[2] / strip.shape[1])), height)

    @property
    def busy(self) -> bool:
        """Whether any strip or waveform is still being made."""
        return bool(self._pending)

    def cancel_all(self) -> None:
        """Stop every queued and running request (on quit or when closing the project)."""
        for worker in list(self._pending.values()):
            worker.cancel()

    # --- strips -----------------------------------------------------------------------------------

    def _strip(self, ident: Identity, fps: Fraction, level: int) -> tuple[int, np.ndarray] | None:
        """The strip at `level` if in memory, else (after requesting it) the nearest level that is."""
        key = (ident, fps, level)
        strip = self._strips.get(key)
        if strip is not None:
            self._strips.move_to_end(key)
            return level, strip
        self._request_strip(ident, fps, level, cancel_others=True)
        near = [(abs(k[2] - level), k[2], s) for k, s in self._strips.items()
                if k[0] == ident and k[1] == fps and k[2] != MAX_LEVEL]
        return min(near, key=lambda t: t[:2])[1:] if near else None

    def _request_strip(self, ident: Identity, fps: Fraction, level: int, cancel_others: bool) -> None:
        key = ("strip", ident, fps, level)
        if key in self._pending or key in self._failed:
            return
        if cancel_others:  # the zoom changed: a strip for the old zoom is no longer wanted
            for other, worker in self._pending.items():
                if other[:3] == key[:3] and other[3] not in (level, MAX_LEVEL):
                    worker.cancel()
        path, cache = ident[0], self.cache
        self._start(key, lambda progress, cancel: thumbnail_strip(path, fps, level, cache=cache, cancel=cancel))

    def _store_strip(self, key: tuple, strip: np.ndarray) -> None:
        _, ident, fps, level = key
        self._strips[(ident, fps, level)] = strip
        self._strip_bytes += strip.nbytes
        while self._strip_bytes > STRIP_BYTES and len(self._strips) > 1:
            _, old = self._strips.popitem(last=False)
            self._strip_bytes -= old.nbytes

    def _image(self, strip_key: tuple, strip: np.ndarray, index: int, width: int, height: int) -> QImage:
        key = (strip_key, index, width, height)
        image = self._images.get(key)
        if image is None:
            picture = np.ascontiguousarray(strip[index])
            h, w = picture.shape[:2]
            source = QImage(picture.data, w, h, 3 * w, QImage.Format.Format_RGB888)
            image = source.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            self._images[key] = image
            if len(self._images) > IMAGES:
                self._images.popitem(last=False)
        else:
            self._images.move_to_end(key)
        return image

    # --- waveforms --------------------------------------------------------------------------------

    def _waveform(self, ident: Identity) -> Waveform | None:
        wave = self._waves.get(ident)
        if wave is None:
            key = ("wave", ident)
            if key not in self._pending and key not in self._failed:
                path, cache = ident[0], self.cache
                self._start(key, lambda progress, cancel: waveform(path, cache=cache, cancel=cancel))
        return wave

    # --- requests ---------------------------------------------------------------------------------

    def _start(self, key: tuple, task) -> None:
        worker = Worker(task)
        worker.succeeded.connect(lambda result, key=key: self._arrived(key, result))
        worker.failed.connect(lambda message, key=key: self._failed_with(key, message))
        worker.finished.connect(lambda key=key, worker=worker: self._done(key, worker))
        self._pending[key] = worker
        worker.start()

    def _arrived(self, key: tuple, result) -> None:
        if key[0] == "strip":
            self._store_strip(key, result)
        else:
            self._waves[key[1]] = result
        self.ready.emit()

    def _failed_with(self, key: tuple, message: str) -> None:
        self._failed.add(key)
        path = key[1][0]
        if path not in self._reported:
            self._reported.add(path)
            self.message.emit(f"No preview for {os.path.basename(path)}: {message}")

    def _done(self, key: tuple, worker: Worker) -> None:
        if self._pending.get(key) is worker:
            del self._pending[key]

    def _right_edge(self) -> int:
        """The rightmost x any widget can show: the desktop's width (the timeline does not tell us
        its own, and computing columns no screen shows is waste)."""
        if not self._right:
            screens = QGuiApplication.screens()
            self._right = max((s.virtualGeometry().right() + 1 for s in screens), default=4096)
        return self._right
