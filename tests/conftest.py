"""Shared test setup: Qt offscreen, and the real clips in ../shared/media when they exist."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Tiny models in tests run fastest on one thread, and two OpenMP threads fight whatever else runs
# on a 2-core machine (measured: a tiny pipeline call 0.05 s on one thread, 2.6 s on two).
os.environ.setdefault("OMP_NUM_THREADS", "1")

SHARED_MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media"


@pytest.fixture
def shared_media() -> Path:
    """The folder of real clips beside the checkout; tests that need it skip in a user's clone."""
    if not SHARED_MEDIA.is_dir():
        pytest.skip(f"real clips not available ({SHARED_MEDIA} is absent in a user's clone)")
    return SHARED_MEDIA


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread(request):
    """In Qt tests, Python's garbage collector runs on the UI thread only, as in the editor
    (desktop/ui/collector.py): collected on a worker thread, a Qt object can crash the run."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("qapp")
    from desktop.ui.collector import collecting_on_the_ui_thread

    with collecting_on_the_ui_thread():
        yield
