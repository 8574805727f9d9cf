"""The viewer's picture area and the scrub bar under it. Both only paint what they are given.

PictureView paints the player's current picture (an RGB numpy array, wrapped in a QImage without a
copy) scaled to fit and letterboxed, or at 100% (one picture pixel per screen pixel, centred).
ScrubBar shows the whole duration, the in/out marks and the playhead; pressing or dragging on it asks
for a frame through `scrubbed`.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.media.compositor import fit
from desktop.playback.player import Picture
from desktop.ui import theme

LETTERBOX = QColor(0, 0, 0)  # video convention: bars around a picture are black, whatever the theme


class PictureView(QWidget):
    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actual_size = False  # False: fit the widget; True: 100%
        self.frame_size = (16, 9)  # the project's picture size, for 100% and the aspect ratio
        self._picture: Picture | None = None
        self._image: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def picture(self) -> Picture | None:
        return self._picture

    def set_picture(self, picture: Picture | None) -> None:
        if picture is self._picture:
            return
        self._picture = picture
        if picture is None:
            self._image = None
        else:
            h, w = picture.image.shape[:2]
            # The array stays referenced by self._picture for as long as the QImage points into it.
            self._image = QImage(picture.image.data, w, h, picture.image.strides[0], QImage.Format.Format_RGB888)
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn, in widget coordinates."""
        if self.actual_size:
            ratio = self.devicePixelRatioF()
            w, h = self.frame_size[0] / ratio, self.frame_size[1] / ratio
            return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        ratio = self.devicePixelRatioF()
        x, y, w, h = fit(*self.frame_size, round(self.width() * ratio), round(self.height() * ratio))
        return QRectF(x / ratio, y / ratio, w / ratio, h / ratio)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(640, 360)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self.resized.emit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        painter = QPainter(self)
        painter.fillRect(self.rect(), LETTERBOX)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not self.actual_size)
            painter.drawImage(self.picture_rect(), self._image)


class ScrubBar(QWidget):
    scrubbed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.duration = 0
        self.frame = 0
        self.marks: tuple[int | None, int | None] = (None, None)
        self.setFixedHeight(16)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_state(self, duration: int, frame: int, marks: tuple[int | None, int | None]) -> None:
        if (duration, frame, marks) != (self.duration, self.frame, self.marks):
            self.duration, self.frame, self.marks = duration, frame, marks
            self.update()

    def x_of(self, frame: float) -> float:
        return frame / max(self.duration, 1) * max(self.width() - 1, 1)

    def frame_at(self, x: float) -> int:
        if self.duration <= 0:
            return 0
        frame = int(x / max(self.width() - 1, 1) * self.duration)
        return min(max(frame, 0), self.duration - 1)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        h = self.height()
        p.fillRect(self.rect(), theme.BASE)
        p.fillRect(QRectF(0, h / 2 - 2, self.width(), 4), theme.PANEL)
        first, end = self.marks
        if first is not None or end is not None:
            x0 = self.x_of(first or 0)
            x1 = self.x_of(end if end is not None else self.duration)
            band = QColor(theme.ACCENT)
            band.setAlpha(110)
            p.fillRect(QRectF(x0, 2, max(x1 - x0, 1), h - 4), band)
            p.setPen(QPen(theme.ACCENT, 2))
            for frame in (first, end):
                if frame is not None:
                    p.drawLine(int(self.x_of(frame)), 1, int(self.x_of(frame)), h - 1)
        x = self.x_of(self.frame)
        p.setPen(QPen(theme.PLAYHEAD, 2))
        p.drawLine(int(x), 0, int(x), h)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        if event.button() == Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.frame_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.frame_at(event.position().x()))
