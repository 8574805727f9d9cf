"""The public API on a tiny untrained model in the shipped layout (real prompt encoder): sizes,
rates and lengths of what comes back, seeds, progress, cancel, and one-line errors."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from desktop.errors import UserError
from generation import api, backends
from generation.builtin import BuiltinModel
from generation.progress import Cancelled, Progress
from generation.tiny import write_tiny_model
from generators import run


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, monkeypatch_module):
    model = BuiltinModel.load(write_tiny_model(tmp_path_factory.mktemp("tiny")))
    monkeypatch_module.setattr(backends, "load_backend", lambda name, device=None: model)
    return model


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_generate_returns_one_clip_per_take_at_the_asked_size_and_rate(tiny):
    clips = api.generate("a red circle moving left", seconds=1.5, seed=3, takes=2, size=48, fps=30)
    assert len(clips) == 2
    for clip in clips:
        assert clip.shape == (45, 48, 48, 3) and clip.dtype == np.uint8
    assert not np.array_equal(clips[0], clips[1])


def test_native_defaults_and_seeds(tiny):
    a = api.generate("a blue square", seconds=1, seed=5)[0]
    assert a.shape == (8, 64, 64, 3)
    assert np.array_equal(a, api.generate("a blue square", seconds=1, seed=5)[0])
    assert not np.array_equal(a, api.generate("a blue square", seconds=1, seed=6)[0])


def test_generate_iter_yields_progress_then_returns_frames(tiny):
    events, clips = run(api.generate_iter("a green triangle", seconds=0.5, seed=0))
    assert all(isinstance(e, Progress) for e in events) and events[-1].fraction == 1.0
    assert clips[0].shape == (4, 64, 64, 3)


def test_builtin_progress_carries_a_preview_picture_per_latent_slice(tiny):
    events, _ = run(tiny.generate_iter("a green triangle", frames=8, seed=0))
    assert all(callable(e.preview) for e in events if e.preview is not None)  # decoded only when asked
    pictures = [e.picture() for e in events if e.preview is not None]
    per_slice = tiny.prior.cfg.codes_per_slice
    assert len(pictures) == len(events) // per_slice == 3  # 8 frames = 2 slices, plus one look-ahead
    palette = {tuple(c) for c in tiny.vqvae.cfg.palette}
    for picture in pictures:
        assert picture.shape == (64, 64, 3) and picture.dtype == np.uint8
        assert {tuple(c) for c in picture.reshape(-1, 3)} <= palette


def test_cancel_stops_generation(tiny):
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        api.generate("a red dot", seconds=2, seed=0, should_cancel=cancel)
    assert len(calls) == 4


def test_extend_continues_at_the_input_size_and_rate(tiny):
    frames = np.zeros((20, 36, 48, 3), dtype=np.uint8)
    frames[:, 10:20, 5:15] = (230, 40, 40)
    new = api.extend(frames, fps=Fraction(24), seconds=1, seed=1, context_frames=12)
    assert new.shape == (24, 36, 48, 3) and new.dtype == np.uint8
    # at 24 fps the first two new frames come before the model's first new frame (1/8 s later)
    assert np.array_equal(new[0], frames[-1]) and np.array_equal(new[1], frames[-1])
    again = api.extend(frames, fps=Fraction(24), seconds=1, seed=1, context_frames=12)
    assert np.array_equal(new, again)


@pytest.mark.parametrize("call,message", [
    (lambda: api.generate("   "), "prompt is empty"),
    (lambda: api.generate("a red dot", seconds=0), "seconds"),
    (lambda: api.generate("a red dot", seconds=float("nan")), "seconds"),
    (lambda: api.generate("a red dot", seed=-1), "seed"),
    (lambda: api.generate("a red dot", takes=0), "takes"),
    (lambda: api.generate("a red dot", size=3), "size"),
    (lambda: api.generate("a red dot", fps=0), "fps"),
    (lambda: api.extend(np.zeros((2, 8, 8), np.uint8), 8), "frames shaped"),
    (lambda: api.extend(np.zeros((2, 8, 8, 3), np.uint8), 8, seconds=-1), "seconds"),
])
def test_bad_requests_raise_user_errors(tiny, call, message):
    with pytest.raises(UserError, match=message):
        call()


def test_registry_lists_the_builtin_backend_first():
    infos = backends.list_backends()
    assert infos[0].name == "builtin"
    assert set(infos[0].capabilities) == {"generate", "extend"}
    assert infos[0].device in ("cpu", "cuda", "mps")
    with pytest.raises(UserError, match="unknown model"):
        backends.backend_info("nope")


def test_missing_weights_are_a_user_error(tmp_path):
    with pytest.raises(UserError, match="weights are missing"):
        BuiltinModel.load(tmp_path)
