"""The editing commands of the timeline that are not drags: split and delete, copy and paste, lift
and extract the marked range, markers, edit points, nudges, switching clips off, match frame, and
the menus of empty track space and of markers.

Each command is a QAction of the window (arrow-key ones belong to the timeline and viewer panels,
so the bin's list and text fields keep their arrows) and runs core edits through the session; a
refused edit reaches the status bar through `Session.failed`.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.timeline import edits, organize
from desktop.timeline.clipboard import Copied, copy_clips, paste
from desktop.timeline.model import TrackKind
from desktop.ui.timeline.drag import MOVE, ClipDrag


class TimelineCommands(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session, self.selection, self.playhead = window.session, window.selection, window.playhead
        self.viewer = window.viewer
        self.copied: Copied | None = None  # what Copy or Cut took, for Paste
        self._build_actions()

    def _say(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # --- actions ------------------------------------------------------------------------------------

    def _action(self, text: str, slot, keys, tip: str = "", panels: bool = False) -> QAction:
        """An action of the window; with `panels`, one whose keys work only while the timeline or
        the viewer has the focus."""
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])])
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        if panels:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for panel in (self.window.timeline, self.viewer):
                panel.addAction(action)
        else:
            self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_cut = a("Cu&t", self.cut_selected, "Ctrl+X")
        self.act_copy = a("&Copy", self.copy_selected, "Ctrl+C")
        self.act_paste = a("&Paste", lambda: self.paste_copied(insert=False), "Ctrl+V",
                           tip="Paste over what is at the playhead")
        self.act_paste_insert = a("Paste &Insert", lambda: self.paste_copied(insert=True), "Ctrl+Shift+V",
                                  tip="Paste at the playhead, pushing later clips right")
        self.act_split = a("S&plit at Playhead", self.split_at_playhead, ["S", "Ctrl+B"])
        self.act_delete = a("&Delete (leave gap)", lambda: self._edit_selected(edits.remove),
                            [QKeySequence.StandardKey.Delete, "Backspace"])
        self.act_ripple_delete = a("&Ripple Delete", lambda: self._edit_selected(edits.ripple_delete),
                                   ["Shift+Delete", "Shift+Backspace"])
        self.act_lift = a("&Lift In to Out", lambda: self._edit_marked(edits.lift), ";",
                          tip="Empty the marked range on every unlocked track, leaving a gap")
        self.act_extract = a("E&xtract In to Out", lambda: self._edit_marked(edits.extract), "'",
                             tip="Cut the marked range out of every unlocked track and close the gap")
        self.act_select_all = a("Select &All", self.select_all, QKeySequence.StandardKey.SelectAll)
        self.act_link = a("&Link Clips", lambda: self._edit_selected(organize.link), "Ctrl+L")
        self.act_unlink = a("U&nlink Clips", lambda: self._edit_selected(organize.unlink), "Ctrl+Shift+L")
        self.act_enable = a("&Enable / Disable Clips", self.toggle_enabled, "Shift+E",
                            tip="Switch the selected clips off (kept in place, no picture or sound) or back on")
        self.act_marker = a("Add or Remove &Marker", self.toggle_marker, "M",
                            tip="Mark the frame at the playhead, or unmark it")
        self.act_next_marker = a("Ne&xt Marker", lambda: self.jump_to_marker(1), "Shift+M")
        self.act_previous_marker = a("Pre&vious Marker", lambda: self.jump_to_marker(-1), "Ctrl+Shift+M")
        self.act_previous_edit = a("Previous &Edit", lambda: self.jump_to_edit(-1), "Up", panels=True)
        self.act_next_edit = a("Next E&dit", lambda: self.jump_to_edit(1), "Down", panels=True)
        self.act_nudge_left = a("Nudge Left", lambda: self.nudge_selected(-1), "Alt+Left", panels=True)
        self.act_nudge_right = a("Nudge Right", lambda: self.nudge_selected(1), "Alt+Right", panels=True)
        self.act_match_frame = a("Match &Frame", self.match_frame, "F", panels=True)

    def edit_menu_groups(self) -> list[list[QAction]]:
        """The Edit menu's groups, after Undo and Redo."""
        return [[self.act_cut, self.act_copy, self.act_paste, self.act_paste_insert],
                [self.act_split, self.act_delete, self.act_ripple_delete, self.act_lift, self.act_extract,
                 self.act_select_all],
                [self.act_link, self.act_unlink, self.act_enable]]

    def timeline_menu_groups(self) -> list[list[QAction]]:
        """The Timeline menu's groups, before adding tracks."""
        return [[self.act_marker, self.act_next_marker, self.act_previous_marker],
                [self.act_previous_edit, self.act_next_edit, self.act_nudge_left, self.act_nudge_right,
                 self.act_match_frame]]

    # --- cutting ------------------------------------------------------------------------------------

    def split_at_playhead(self) -> None:
        ids = self.selection.ids or None
        if ids:
            frame = self.playhead.frame
            ids = [i for i in ids if (c := self.session.project.clip(i)).start < frame < c.end] or None
        self.session.edit(edits.split, self.playhead.frame, ids)

    def _edit_selected(self, fn) -> None:
        ids = self.selection.ids
        if not ids:
            self._say("Select a clip first")
            return
        self.session.edit(fn, ids)

    def _edit_marked(self, edit) -> None:
        """Lift or extract the timeline's I-O range; the playhead goes to its start."""
        first, end = self.viewer.timeline_marks()
        if first is None or end is None:
            self._say("Mark an in (I) and an out (O) on the timeline first")
            return
        steps = self.session.undo_stack.index()
        self.session.edit(edit, first, end)
        if self.session.undo_stack.index() != steps:
            self.playhead.seek(first)

    def select_all(self) -> None:
        self.selection.set([c.id for _, c in self.session.project.all_clips()])

    def toggle_enabled(self) -> None:
        """Switch the selected clips off, or back on when all of them are off."""
        ids = self.selection.ids
        if not ids:
            self._say("Select a clip first")
            return
        all_off = not any(self.session.project.clip(i).enabled for i in ids)
        self.session.edit(organize.set_enabled, ids, all_off)

    def nudge_selected(self, delta: int) -> None:
        """Move the selected clips (with their linked partners) by `delta` frames, one undo step."""
        ids = self.selection.ids
        if not ids:
            self._say("Select a clip first")
            return
        project = self.session.project
        first = project.clip(ids[0])
        self.session.edit(ClipDrag(MOVE, first, project.track_of(first.id).id, others=ids[1:], delta=delta).commit)

    # --- clipboard ----------------------------------------------------------------------------------

    def copy_selected(self) -> bool:
        """Copy the selected clips (with their linked partners) for Paste; True if any were."""
        ids = self.selection.ids
        if not ids:
            self._say("Select a clip first")
            return False
        self.copied = copy_clips(self.session.project, ids)
        count = len(self.copied.clips)
        self._say(f"Copied {count} clip{'' if count == 1 else 's'}", 3000)
        return True

    def cut_selected(self) -> None:
        if self.copy_selected():
            self.session.edit(edits.remove, self.selection.ids)

    def paste_copied(self, insert: bool) -> None:
        """The copied clips at the playhead, on the tracks they came from; the playhead moves to
        their end, so pasting again lays another copy after them."""
        if self.copied is None:
            self._say("Copy or cut a clip first")
            return
        pasted = self.session.edit(paste, self.copied, self.playhead.frame, insert)
        if pasted:
            self.selection.set([c.id for c in pasted])
            self.playhead.seek(max(c.end for c in pasted))

    # --- finding places -----------------------------------------------------------------------------

    def toggle_marker(self) -> None:
        frame = self.playhead.frame
        if any(m.frame == frame for m in self.session.project.markers):
            self.session.edit(organize.remove_marker, frame)
        else:
            self.session.edit(organize.add_marker, frame)

    def jump_to_marker(self, step: int) -> None:
        """The playhead to the next marker after it (`step` 1) or the last one before it (-1)."""
        here = self.playhead.frame
        frames = [m.frame for m in self.session.project.markers if (m.frame - here) * step > 0]
        if not frames:
            self._say(f"No marker {'after' if step > 0 else 'before'} the playhead", 3000)
            return
        self.playhead.seek(min(frames) if step > 0 else max(frames))

    def jump_to_edit(self, step: int) -> None:
        """The playhead to the next cut after it (`step` 1) or the last one before it (-1): any
        clip's first frame or end, on any track."""
        here = self.playhead.frame
        cuts = {f for _, c in self.session.project.all_clips() for f in (c.start, c.end) if (f - here) * step > 0}
        if cuts:
            self.playhead.seek(min(cuts) if step > 0 else max(cuts))

    def match_frame(self) -> None:
        """The file of the clip at the playhead in the viewer's source mode, at the frame the
        timeline shows: the selected clip there, else the topmost picture, else a sound."""
        project, frame = self.session.project, self.playhead.frame
        selected = [project.clip(i) for i in self.selection.ids]
        video = [t.clip_at(frame) for t in reversed(project.tracks) if t.kind is TrackKind.VIDEO and not t.hidden]
        audio = [t.clip_at(frame) for t in project.tracks if t.kind is TrackKind.AUDIO]
        clip = next((c for c in selected + video + audio if c is not None and c.start <= frame < c.end), None)
        if clip is None:
            self._say("No clip at the playhead")
            return
        self.viewer.show_source(clip.media)
        self.viewer.seek(frame - clip.start + clip.source_start)

    # --- menus --------------------------------------------------------------------------------------

    def lane_menu(self, track_id: str, frame: int) -> QMenu:
        """The menu of empty space on a track: close the gap there, or paste there."""
        menu = QMenu(self.window)
        menu.addAction("Close Gap", lambda: self.session.edit(edits.close_gap, track_id, frame))
        paste_here = menu.addAction("Paste Here", lambda: (self.playhead.seek(frame), self.paste_copied(False)))
        paste_here.setEnabled(self.copied is not None)
        return menu

    def marker_menu(self, frame: int) -> QMenu:
        """The menu of the marker at `frame`: rename it, remove it."""
        menu = QMenu(self.window)
        menu.addAction("Rename Marker...", lambda: self.rename_marker(frame))
        menu.addAction("Remove Marker", lambda: self.session.edit(organize.remove_marker, frame))
        return menu

    def rename_marker(self, frame: int) -> None:
        from PySide6.QtWidgets import QInputDialog

        marker = next((m for m in self.session.project.markers if m.frame == frame), None)
        if marker is None:
            return
        name, ok = QInputDialog.getText(self.window, "Rename Marker", "Name:", text=marker.name)
        if ok:
            self.session.edit(organize.rename_marker, frame, name.strip())
