"""The media bin: the project's imported files with poster frame, name, duration, size, rate, sound.

Import by Ctrl+I (a file dialog), Import Folder, or by dropping files and folders on the bin
(folders are searched recursively). Files are probed on the preview thread; what is not media is
skipped with a one-line message, and everything found is added to the bin as one undo step through
`Session.edit`. Offline files (missing on disk) are shown red and can be relinked to another file.
Generated media carry a badge and show their prompt. Rows drag to the timeline as MEDIA_MIME
(paths, one a line) plus file URLs for other programs. Double-click or Enter asks the viewer to show
the file (`source_requested`); Delete with the bin focused removes the selected files from the bin
(clips already on the timeline keep them).
"""
from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction
from typing import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QFileSystemWatcher,
    QMimeData,
    QModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.media.probe import media_for
from desktop.timeline import organize
from desktop.timeline.history import History
from desktop.timeline.model import Media
from desktop.ui import theme
from desktop.ui.previews import Previews
from desktop.ui.session import Session
from desktop.ui.timeline.layout import timecode
from desktop.ui.timeline.widget import MEDIA_MIME
from desktop.ui.workers import Worker

COLUMNS = ("Name", "Duration", "Size", "FPS", "Audio")
ICON = QSize(64, 36)
COMPACT_WIDTH = 460  # narrower than this, the details go under the name instead of in columns
GENERATED_BADGE = "\u2726"
MEDIA_FILTER = ("Media files (*.mp4 *.mov *.mkv *.webm *.avi *.m4v *.mpg *.mpeg *.mts *.m2ts *.wav *.mp3 "
                "*.m4a *.aac *.flac *.ogg *.opus);;All files (*)")
MEDIA_ROLE = Qt.ItemDataRole.UserRole


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def add_to_bin(history: History, media: Sequence[Media]) -> int:
    """Add several files to the bin as one undo step (a core edit made of organize.add_media);
    returns how many."""
    with history.transaction(f"Import {_plural(len(media), 'file')}"):
        for m in media:
            organize.add_media(history, m)
    return len(media)


def remove_from_bin(history: History, paths: Sequence[str]) -> int:
    """Take several files out of the bin as one undo step; returns how many."""
    with history.transaction(f"Remove {_plural(len(paths), 'file')} from bin"):
        for path in paths:
            organize.remove_media(history, path)
    return len(paths)


