"""The viewer: the timeline (or a bin clip) playing, a transport bar, timecode, in/out marks.

Timeline mode shows the session's project at the shared Playhead and moves the Playhead as it plays.
Source mode (`show_source(media)`) plays a bin clip with its own position and marks, and asks the
window to put the marked part on the timeline (`insert_requested` / `overwrite_requested`).

All decoding happens in the Player's threads (desktop.playback). The UI thread only sends commands
and reads ready pictures: a 60 Hz timer polls the player while it plays, and a paused seek's
picture arrives through the player's callback, queued to this thread by a signal.

Marks are half-open frame ranges like every range here: I marks the frame at the playhead as the
first, O as the last, so `marks()` gives (first, last + 1). They set the play range, and the
window's export uses `timeline_marks()` for its "in to out" range.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QStyle, QToolButton, QVBoxLayout, QWidget

from desktop.playback.player import Player
from desktop.playback.snapshot import source_project
from desktop.playback.sound import open_sounddevice
from desktop.timeline.model import Media
from desktop.ui.playhead import Playhead
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode
from desktop.ui.viewer_screen import PictureView, ScrubBar

TIMELINE, SOURCE = "timeline", "source"
POLL_MS = 16  # the playing picture and playhead are polled at ~60 Hz
RESIZE_SETTLE_MS = 120  # a new preview size is asked for once a resize settles


class _Bridge(QObject):
    """Carries the player's callbacks (from its threads) to the UI thread as queued signals."""

    picture = Signal(int)
    state = Signal(bool, int)
    message = Signal(str)


