"""Drawing the timeline: ruler, track headers, clips (with thumbnails and waveforms), playhead.

Functions of (painter, layout, what to draw); they hold no state, so the widget decides what is
shown and these only decide how it looks.
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from desktop.timeline.model import Clip, Marker, Project, TrackKind
from desktop.ui import theme
from desktop.ui.timeline.layout import HEADER_WIDTH, RULER_HEIGHT, Row, TimelineLayout, ruler_step, timecode

HEADER_BUTTONS = ("mute", "hide", "lock")
BUTTON_SIZE = 20
FADE_HANDLE_PX = 5  # radius of a selected clip's fade handles, and how near a press must be
MARKER_FLAG_PX = 4  # half the width of a marker's flag in the ruler


def header_button_rect(row_top: int, index: int) -> QRectF:
    """Where the mute/hide/lock toggle number `index` of a track header is."""
    return QRectF(8 + index * (BUTTON_SIZE + 4), row_top + 24, BUTTON_SIZE, BUTTON_SIZE - 2)


def paint_ruler(p: QPainter, layout: TimelineLayout, width: int, fps, markers: list[Marker] = ()) -> None:
    """Timecodes at major ticks, and each marker as a flag with its name."""
    p.fillRect(QRectF(0, 0, width, RULER_HEIGHT), theme.PANEL)
    major, minor = ruler_step(layout.px_per_frame, float(fps))
    first = int(layout.first_frame)
    last = layout.frame_at(width) + 1
    p.setPen(QPen(theme.DIM_TEXT, 1))
    font = QFont(p.font())
    font.setPointSizeF(8)
    p.setFont(font)
    start = first - first % minor
    for f in range(start, last + minor, minor):
        x = layout.x_of(f)
        if x < HEADER_WIDTH:
            continue
        if f % major == 0:
            p.drawLine(QPointF(x, RULER_HEIGHT - 12), QPointF(x, RULER_HEIGHT))
            p.drawText(QPointF(x + 3, 11), timecode(f, fps))
        else:
            p.drawLine(QPointF(x, RULER_HEIGHT - 5), QPointF(x, RULER_HEIGHT))
    for marker in markers:
        x = layout.x_of(marker.frame)
        if not HEADER_WIDTH <= x <= width:
            continue
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.MARKER)
        top = RULER_HEIGHT - 14
        half = MARKER_FLAG_PX
        p.drawPolygon(QPolygonF([QPointF(x - half, top), QPointF(x + half, top), QPointF(x + half, top + 7),
                                 QPointF(x, top + 12), QPointF(x - half, top + 7)]))
        if marker.name:
            p.setPen(theme.MARKER)
            p.drawText(QPointF(x + 6, top + 8), marker.name)


def paint_header(p: QPainter, row: Row, top: int) -> None:
    track = row.track
    rect = QRectF(0, top, HEADER_WIDTH - 1, row.height)
    p.fillRect(rect, theme.PANEL)
    p.setPen(theme.TEXT)
    font = QFont(p.font())
    font.setPointSizeF(9)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(8, top + 3, HEADER_WIDTH - 16, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
               track.name)
    font.setBold(False)
    font.setPointSizeF(8)
    p.setFont(font)
    states = {"mute": track.muted, "hide": track.hidden, "lock": track.locked}
    labels = {"mute": "M", "hide": "H", "lock": "L"}
    for i, name in enumerate(HEADER_BUTTONS):
        if name == "hide" and track.kind is TrackKind.AUDIO:
            continue
        if name == "mute" and track.kind is TrackKind.VIDEO:
            continue
        r = header_button_rect(top, i)
        on = states[name]
        p.setPen(QPen(theme.DIM_TEXT if not on else theme.SELECTION, 1))
        p.setBrush(QColor(70, 60, 30) if on else theme.WINDOW)
        p.drawRoundedRect(r, 3, 3)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, labels[name])
    if track.locked:
        p.fillRect(QRectF(HEADER_WIDTH, top, 100000, row.height), QColor(0, 0, 0, 40))


def clip_colour(clip: Clip, kind: TrackKind, offline: bool) -> QColor:
    if offline:
        return theme.OFFLINE_CLIP
    if clip.generated:
        return theme.GENERATED_CLIP
    return theme.VIDEO_CLIP if kind is TrackKind.VIDEO else theme.AUDIO_CLIP


def clip_rect(layout: TimelineLayout, row: Row, start: int, duration: int) -> QRectF:
    top = layout.row_top(row)
    return QRectF(layout.x_of(start), top + 1, duration * layout.px_per_frame, row.height - 2)


def paint_clip(p: QPainter, rect: QRectF, clip: Clip, kind: TrackKind, selected: bool, offline: bool,
               thumbs=None, peaks=None, project: Project | None = None) -> None:
    """A clip: body colour, thumbnails or waveform, fades, name, generated badge, selection outline
    and, when selected, the handles that drag its fades."""
    colour = clip_colour(clip, kind, offline)
    path = QPainterPath()
    path.addRoundedRect(rect, 4, 4)
    p.fillPath(path, colour.darker(130))
    p.save()
    p.setClipPath(path)
    if kind is TrackKind.VIDEO and thumbs and rect.width() > 30:
        _paint_thumbnails(p, rect, thumbs)
    if kind is TrackKind.AUDIO and peaks is not None:
        _paint_waveform(p, rect, peaks, colour)
    if clip.fade_in or clip.fade_out:
        _paint_fades(p, rect, clip)
    band = QRectF(rect.left(), rect.top(), rect.width(), 16)
    p.fillRect(band, QColor(colour.red(), colour.green(), colour.blue(), 220))
    if rect.width() > 24:
        p.setPen(QColor(245, 245, 245))
        font = QFont(p.font())
        font.setPointSizeF(8)
        p.setFont(font)
        label = clip.name or clip.media.name
        if not clip.enabled:
            label = f"OFF  {label}"
        if offline:
            label = f"OFFLINE  {label}"
        elif clip.generated:
            label = f"\u2726 {label}"
        p.drawText(band.adjusted(5, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, int(band.width()) - 9))
    if clip.link is not None and rect.width() > 40:
        p.setPen(QColor(255, 255, 255, 120))
        p.drawText(band.adjusted(0, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, "\u221e")
    if not clip.enabled:  # switched off: greyed out
        p.fillRect(rect, QColor(20, 20, 22, 170))
    p.restore()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(theme.SELECTION, 2) if selected else QPen(colour.lighter(140), 1))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
    if selected and rect.width() > 6 * FADE_HANDLE_PX:
        per_frame = rect.width() / clip.duration
        p.setPen(QPen(QColor(20, 20, 20), 1))
        p.setBrush(theme.SELECTION)
        for x in (rect.left() + clip.fade_in * per_frame, rect.right() - clip.fade_out * per_frame):
            p.drawEllipse(QPointF(x, rect.top() + FADE_HANDLE_PX), FADE_HANDLE_PX - 1, FADE_HANDLE_PX - 1)


def fade_handles_x(layout: TimelineLayout, clip: Clip) -> tuple[float, float]:
    """Where a clip's fade-in and fade-out handles are: at the top, where each ramp ends."""
    return layout.x_of(clip.start + clip.fade_in), layout.x_of(clip.end - clip.fade_out)