def media_files(paths: Sequence[str]) -> list[str]:
    """The files named, folders replaced by the files under them (sorted, hidden ones skipped)."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out += [os.path.join(folder, f) for f in sorted(files) if not f.startswith(".")]
        else:
            out.append(path)
    return [os.path.abspath(p) for p in dict.fromkeys(out)]


def probe_files(paths: Sequence[str], fps: Fraction, progress, cancel) -> tuple[list[Media], list[str]]:
    """Probe every file (folders searched): (the media found, a 'name: reason' per file skipped)."""
    files = media_files(paths)
    found, skipped = [], []
    for i, path in enumerate(files):
        if cancel():
            break
        try:
            found.append(media_for(path, fps))
        except UserError as e:
            reason = str(e).removeprefix(f"{path}: ")
            skipped.append(f"{os.path.basename(path)}: {reason}")
        progress(i + 1, len(files))
    return found, skipped


class BinModel(QAbstractTableModel):
    """The bin's files as rows; offline state is re-checked when their folders change."""

    def __init__(self, session: Session, previews: Previews) -> None:
        super().__init__()
        self.session = session
        self.previews = previews
        self.rows: list[Media] = []
        self.compact = False  # details on a second line of the name, for a narrow bin
        self._offline: list[bool] = []
        self._posters: dict[str, QPixmap] = {}
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self.refresh_status)
        self._watcher.fileChanged.connect(self.refresh_status)
        session.changed.connect(self.refresh)
        previews.ready.connect(self._posters_ready)
        self.refresh()

    def refresh(self) -> None:
        """Follow the project's bin (after an edit, undo, redo or a new project)."""
        rows = list(self.session.project.bin)
        if rows == self.rows:
            self.refresh_status()
            return
        self.beginResetModel()
        self.rows = rows
        self._offline = [m.offline for m in rows]
        self.endResetModel()
        folders = {os.path.dirname(m.path) or "." for m in rows}
        watched = set(self._watcher.directories())
        if watched - folders:
            self._watcher.removePaths(list(watched - folders))
        existing = [f for f in folders - watched if os.path.isdir(f)]
        if existing:
            self._watcher.addPaths(existing)

    def refresh_status(self, *_) -> None:
        """Re-check which files are offline (a file was moved, deleted or came back)."""
        for row, media in enumerate(self.rows):
            offline = media.offline
            if offline != self._offline[row]:
                self._offline[row] = offline
                self._posters.pop(media.path, None)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def is_offline(self, row: int) -> bool:
        return self._offline[row]

    def _posters_ready(self) -> None:
        for row, media in enumerate(self.rows):
            if media.path not in self._posters and media.has_video and not self._offline[row]:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0), [Qt.ItemDataRole.DecorationRole])

    def _poster(self, media: Media):
        pixmap = self._posters.get(media.path)
        if pixmap is None:
            image = self.previews.poster(media, ICON.height())
            if image is None:
                return None
            if image.width() > ICON.width():
                image = image.scaledToWidth(ICON.width(), Qt.TransformationMode.SmoothTransformation)
            pixmap = QPixmap(ICON)  # every poster in the same box, so the names line up
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.drawImage((ICON.width() - image.width()) // 2, (ICON.height() - image.height()) // 2, image)
            painter.end()
            self._posters[media.path] = pixmap
        return pixmap

    # --- QAbstractTableModel ----------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        media, col = self.rows[index.row()], index.column()
        offline = self._offline[index.row()]
        if role == MEDIA_ROLE:
            return media
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(media, col, offline)
        if role == Qt.ItemDataRole.EditRole:  # sort keys
            return (media.name.lower(), media.duration, (media.width or 0) * (media.height or 0),
                    float(media.rate or 0), media.has_audio)[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if offline:
                return theme.PLAYHEAD
            if col == 0 and media.provenance is not None:
                return theme.GENERATED_CLIP.lighter(160)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(media, offline)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            style = QApplication.style()
            if offline:
                return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            if not media.has_video:
                return style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume)
            return self._poster(media)
        return None

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            if self.rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def _text(self, media: Media, col: int, offline: bool) -> str:
        if col == 0:
            badge = f"{GENERATED_BADGE} " if media.provenance is not None else ""
            name = f"{badge}{media.name}" + ("  (offline)" if offline else "")
            if not self.compact:
                return name
            details = [self._text(media, 1, offline)]
            if media.width and media.height:
                details += [self._text(media, 2, offline), f"{self._text(media, 3, offline)} fps"]
            if media.has_audio:
                details.append("\u266a")  # has sound
            return f"{name}\n{'  '.join(details)}"
        if col == 1:
            return timecode(media.duration, self.session.project.fps)
        if col == 2:
            return f"{media.width}x{media.height}" if media.width and media.height else "-"
        if col == 3:
            return f"{float(media.rate):.5g}" if media.rate else "-"
        return "yes" if media.has_audio else "no"

    def _tooltip(self, media: Media, offline: bool) -> str:
        lines = [media.path]
        if offline:
            lines.append("Offline: the file is not there. Right-click > Relink... to point at it.")
        p = media.provenance
        if p is not None:
            lines.append(f"Generated from: \u201c{p.prompt}\u201d")
            lines.append(f"seed {p.seed}, model {p.model}" + (f", {p.created}" if p.created else ""))
        return "\n".join(lines)

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt)
        return [MEDIA_MIME, "text/uri-list"]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802 (Qt)
        paths = list(dict.fromkeys(self.rows[i.row()].path for i in indexes if i.isValid()))
        mime = QMimeData()
        mime.setData(MEDIA_MIME, "\n".join(paths).encode())
        mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
        return mime

    def supportedDragActions(self):  # noqa: N802 (Qt)
        return Qt.DropAction.CopyAction


