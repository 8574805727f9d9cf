"""The player is Qt-free (desktop.playback imports neither Qt nor torch), so it runs headless."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import importlib, pkgutil, sys
import desktop.playback
names = [info.name for info in pkgutil.iter_modules(desktop.playback.__path__, "desktop.playback.")]
for name in names:
    importlib.import_module(name)
print(",".join(names))
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "torch"))))
"""


def test_playback_imports_neither_qt_nor_torch():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    imported, heavy = (result.stdout.splitlines() + ["", ""])[:2]
    assert {"desktop.playback.player", "desktop.playback.sound"} <= set(imported.split(","))
    assert heavy == "", f"desktop.playback imported {heavy}"