def _paint_thumbnails(p: QPainter, rect: QRectF, thumbs) -> None:
    """`thumbs` is a list of (x offset within the clip, QImage) already sized to the row."""
    top = rect.top() + 16
    for dx, image in thumbs:
        x = rect.left() + dx
        if x > rect.right():
            break
        p.drawImage(QPointF(x, top), image)


def _paint_waveform(p: QPainter, rect: QRectF, peaks, colour: QColor) -> None:
    """`peaks` is a sequence of (min, max) in [-1, 1], one per pixel column of the clip from its
    left edge; columns hidden under the track headers are skipped. One drawLines call for all."""
    mid = rect.top() + 16 + (rect.height() - 16) / 2
    half = (rect.height() - 18) / 2
    left = int(rect.left())
    first = max(0, HEADER_WIDTH - left)
    last = min(len(peaks), int(rect.right()) - left + 1)
    lines = [QLineF(left + i, mid - float(peaks[i][1]) * half, left + i, mid - float(peaks[i][0]) * half)
             for i in range(first, last)]
    if lines:
        p.setPen(QPen(colour.lighter(170), 1))
        p.drawLines(lines)


def _paint_fades(p: QPainter, rect: QRectF, clip: Clip) -> None:
    """Each fade as a shaded corner under a ramp: the level line rises from the bottom at the clip's
    first frame to the top where the fade in ends, and falls back over the fade out."""
    top, bottom = rect.top() + 16, rect.bottom()
    per_frame = rect.width() / clip.duration
    corners = []
    if clip.fade_in:
        x = rect.left() + clip.fade_in * per_frame
        corners.append((QPointF(rect.left(), bottom), QPointF(x, top), QPointF(rect.left(), top)))
    if clip.fade_out:
        x = rect.right() - clip.fade_out * per_frame
        corners.append((QPointF(rect.right(), bottom), QPointF(x, top), QPointF(rect.right(), top)))
    for foot, peak, corner in corners:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 110))
        p.drawPolygon(QPolygonF([foot, peak, corner]))
        p.setPen(QPen(QColor(255, 255, 255, 200), 1))
        p.drawLine(foot, peak)


def paint_fade_ghost(p: QPainter, rect: QRectF, clip: Clip) -> None:
    """The ramps a clip's fades would have after a handle drag, dashed."""
    top, bottom = rect.top() + 16, rect.bottom()
    per_frame = rect.width() / clip.duration
    p.setPen(QPen(QColor(255, 255, 255, 230), 1.5, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(rect.left(), bottom), QPointF(rect.left() + clip.fade_in * per_frame, top))
    p.drawLine(QPointF(rect.right(), bottom), QPointF(rect.right() - clip.fade_out * per_frame, top))


def paint_ghost(p: QPainter, rect: QRectF, ok: bool) -> None:
    """The outline of where a dragged clip would land."""
    p.setBrush(QColor(255, 255, 255, 40) if ok else QColor(255, 60, 60, 50))
    p.setPen(QPen(QColor(255, 255, 255, 200) if ok else QColor(255, 90, 90), 1, Qt.PenStyle.DashLine))
    p.drawRoundedRect(rect, 4, 4)


def paint_playhead(p: QPainter, layout: TimelineLayout, frame: int, height: int) -> None:
    x = layout.x_of(frame)
    if x < HEADER_WIDTH:
        return
    p.setPen(QPen(theme.PLAYHEAD, 1))
    p.drawLine(QPointF(x, 0), QPointF(x, height))
    tri = QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 9)])
    p.setBrush(theme.PLAYHEAD)
    p.drawPolygon(tri)


def paint_snap_line(p: QPainter, layout: TimelineLayout, frame: int, height: int) -> None:
    x = layout.x_of(frame)
    p.setPen(QPen(theme.SELECTION, 1, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(x, RULER_HEIGHT), QPointF(x, height))


def paint_band(p: QPainter, rect: QRectF) -> None:
    """The rectangle of a selection drag."""
    p.setBrush(QColor(theme.ACCENT.red(), theme.ACCENT.green(), theme.ACCENT.blue(), 40))
    p.setPen(QPen(theme.ACCENT, 1))
    p.drawRect(rect)
