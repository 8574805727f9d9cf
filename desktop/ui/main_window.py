"""The main window (a shell until the editor lands): title, menus, status bar, open a project."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from desktop.errors import UserError


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Framesmith")
        self.resize(1280, 800)
        self.project = None
        self._summary = QLabel("No project open", self)
        self.setCentralWidget(self._summary)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&Quit", self.close)
        self.statusBar().showMessage("Ready")

    def open_project(self, path: str) -> None:
        from desktop.timeline.otio_io import load

        try:
            self.project = load(path)
        except UserError as e:
            QMessageBox.warning(self, "Cannot open project", str(e))
            return
        self.setWindowTitle(f"{self.project.name} - Framesmith")
        self._summary.setText(f"{self.project.name}: {len(self.project.tracks)} tracks")