class Viewer(QWidget):
    insert_requested = Signal(object, int, int)  # Media, source first frame, source end (half-open)
    overwrite_requested = Signal(object, int, int)
    message = Signal(str)  # for the status bar (e.g. no audio device: once)
    marks_changed = Signal()
    mode_changed = Signal(str)  # "timeline" or "source"

    def __init__(self, session: Session, playhead: Playhead, parent: QWidget | None = None,
                 open_output=open_sounddevice) -> None:
        super().__init__(parent)
        self.session = session
        self.playhead = playhead
        self.mode = TIMELINE
        self.source: Media | None = None
        self._marks = {TIMELINE: (None, None), SOURCE: (None, None)}
        self._source_frame = 0
        self._following = False  # True while the viewer itself moves the playhead
        self._bridge = _Bridge(self)  # connected before the player exists: it may call at once
        self._bridge.picture.connect(self._on_picture)
        self._bridge.state.connect(self._on_state)
        self._bridge.message.connect(self.message)
        self.player = Player(session.project, size=(640, 360),
                             on_picture=self._bridge.picture.emit, on_state=self._bridge.state.emit,
                             on_message=self._bridge.message.emit, open_output=open_output)
        self.destroyed.connect(self.player.close)
        self._poll = QTimer(self, interval=POLL_MS, timerType=Qt.TimerType.PreciseTimer)
        self._poll.timeout.connect(self._on_poll)
        self._settle = QTimer(self, interval=RESIZE_SETTLE_MS, singleShot=True)
        self._settle.timeout.connect(self._update_preview_size)

        self.screen_ = PictureView(self)
        self.scrub = ScrubBar(self)
        self._build_actions()
        self._build_layout()

        self.screen_.resized.connect(self._settle.start)
        self.scrub.scrubbed.connect(self.seek)
        session.changed.connect(self._on_project_changed)
        playhead.moved.connect(self._on_playhead)
        self.player.seek(playhead.frame)
        self._refresh()

    # -- public API ----------------------------------------------------------------------------

    def playback_actions(self) -> list[QAction]:
        """The actions for the window's Playback menu, in menu order (None marks a separator)."""
        return [self.act_play, self.act_backward, self.act_pause, self.act_forward, None,
                self.act_prev_frame, self.act_next_frame, self.act_back_second, self.act_forward_second,
                self.act_start, self.act_end, None,
                self.act_mark_in, self.act_mark_out, self.act_clear_marks, None,
                self.act_source_mode, self.act_insert, self.act_overwrite, self.act_actual_size]

    def marks(self) -> tuple[int | None, int | None]:
        """The current mode's (first, end) marks, half-open; None where a mark is not set."""
        return self._marks[self.mode]

    def timeline_marks(self) -> tuple[int | None, int | None]:
        """The timeline's (first, end) marks whatever the mode: export's "in to out" range."""
        return self._marks[TIMELINE]

    def frame(self) -> int:
        """The frame shown: the playhead in timeline mode, the source position in source mode."""
        return self.playhead.frame if self.mode == TIMELINE else self.player.position()

    def duration(self) -> int:
        if self.mode == SOURCE and self.source is not None:
            return self.source.duration
        return self.session.project.duration

    def show_source(self, media: Media) -> None:
        """Show a bin clip in source mode (its position and marks are kept while it stays the source)."""
        if self.mode == SOURCE:
            self._source_frame = self.player.position()
        if self.source is None or media.path != self.source.path:
            self._marks[SOURCE] = (None, None)
            self._source_frame = 0
        self.source = media
        self._enter(SOURCE)

    def set_mode(self, mode: str) -> None:
        """Show the timeline, or the source clip (when there is one)."""
        if mode == self.mode or (mode == SOURCE and self.source is None):
            self._sync_mode_buttons()
            return
        if self.mode == SOURCE:
            self._source_frame = self.player.position()
        self._enter(mode)

    def seek(self, frame: int) -> None:
        """Move to `frame` (the playhead too, in timeline mode)."""
        frame = max(0, int(frame))
        self.player.seek(frame)
        self._follow(frame)
        self._refresh()

    def toggle_play(self) -> None:
        self.player.toggle()

    def step(self, frames: int) -> None:
        self.player.step(frames)
        self._follow(self.player.position())
        self._refresh()

    def set_mark_in(self) -> None:
        first, end = self.marks()
        frame = self.frame()
        self._set_marks(frame, end if end is not None and end > frame else None)

    def set_mark_out(self) -> None:
        first, end = self.marks()
        frame = self.frame() + 1
        self._set_marks(first if first is not None and first < frame else None, frame)

    def clear_marks(self) -> None:
        self._set_marks(None, None)

    def request_insert(self, overwrite: bool = False) -> None:
        """Source mode: ask the window to put the marked part of the clip at the playhead."""
        if self.mode != SOURCE or self.source is None:
            return
        first, end = self.marks()
        first = first or 0
        end = self.source.duration if end is None else end
        signal = self.overwrite_requested if overwrite else self.insert_requested
        signal.emit(self.source, first, end)

    def set_actual_size(self, on: bool) -> None:
        """100% (one picture pixel per screen pixel) or fit to the viewer."""
        self.act_actual_size.setChecked(on)
        self.screen_.actual_size = on
        self._update_preview_size()
        self.screen_.update()

    def shutdown(self) -> None:
        """Stop the player's threads and close the sound device (the window calls this on close)."""
        self._poll.stop()
        self.player.close()

    # -- building --------------------------------------------------------------------------------

    def _action(self, text: str, slot, keys=(), checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a, icon = self._action, self.style().standardIcon
        sp = QStyle.StandardPixmap
        self.act_play = a("Play / Pause", self.toggle_play, ["Space"])
        self.act_play.setIcon(icon(sp.SP_MediaPlay))
        self.act_backward = a("Play Backward (faster on repeat)", lambda: self.player.shuttle(-1), ["J"])
        self.act_pause = a("Pause", self.player.pause, ["K"])
        self.act_forward = a("Play Forward (faster on repeat)", lambda: self.player.shuttle(1), ["L"])
        self.act_prev_frame = a("Previous Frame", lambda: self.step(-1), ["Left"])
        self.act_prev_frame.setIcon(icon(sp.SP_MediaSeekBackward))
        self.act_next_frame = a("Next Frame", lambda: self.step(1), ["Right"])
        self.act_next_frame.setIcon(icon(sp.SP_MediaSeekForward))
        self.act_back_second = a("Back One Second", lambda: self.step(-self._second()), ["Shift+Left"])
        self.act_forward_second = a("Forward One Second", lambda: self.step(self._second()), ["Shift+Right"])
        self.act_start = a("Go to Start", lambda: self.seek(0), ["Home"])
        self.act_start.setIcon(icon(sp.SP_MediaSkipBackward))
        self.act_end = a("Go to End", lambda: self.seek(max(self.duration() - 1, 0)), ["End"])
        self.act_end.setIcon(icon(sp.SP_MediaSkipForward))
        self.act_mark_in = a("Mark In", self.set_mark_in, ["I"])
        self.act_mark_out = a("Mark Out", self.set_mark_out, ["O"])
        self.act_clear_marks = a("Clear In and Out", self.clear_marks, ["Alt+X"])
        self.act_source_mode = a("Show Source Clip", lambda on: self.set_mode(SOURCE if on else TIMELINE),
                                 checkable=True)
        self.act_insert = a("Insert Source at Playhead", lambda: self.request_insert(False), [","])
        self.act_overwrite = a("Overwrite Source at Playhead", lambda: self.request_insert(True), ["."])
        self.act_actual_size = a("Viewer at 100%", self.set_actual_size, checkable=True)

    def _button(self, action: QAction, text: str | None = None) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        if text is not None:
            action.setIconText(text)  # what a tool button shows; menus keep the full text
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{action.text()} ({keys})" if keys else action.text())
        return button

    def _build_layout(self) -> None:
        self.timeline_button = QToolButton(self, text="Timeline", checkable=True)
        self.source_button = QToolButton(self, text="Source", checkable=True)
        modes = QButtonGroup(self)
        for button, mode in ((self.timeline_button, TIMELINE), (self.source_button, SOURCE)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            modes.addButton(button)
        self.source_name = QLabel(self)
        self.zoom_button = self._button(self.act_actual_size, "100%")
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        for widget in (self.timeline_button, self.source_button, self.source_name):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.zoom_button)

        self.timecode_label = QLabel(self)
        self.duration_label = QLabel(self)
        self.marks_label = QLabel(self)
        for label in (self.timecode_label, self.duration_label):
            label.setStyleSheet("font-family: monospace; font-size: 13px;")
        self.marks_label.setStyleSheet("font-family: monospace;")
        self.play_button = self._button(self.act_play)
        self.play_button.setIconSize(self.play_button.iconSize() * 1.5)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 2)
        bar.addWidget(self.timecode_label)
        bar.addStretch(1)
        for action in (self.act_start, self.act_prev_frame):
            bar.addWidget(self._button(action))
        bar.addWidget(self.play_button)
        for action in (self.act_next_frame, self.act_end):
            bar.addWidget(self._button(action))
        bar.addStretch(1)
        bar.addWidget(self._button(self.act_mark_in, "I"))
        bar.addWidget(self._button(self.act_mark_out, "O"))
        bar.addWidget(self.marks_label)
        self.insert_button = self._button(self.act_insert, "Insert")
        self.overwrite_button = self._button(self.act_overwrite, "Overwrite")
        bar.addWidget(self.insert_button)
        bar.addWidget(self.overwrite_button)
        bar.addSpacing(12)
        bar.addWidget(self.duration_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.screen_, 1)
        layout.addWidget(self.scrub)
        layout.addLayout(bar)
        self.screen_.frame_size = (self.session.project.width, self.session.project.height)
        self._sync_mode_buttons()

    def _enter(self, mode: str) -> None:
        self.mode = mode
        if mode == SOURCE:
            self.player.set_project(source_project(self.source, self.session.project), self._source_frame)
        else:
            self.player.set_project(self.session.project, self.playhead.frame)
        self.screen_.frame_size = (self.player.project.width, self.player.project.height)
        self._apply_marks()
        self._update_preview_size()
        self._sync_mode_buttons()
        self.mode_changed.emit(mode)
        self._refresh()

    # -- reacting --------------------------------------------------------------------------------

    def _on_poll(self) -> None:
        """Playing: show the clock's picture once ready and move the playhead. Reads only."""
        self.screen_.set_picture(self.player.picture())
        self._follow(self.player.position())
        self._refresh()

    def _on_picture(self, _frame: int) -> None:
        self.screen_.set_picture(self.player.picture())

    def _on_state(self, playing: bool, _speed: int) -> None:
        if playing:
            self._poll.start()
        else:
            self._poll.stop()
            self._on_poll()
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.act_play.setIcon(self.style().standardIcon(icon))

    def _on_playhead(self, frame: int) -> None:
        if not self._following and self.mode == TIMELINE:
            self.player.seek(frame)
            self._refresh()

    def _on_project_changed(self) -> None:
        if self.mode == TIMELINE:
            if self.player.project is not self.session.project:  # another project was opened
                self._marks[TIMELINE] = (None, None)
                self.player.set_project(self.session.project, self.playhead.frame)
                self.screen_.frame_size = (self.session.project.width, self.session.project.height)
                self._apply_marks()
                self._update_preview_size()
            else:
                self.player.invalidate()
        self._refresh()

    def _follow(self, frame: int) -> None:
        """Timeline mode: put the shared playhead where the viewer is, without seeking back."""
        if self.mode != TIMELINE:
            return
        self._following = True
        try:
            self.playhead.seek(frame)
        finally:
            self._following = False

    def _set_marks(self, first: int | None, end: int | None) -> None:
        self._marks[self.mode] = (first, end)
        self._apply_marks()
        self.marks_changed.emit()
        self._refresh()

    def _apply_marks(self) -> None:
        first, end = self.marks()
        if first is None and end is None:
            self.player.set_range(None)
        else:
            self.player.set_range((first or 0, self.duration() if end is None else end))

    def _update_preview_size(self) -> None:
        if self.screen_.actual_size:
            self.player.set_size(None)
        else:
            ratio = self.screen_.devicePixelRatioF()
            self.player.set_size((round(self.screen_.width() * ratio), round(self.screen_.height() * ratio)))

    def _second(self) -> int:
        return max(1, round(self.player.project.fps))

    def _sync_mode_buttons(self) -> None:
        source = self.mode == SOURCE
        self.timeline_button.setChecked(not source)
        self.source_button.setChecked(source)
        self.source_button.setEnabled(self.source is not None)
        self.act_source_mode.setEnabled(self.source is not None)
        self.act_source_mode.setChecked(source)
        self.source_name.setText(self.source.name if self.source is not None else "")
        for widget in (self.act_insert, self.act_overwrite):
            widget.setEnabled(source)
        self.insert_button.setVisible(source)
        self.overwrite_button.setVisible(source)

    def _refresh(self) -> None:
        """Timecode, duration, marks and scrub bar from the current state."""
        fps = self.player.project.fps
        frame, duration = self.frame(), self.duration()
        self.timecode_label.setText(timecode(frame, fps))
        self.duration_label.setText(timecode(duration, fps))
        first, end = self.marks()
        parts = []
        if first is not None:
            parts.append(f"In {timecode(first, fps)}")
        if end is not None:
            parts.append(f"Out {timecode(end - 1, fps)}")
        self.marks_label.setText("  ".join(parts))
        self.scrub.set_state(duration, frame, (first, end))
