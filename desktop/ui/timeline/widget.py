"""The timeline panel: ruler, track headers and clips, painted from the project on every change.

The widget holds only view state (zoom, scroll, the drag in progress); the project is read from
the session and changed only through `Session.edit`, one core edit per gesture. Mouse: click
selects (Ctrl toggles, Shift adds), drag a clip to move it (to another track of the same kind
too), drag an edge to trim (Ctrl: ripple trim, Shift: roll the cut), Alt acts on the clip alone
without its linked partner. Wheel scrolls; Ctrl+wheel zooms around the cursor. Click or drag in
the ruler to move the playhead. Media dropped from the bin or the file manager is inserted.
"""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QWidget

from desktop.timeline.model import Clip, TrackKind
from desktop.ui import theme
from desktop.ui.playhead import Playhead
from desktop.ui.selection import Selection
from desktop.ui.session import Session
from desktop.ui.timeline import painter
from desktop.ui.timeline.drag import FADES, MOVE, TRIM_IN, TRIM_OUT, TRIMS, ClipDrag
from desktop.ui.timeline.layout import EDGE_GRAB_PX, HEADER_WIDTH, RULER_HEIGHT, Row, TimelineLayout, timecode

MEDIA_MIME = "application/x-framesmith-media"
SCROLLBAR = 14