class BinView(QTreeView):
    """The rows; accepts files and folders dropped from outside, and keeps Delete for itself
    while focused (the window's Delete removes timeline clips)."""

    files_dropped = Signal(list)
    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setIconSize(ICON)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    @staticmethod
    def _external_paths(event) -> list[str]:
        mime = event.mimeData()
        if mime.hasFormat(MEDIA_MIME):  # our own rows: nothing to import
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._external_paths(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._external_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt)
        paths = self._external_paths(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()

    def event(self, event) -> bool:
        if event.type() == event.Type.ShortcutOverride and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class MediaBin(QWidget):
    source_requested = Signal(object)  # Media: show it in the viewer's source mode
    status = Signal(str)  # a line for the window's status bar
    imported = Signal(list)  # the Media just added
    relinked = Signal(str, str)  # old path, new path

    def __init__(self, session: Session, previews: Previews | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.previews = previews or Previews(session, parent=self)
        self.model = BinModel(session, self.previews)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)

        self.view = BinView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.view.activated.connect(self._activated)
        self.view.files_dropped.connect(self.import_paths)
        self.view.delete_pressed.connect(self.remove_selected)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)

        self.import_action = QAction("&Import Media...", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.import_action.setStatusTip("Add files to the media bin")
        self.import_action.triggered.connect(self.import_dialog)
        self.import_folder_action = QAction("Import &Folder...", self)
        self.import_folder_action.triggered.connect(self.import_folder_dialog)
        self.relink_action = QAction("&Relink...", self)
        self.relink_action.setStatusTip("Point an offline file at where it is now")
        self.relink_action.triggered.connect(self.relink_dialog)
        self.remove_action = QAction("Remove from &Bin", self)
        self.remove_action.setStatusTip("Remove the selected files from the bin (Delete in the bin)")
        self.remove_action.triggered.connect(self.remove_selected)
        self.addAction(self.import_action)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        import_button = QToolButton()
        import_button.setDefaultAction(self.import_action)
        import_button.setText("Import...")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(import_button)
        self.message_label = QLabel()
        self.message_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message_label)
        self.setFocusProxy(self.view)
        self.session.changed.connect(self._update_actions)
        self._update_actions()
        self._say(f"{_plural(len(self.model.rows), 'file')}" if self.model.rows else "Drop files or folders here")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        compact = self.width() < COMPACT_WIDTH
        self.model.set_compact(compact)
        for col in range(1, len(COLUMNS)):
            self.view.setColumnHidden(col, compact)

    # --- selection ----------------------------------------------------------------------------------

    def selected_media(self) -> list[Media]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def select_paths(self, paths: Sequence[str]) -> None:
        """Select the rows of these files (for keyboard users and tests)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        for row, media in enumerate(self.model.rows):
            if media.path in paths:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
                selection.setCurrentIndex(index, selection.SelectionFlag.NoUpdate)

    def _update_actions(self, *_) -> None:
        chosen = self.selected_media()
        self.remove_action.setEnabled(bool(chosen))
        self.relink_action.setEnabled(len(chosen) == 1)

    def _activated(self, index: QModelIndex) -> None:
        self.source_requested.emit(self.model.rows[self.proxy.mapToSource(index).row()])

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addActions([self.import_action, self.import_folder_action])
        menu.addSeparator()
        menu.addActions([self.relink_action, self.remove_action])
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # --- import -------------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import Media", "", MEDIA_FILTER)
        if paths:
            self.import_paths(paths)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import Folder")
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: Sequence[str]) -> Worker:
        """Probe the files (folders searched) off the UI thread, then add the media found to the
        bin as one undo step. Emits `imported` (possibly empty) and a one-line `status`."""
        paths = list(paths)
        fps = self.session.project.fps
        worker = Worker(lambda progress, cancel: probe_files(paths, fps, progress, cancel))
        worker.progress.connect(lambda done, total: self._say(f"Importing {done}/{total}..."))
        worker.succeeded.connect(lambda result: self._probed(paths, fps, *result))
        worker.failed.connect(lambda message: self._say(f"Import failed: {message}"))
        self._say("Importing...")
        return worker.start()

    def _probed(self, paths: list[str], fps: Fraction, found: list[Media], skipped: list[str]) -> None:
        if fps != self.session.project.fps:  # another project was opened meanwhile: its frames differ
            self.import_paths(paths)
            return
        in_bin = {m.path for m in self.session.project.bin}
        new = [m for m in found if m.path not in in_bin]
        skipped += [f"{m.name}: already in the bin" for m in found if m.path in in_bin]
        added = bool(new) and self.session.edit(add_to_bin, new) is not None
        parts = [f"Imported {_plural(len(new), 'file')}" if added else "Nothing imported"]
        if skipped:
            parts.append(f"skipped {len(skipped)} ({skipped[0]}{', ...' if len(skipped) > 1 else ''})")
        self._say("; ".join(parts))
        self.imported.emit(new if added else [])
        if added:
            self.select_paths([m.path for m in new])

    # --- relink and remove --------------------------------------------------------------------------

    def relink_dialog(self) -> None:
        chosen = self.selected_media()
        if len(chosen) != 1:
            return
        old = chosen[0].path
        start = os.path.dirname(old) if os.path.isdir(os.path.dirname(old)) else ""
        path, _ = QFileDialog.getOpenFileName(self, f"Relink {os.path.basename(old)}", start, MEDIA_FILTER)
        if path:
            self.relink(old, path)

    def relink(self, old_path: str, new_path: str) -> Worker:
        """Probe `new_path` off the UI thread, then point the bin entry and every clip of
        `old_path` at it (one undo step). Emits `relinked` when done, a `status` line either way."""
        fps = self.session.project.fps
        worker = Worker(lambda progress, cancel: media_for(new_path, fps))
        worker.succeeded.connect(lambda media: self._relink_probed(old_path, media))
        worker.failed.connect(lambda message: self._say(f"Cannot relink: {message}"))
        return worker.start()

    def _relink_probed(self, old_path: str, media: Media) -> None:
        old = next((m for m in self.session.project.media_list() if m.path == old_path), None)
        if old is not None and old.provenance is not None and media.provenance is None:
            media = replace(media, provenance=old.provenance)
        count = self.session.edit(organize.relink, old_path, media)
        if count is None:
            self._say(f"Cannot relink {os.path.basename(old_path)} (see the status bar)")
            return
        self._say(f"Relinked {os.path.basename(old_path)} to {media.path} ({_plural(count, 'clip')})")
        self.relinked.emit(old_path, media.path)

    def remove_selected(self) -> None:
        paths = [m.path for m in self.selected_media()]
        if paths and self.session.edit(remove_from_bin, paths) is not None:
            self._say(f"Removed {_plural(len(paths), 'file')} from the bin")

    # --- helpers ------------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
        self.status.emit(text)
