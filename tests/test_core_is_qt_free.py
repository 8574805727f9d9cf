"""The core (timeline, media, the generation package) imports neither Qt nor torch."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import importlib, pkgutil, sys
import desktop.timeline, desktop.media, generation
imported = []
for package in (desktop.timeline, desktop.media):
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
print(",".join(imported))
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "torch"))))
"""


def test_core_modules_import_without_qt_or_torch():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    imported, heavy = (result.stdout.splitlines() + ["", ""])[:2]
    for module in ("model", "changes", "history", "edits", "trims", "organize", "invariants", "otio_io"):
        assert f"desktop.timeline.{module}" in imported.split(",")
    assert heavy == "", f"the core imported {heavy}"
