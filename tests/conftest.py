"""Shared test setup: Qt offscreen, and the real clips in ../shared/media when they exist."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media"


@pytest.fixture
def shared_media() -> Path:
    """The folder of real clips beside the checkout; tests that need it skip in a user's clone."""
    if not SHARED_MEDIA.is_dir():
        pytest.skip(f"real clips not available ({SHARED_MEDIA} is absent in a user's clone)")
    return SHARED_MEDIA
