"""The evaluation script on a tiny model: every part runs and prints its figures, and the
adherence figures add up (the per-shape breakdown matches the overall shape figure)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from generation.shapes.world import DIRECTIONS, SHAPES
from generation.tiny import write_tiny_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_model(tmp_path_factory.mktemp("tiny"))


def test_adherence_figures_break_shape_down_by_the_shape_asked_for(tiny):
    from generation.builtin import BuiltinModel
    from generation.evaluation.adherence import eval_prompts, evaluate_adherence

    model = BuiltinModel.load(tiny)
    figures = evaluate_adherence(model, "template", n=6, batch=3)
    specs = [spec.objects[0] for _, spec, _ in eval_prompts("template", 6)]
    for overall, by_kind, asked, kinds in ((figures.shape, figures.shape_by_kind, [o.shape for o in specs], SHAPES),
                                           (figures.direction, figures.direction_by_kind,
                                            [o.direction for o in specs], DIRECTIONS)):
        assert set(by_kind) == set(asked) <= set(kinds)
        assert overall == pytest.approx(sum(by_kind[k] * asked.count(k) for k in by_kind) / 6)
    for value in (figures.colour, figures.shape, figures.direction, figures.background, figures.all_three):
        assert 0.0 <= value <= 1.0
    assert figures.all_three <= min(figures.colour, figures.shape, figures.direction)


@pytest.fixture
def torch_threads():
    """The script sets torch's thread count for the whole process: put it back for later tests."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_evaluate_prints_every_part(tiny, capsys, torch_threads):
    from generation.evaluate import main

    assert main(["--weights", str(tiny), "--prompts", "2", "--clips", "2", "--recon-clips", "2",
                 "--guidance", "0", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    for title in ("== tokenizer", "== text encoder", "== adherence, template prompts, guidance 0.0",
                  "== adherence, paraphrase prompts", "== extension, with caption", "== speed"):
        assert title in out
    psnr = float(next(line for line in out.splitlines() if line.strip().startswith("psnr:")).split(":")[1])
    assert np.isfinite(psnr) and psnr > 0
    assert "shape_by_kind:" in out and "direction_by_kind:" in out


def test_evaluate_runs_only_the_wording_asked_for_and_gives_its_standard_error(tiny, capsys, torch_threads):
    from generation.evaluate import main

    assert main(["--weights", str(tiny), "--only", "adherence", "--wording", "template", "--prompts", "4",
                 "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "== adherence, template prompts" in out and "paraphrase" not in out
    # sqrt(0.8 * 0.2 / 4) = 20 points; sqrt(0.25 / 4) = 25
    assert "standard error of a share of 4 prompts: 20.0 points at 80%, 25.0 at 50%" in out


def test_encoder_word_figures_count_each_held_out_word_once():
    from generation.evaluation.words import ATTRIBUTES, evaluate_words, phrase_vectors
    from generation.text_encoder import TextEncoder

    encoder = TextEncoder()
    figures = evaluate_words(encoder)
    assert set(figures.nearest_right) == set(ATTRIBUTES)
    held = {a: sum(len(h) for _, h in words.values()) for a, words in ATTRIBUTES.items()}
    missed = sum(round((1 - figures.nearest_right[a]) * n) for a, n in held.items())
    assert missed == len(figures.examples)
    # a phrase's vector is the mean of its word tokens' states, without [CLS] and [SEP]
    states, _ = encoder.encode(["deep blue"])
    expected = torch.nn.functional.normalize(states[0, 1:-1].mean(0), dim=0)
    assert torch.allclose(phrase_vectors(encoder, ["deep blue", "a"])[0], expected, atol=1e-6)


@pytest.mark.parametrize("x,start,bounces", [(10.0, 0, False), (30.0, 0, True), (10.0, 5, True),
                                            (10.0, 20, False)])
def test_extension_tells_clips_that_bounce_in_the_predicted_second(x, start, bounces):
    """Fast right at 2.56 px a frame, a large object (16 px) turns at x=56 and at x=8: from x=10 it
    turns in frame 18 and frame 37 of its motion. The steps to check run from frame 7 to 15 of
    the window, frame start + 7 to start + 15 of the motion."""
    from generation.evaluation.extension import steady
    from generation.shapes.world import ClipSpec, ObjectSpec

    obj = ObjectSpec("red", "circle", "large", "right", "fast", x, 32.0)
    assert steady(ClipSpec("black", (obj,)), start, 8, 16) is not bounces


def test_int8_figures_compare_the_two_weights_and_leave_the_prior_in_float(tiny, capsys, torch_threads):
    from generation.evaluate import main
    from generation.evaluation.int8 import evaluate_int8
    from generation.prior.int8 import int8_available
    from generation.prior.loading import load_prior
    from generation.vqvae.loading import load_vqvae

    if not int8_available():
        pytest.skip("this torch build has no quantised CPU kernels")
    prior = load_prior(tiny / "prior.safetensors")
    figures = evaluate_int8(prior, load_vqvae(tiny / "vqvae.safetensors"), clips=4)
    assert figures.loss_int8 == pytest.approx(figures.loss_float32, rel=0.05)
    assert figures.loss_change == pytest.approx(figures.loss_int8 / figures.loss_float32 - 1)
    assert 0.8 <= figures.same_first_level_picks <= 1.0
    assert any(type(m) is torch.nn.Linear for m in prior.modules())  # the caller's prior stays float
    assert main(["--weights", str(tiny), "--only", "int8", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "== int8 against float32" in out and "sampling:" not in out  # no sampler loaded for it