class TimelineWidget(QWidget):
    media_dropped = Signal(list, str, int)  # paths, track id, frame: the window inserts them
    clip_menu_requested = Signal(str, QPoint)  # clip id, global position: the window shows the menu
    track_menu_requested = Signal(str, QPoint)  # track id, global position
    lane_menu_requested = Signal(str, int, QPoint)  # track id, frame, global position: empty space
    marker_menu_requested = Signal(int, QPoint)  # the frame of a marker in the ruler, global position

    def __init__(self, session: Session, selection: Selection, playhead: Playhead, previews=None) -> None:
        super().__init__()
        self.session = session
        self.selection = selection
        self.playhead = playhead
        self.previews = previews  # thumbnails and waveforms (desktop.ui.previews), optional
        self.layout_ = TimelineLayout()
        self.snapping = True
        self._drag: ClipDrag | None = None
        self._press: QPointF | None = None
        self._scrubbing = False
        self._snap_frame: int | None = None
        self._drop: tuple[str, int, int] | None = None  # track id, frame, duration of a drop preview
        self._band: tuple[QPointF, QPointF, list[str]] | None = None  # rectangle selection: from, to, kept
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.hbar.valueChanged.connect(self._on_hscroll)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.vbar.valueChanged.connect(self._on_vscroll)
        session.changed.connect(self._on_project_changed)
        selection.changed.connect(self.update)
        playhead.moved.connect(self._on_playhead)
        if previews is not None:
            previews.ready.connect(self.update)
        self._on_project_changed()

    # --- model -> view ------------------------------------------------------------------------

    def _on_project_changed(self) -> None:
        project = self.session.project
        self.layout_.update_rows(project)
        self.selection.prune({c.id for _, c in project.all_clips()})
        self._update_scrollbars()
        self.update()

    def _on_playhead(self, frame: int) -> None:
        visible_end = self.layout_.frame_at(self.width() - SCROLLBAR)
        if not self._scrubbing and (frame < self.layout_.first_frame or frame > visible_end):
            self.layout_.first_frame = max(0.0, frame - 10 / self.layout_.px_per_frame)
            self._update_scrollbars()
        self.update()

    def _update_scrollbars(self) -> None:
        lay = self.layout_
        total = max(self.session.project.duration, self.playhead.frame) + int(300 / lay.px_per_frame)
        page = max(1, int((self.width() - HEADER_WIDTH - SCROLLBAR) / lay.px_per_frame))
        self.hbar.blockSignals(True)
        self.hbar.setRange(0, max(0, total - page))
        self.hbar.setPageStep(page)
        self.hbar.setSingleStep(max(1, page // 20))
        self.hbar.setValue(int(lay.first_frame))
        self.hbar.blockSignals(False)
        overflow = max(0, lay.content_height - (self.height() - SCROLLBAR))
        self.vbar.blockSignals(True)
        self.vbar.setRange(0, overflow)
        self.vbar.setPageStep(max(1, self.height() - SCROLLBAR))
        self.vbar.setVisible(overflow > 0)
        lay.scroll_y = min(lay.scroll_y, overflow)
        self.vbar.setValue(lay.scroll_y)
        self.vbar.blockSignals(False)

    def _on_hscroll(self, value: int) -> None:
        self.layout_.first_frame = float(value)
        self.update()

    def _on_vscroll(self, value: int) -> None:
        self.layout_.scroll_y = value
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.hbar.setGeometry(HEADER_WIDTH, self.height() - SCROLLBAR, self.width() - HEADER_WIDTH - SCROLLBAR, SCROLLBAR)
        self.vbar.setGeometry(self.width() - SCROLLBAR, RULER_HEIGHT, SCROLLBAR, self.height() - RULER_HEIGHT - SCROLLBAR)
        self._update_scrollbars()

    # --- zoom ---------------------------------------------------------------------------------

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        if anchor_x is None:
            anchor_x = self.layout_.x_of(self.playhead.frame)
            if not HEADER_WIDTH <= anchor_x <= self.width():
                anchor_x = (HEADER_WIDTH + self.width()) / 2
        self.layout_.set_zoom(self.layout_.px_per_frame * factor, anchor_x)
        self._update_scrollbars()
        self.update()

    def zoom_to_fit(self) -> None:
        self.layout_.fit(max(self.session.project.duration, 1), self.width() - SCROLLBAR)
        self._update_scrollbars()
        self.update()

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        lay = self.layout_
        project = self.session.project
        width, height = self.width() - SCROLLBAR, self.height() - SCROLLBAR
        p.fillRect(self.rect(), theme.BASE)
        offline = set(project.offline_media())
        first, last = lay.first_frame, lay.frame_at(width) + 1
        for row in lay.rows:
            top = lay.row_top(row)
            if top + row.height < RULER_HEIGHT or top > height:
                continue
            p.fillRect(QRectF(HEADER_WIDTH, top, width - HEADER_WIDTH, row.height), theme.WINDOW)
            p.save()
            p.setClipRect(QRectF(HEADER_WIDTH, RULER_HEIGHT, width - HEADER_WIDTH, height - RULER_HEIGHT))
            for clip in row.track.clips:
                if clip.end < first or clip.start > last:
                    continue
                rect = painter.clip_rect(lay, row, clip.start, clip.duration)
                thumbs, peaks = self._previews_for(clip, row, rect)
                painter.paint_clip(p, rect, clip, row.track.kind, clip.id in self.selection,
                                   clip.media.path in offline, thumbs, peaks)
            if row.track.hidden:
                p.fillRect(QRectF(HEADER_WIDTH, top, width, row.height), QColor(0, 0, 0, 110))
            p.restore()
            p.save()
            p.setClipRect(QRectF(0, RULER_HEIGHT, HEADER_WIDTH, height - RULER_HEIGHT))
            painter.paint_header(p, row, top)
            p.restore()
        p.save()
        p.setClipRect(QRectF(HEADER_WIDTH, RULER_HEIGHT, width - HEADER_WIDTH, height - RULER_HEIGHT))
        self._paint_drag(p)
        p.restore()
        painter.paint_ruler(p, lay, width, project.fps, project.markers)
        p.fillRect(QRectF(0, 0, HEADER_WIDTH, RULER_HEIGHT), theme.PANEL)
        p.setPen(theme.TEXT)
        p.drawText(QRectF(8, 0, HEADER_WIDTH - 8, RULER_HEIGHT), Qt.AlignmentFlag.AlignVCenter,
                   timecode(self.playhead.frame, project.fps))
        p.save()
        p.setClipRect(QRectF(HEADER_WIDTH, 0, width - HEADER_WIDTH, height))
        painter.paint_playhead(p, lay, self.playhead.frame, height)
        p.restore()
        p.fillRect(QRectF(0, height, HEADER_WIDTH, SCROLLBAR), theme.PANEL)

    def _previews_for(self, clip: Clip, row: Row, rect: QRectF):
        if self.previews is None:
            return None, None
        if row.track.kind is TrackKind.VIDEO:
            return self.previews.thumbnails(clip, rect, self.layout_, row.height - 18), None
        return None, self.previews.peaks(clip, rect, self.layout_)

    def _paint_drag(self, p: QPainter) -> None:
        project = self.session.project
        height = self.height() - SCROLLBAR
        drag = self._drag
        if drag is not None and (drag.delta or drag.target_track_id not in (None, drag.track_id)):
            for g in drag.ghosts(project):
                row = self.layout_.row_of(g.track_id)
                if row is not None and g.duration > 0:
                    painter.paint_ghost(p, painter.clip_rect(self.layout_, row, g.start, g.duration), True)
        if self._drop is not None:
            row = self.layout_.row_of(self._drop[0])
            if row is not None:
                painter.paint_ghost(p, painter.clip_rect(self.layout_, row, self._drop[1], self._drop[2]), True)
        if drag is not None and drag.mode in FADES and drag.delta:
            row = self.layout_.row_of(drag.track_id)
            if row is not None:
                rect = painter.clip_rect(self.layout_, row, drag.clip.start, drag.clip.duration)
                painter.paint_fade_ghost(p, rect, drag.faded())
        if self._snap_frame is not None:
            painter.paint_snap_line(p, self.layout_, self._snap_frame, height)
        if self._band is not None:
            painter.paint_band(p, self._band_rect())

    # --- hit tests ----------------------------------------------------------------------------

    def clip_at(self, pos: QPointF) -> tuple[Row, Clip] | tuple[None, None]:
        row = self.layout_.row_at(pos.y())
        if row is None or pos.x() < HEADER_WIDTH:
            return None, None
        frame = self.layout_.frame_at(pos.x())
        clip = row.track.clip_at(frame)
        return (row, clip) if clip is not None else (None, None)

    def _handle_at(self, pos: QPointF, row: Row, clip: Clip) -> str | None:
        """FADE_IN or FADE_OUT when `pos` is on that fade's handle, at the top of the clip where its
        ramp ends (a clip's top corner while it has no fade); a fade handle wins over an edge."""
        top = painter.clip_rect(self.layout_, row, clip.start, clip.duration).top()
        if not top <= pos.y() <= top + painter.FADE_HANDLE_PX * 2:
            return None
        for mode, x in zip(FADES, painter.fade_handles_x(self.layout_, clip)):
            if abs(pos.x() - x) <= painter.FADE_HANDLE_PX:
                return mode
        return None

    def marker_at(self, x: float) -> int | None:
        """The frame of the marker whose flag is at `x` in the ruler, if any."""
        near = [m.frame for m in self.session.project.markers
                if abs(self.layout_.x_of(m.frame) - x) <= painter.MARKER_FLAG_PX]
        return min(near, key=lambda f: abs(self.layout_.x_of(f) - x)) if near else None

    def _edge_at(self, pos: QPointF, clip: Clip) -> str | None:
        x0, x1 = self.layout_.x_of(clip.start), self.layout_.x_of(clip.end)
        grab = min(EDGE_GRAB_PX, (x1 - x0) / 3)
        if abs(pos.x() - x0) <= grab:
            return TRIM_IN
        if abs(pos.x() - x1) <= grab:
            return TRIM_OUT
        return None

    # --- mouse --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        pos = event.position()
        self.setFocus()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if pos.y() < RULER_HEIGHT and pos.x() >= HEADER_WIDTH:
            self._scrubbing = True
            self.playhead.seek(self.layout_.nearest_cut(pos.x()))
            return
        if pos.x() < HEADER_WIDTH:
            self._click_header(pos)
            return
        row, clip = self.clip_at(pos)
        mods = event.modifiers()
        if clip is None:  # empty lane: a click moves the playhead, a drag selects by rectangle
            adding = bool(mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
            self._band = (pos, pos, self.selection.ids if adding else [])
            if not adding:
                self.selection.clear()
            return
        grabbed = self._handle_at(pos, row, clip) or self._edge_at(pos, clip)
        if mods & Qt.KeyboardModifier.ControlModifier and grabbed is None:
            self.selection.toggle(clip.id)
            return
        if mods & Qt.KeyboardModifier.ShiftModifier and grabbed is None:
            self.selection.add(clip.id)
        elif clip.id not in self.selection:
            self.selection.set([clip.id])
        mode = grabbed or MOVE
        others = [i for i in self.selection.ids if i != clip.id] if mode == MOVE else []
        self._drag = ClipDrag(mode, clip, row.track.id, others=others,
                              linked=not mods & Qt.KeyboardModifier.AltModifier)
        self._set_trim_kind(mods)
        self._press = pos

    def _click_header(self, pos: QPointF) -> None:
        row = self.layout_.row_at(pos.y())
        if row is None:
            return
        from desktop.timeline import organize

        top = self.layout_.row_top(row)
        for i, name in enumerate(painter.HEADER_BUTTONS):
            if painter.header_button_rect(top, i).contains(pos):
                track = row.track
                flag = {"mute": "muted", "hide": "hidden", "lock": "locked"}[name]
                if (name == "mute") == (track.kind is TrackKind.AUDIO) or name == "lock":
                    self.session.edit(organize.set_track, track.id, **{flag: not getattr(track, flag)})
                return

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        pos = event.position()
        if self._scrubbing:
            self.playhead.seek(self.layout_.nearest_cut(pos.x()))
            return
        if self._band is not None:
            origin, _, kept = self._band
            self._band = (origin, pos, kept)
            self.selection.set(kept + self._clips_in_band())
            self.update()
            return
        if self._drag is None or self._press is None:
            self._update_cursor(pos)
            return
        drag = self._drag
        raw = round((pos.x() - self._press.x()) / self.layout_.px_per_frame)
        if event.modifiers():  # pressed or released during the drag
            self._set_trim_kind(event.modifiers())
        drag.delta, self._snap_frame = self._snapped(drag, raw)
        if drag.mode == MOVE and not drag.others:
            row = self.layout_.row_at(pos.y())
            source_kind = self.session.project.track(drag.track_id).kind
            if row is not None and row.track.kind is source_kind:
                drag.target_track_id = row.track.id
        self.update()

    def _set_trim_kind(self, mods) -> None:
        """Ctrl turns an edge drag into a ripple trim, Shift into a roll of the cut."""
        drag = self._drag
        if drag is not None and drag.mode in TRIMS:
            drag.ripple = bool(mods & Qt.KeyboardModifier.ControlModifier)
            drag.roll = bool(mods & Qt.KeyboardModifier.ShiftModifier) and not drag.ripple

    def _snapped(self, drag: ClipDrag, raw: int) -> tuple[int, int | None]:
        if not self.snapping:
            return raw, None
        project = self.session.project
        targets = self._snap_targets(set(drag.moved_ids(project)))
        best, best_px, snap_to = raw, None, None
        for edge in drag.edges(project):
            snapped, target = self.layout_.snap(edge + raw, targets)
            if target is not None:
                px = abs(snapped - (edge + raw))
                if best_px is None or px < best_px:
                    best, best_px, snap_to = snapped - edge, px, target
        return best, snap_to

    def _snap_targets(self, moving: set[str] = frozenset()) -> list[int]:
        """The frames drags snap to: 0, the playhead, markers, the edges of clips not `moving`."""
        project = self.session.project
        targets = [0, self.playhead.frame] + [m.frame for m in project.markers]
        return targets + [e for _, c in project.all_clips() if c.id not in moving for e in (c.start, c.end)]

    def _update_cursor(self, pos: QPointF) -> None:
        row, clip = self.clip_at(pos)
        if clip is not None and self._handle_at(pos, row, clip):
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        elif clip is not None and self._edge_at(pos, clip):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def _band_rect(self) -> QRectF:
        origin, corner, _ = self._band
        return QRectF(origin, corner).normalized()

    def _clips_in_band(self) -> list[str]:
        rect = self._band_rect()
        ids = []
        for row in self.layout_.rows:
            for clip in row.track.clips:
                if painter.clip_rect(self.layout_, row, clip.start, clip.duration).intersects(rect):
                    ids.append(clip.id)
        return ids

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt)
        if self._band is not None:
            band, self._band = self._band, None
            if (band[1] - band[0]).manhattanLength() < 4:  # a click, not a drag
                self.playhead.seek(self.layout_.nearest_cut(band[0].x()))
        self._scrubbing = False
        drag, self._drag, self._press, self._snap_frame = self._drag, None, None, None
        if drag is not None and (drag.delta or drag.target_track_id not in (None, drag.track_id)):
            self.session.edit(drag.commit)
        self.update()

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt)
        if event.pos().y() < RULER_HEIGHT:
            marker = self.marker_at(event.pos().x())
            if marker is not None:
                self.marker_menu_requested.emit(marker, event.globalPos())
            return
        if event.pos().x() < HEADER_WIDTH:
            row = self.layout_.row_at(event.pos().y())
            if row is not None:
                self.track_menu_requested.emit(row.track.id, event.globalPos())
            return
        _, clip = self.clip_at(QPointF(event.pos()))
        if clip is not None:
            if clip.id not in self.selection:
                self.selection.set([clip.id])
            self.clip_menu_requested.emit(clip.id, event.globalPos())
            return
        row = self.layout_.row_at(event.pos().y())
        if row is not None:
            self.lane_menu_requested.emit(row.track.id, self.layout_.frame_at(event.pos().x()), event.globalPos())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt)
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25 ** steps, event.position().x())
        elif event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.vbar.setValue(self.vbar.value() - int(steps * 40))
        else:
            self.hbar.setValue(self.hbar.value() - int(steps * self.hbar.singleStep() * 3))
        event.accept()

    # --- drag and drop from the bin / file manager ------------------------------------------------

    @staticmethod
    def _paths(mime: QMimeData) -> list[str]:
        if mime.hasFormat(MEDIA_MIME):
            return bytes(mime.data(MEDIA_MIME)).decode().splitlines()
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt)
        pos = event.position()
        row = self.layout_.row_at(pos.y())
        if row is None or pos.x() < HEADER_WIDTH:
            self._drop = None
            event.ignore()
        else:
            frame = self.layout_.frame_at(pos.x())
            if self.snapping:
                frame = self.layout_.snap(frame, self._snap_targets())[0]
            self._drop = (row.track.id, frame, int(60 / self.layout_.px_per_frame) or 1)
            event.acceptProposedAction()
        self.update()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 (Qt)
        self._drop = None
        self.update()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt)
        paths = self._paths(event.mimeData())
        drop, self._drop = self._drop, None
        if paths and drop is not None:
            self.media_dropped.emit(paths, drop[0], drop[1])
            event.acceptProposedAction()
        self.update()
