"""The dark theme: a Fusion palette plus a small style sheet, and the colours views paint with."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "theme" / "dark.qss"

WINDOW = QColor(37, 38, 41)
BASE = QColor(28, 29, 31)
PANEL = QColor(45, 46, 50)
TEXT = QColor(220, 221, 224)
DIM_TEXT = QColor(140, 142, 148)
ACCENT = QColor(72, 144, 232)
PLAYHEAD = QColor(235, 70, 60)
VIDEO_CLIP = QColor(61, 103, 160)
AUDIO_CLIP = QColor(58, 128, 96)
GENERATED_CLIP = QColor(140, 86, 190)
OFFLINE_CLIP = QColor(150, 60, 60)
SELECTION = QColor(250, 200, 70)
MARKER = QColor(90, 200, 140)


def apply(app: QApplication) -> None:
    """Give the whole application the dark look."""
    app.setStyle("Fusion")
    p = QPalette()
    p.setColor(QPalette.ColorRole.Window, WINDOW)
    p.setColor(QPalette.ColorRole.WindowText, TEXT)
    p.setColor(QPalette.ColorRole.Base, BASE)
    p.setColor(QPalette.ColorRole.AlternateBase, PANEL)
    p.setColor(QPalette.ColorRole.ToolTipBase, PANEL)
    p.setColor(QPalette.ColorRole.ToolTipText, TEXT)
    p.setColor(QPalette.ColorRole.Text, TEXT)
    p.setColor(QPalette.ColorRole.Button, PANEL)
    p.setColor(QPalette.ColorRole.ButtonText, TEXT)
    p.setColor(QPalette.ColorRole.Highlight, ACCENT)
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.PlaceholderText, DIM_TEXT)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, DIM_TEXT)
    app.setPalette(p)
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text())
