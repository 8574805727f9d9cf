"""The shapes world: rendering, captions that keep held-out wordings apart, and the analyser that
scores generated clips (checked here on ground truth, where it must be right)."""
from __future__ import annotations

import numpy as np
import pytest

from generation.shapes import captions as C
from generation.shapes.analyser import analyse
from generation.shapes.render import render, render_indices
from generation.shapes.world import (COLOURS, DIRECTIONS, PALETTE, SHAPES, SIZE, ClipSpec, ObjectSpec,
                                     sample_clip, sample_object, track)


@pytest.mark.parametrize("shape,fill", [("square", 1.0), ("circle", np.pi / 4), ("triangle", 0.5)])
def test_object_area_matches_its_shape_and_size(shape, fill):
    obj = ObjectSpec("red", shape, "large", "still", "slow", 32.0, 32.0)
    idx = render_indices(ClipSpec("black", (obj,)), 1)
    area = int((idx == list(COLOURS).index("red") + 4).sum())
    expected = fill * (0.25 * SIZE) ** 2
    assert abs(area - expected) / expected < 0.12


def test_frames_hold_only_palette_colours_and_objects_stay_inside():
    rng = np.random.default_rng(0)
    for _ in range(20):
        clip = sample_clip(rng, two_objects=1.0)
        frames = render(clip, 40)
        assert frames.shape == (40, SIZE, SIZE, 3) and frames.dtype == np.uint8
        colours = {tuple(c) for c in frames.reshape(-1, 3)}
        assert colours <= {tuple(c) for c in PALETTE}
        for obj in clip.objects:
            half = obj.extent() / 2
            centres = track(obj, 40)
            assert (centres >= half - 1e-9).all() and (centres <= SIZE - half + 1e-9).all()


def test_fast_objects_move_about_four_percent_of_the_width_per_frame():
    obj = ObjectSpec("red", "circle", "small", "right", "fast", 20.0, 32.0)
    step = np.diff(track(obj, 3)[:, 0])
    assert np.allclose(step, 0.04 * SIZE)


def test_held_out_paraphrase_words_and_templates_never_appear_in_training():
    for table in (C.COLOUR_WORDS, C.SHAPE_WORDS, C.SIZE_WORDS, C.BACKGROUND_WORDS, C.DIRECTION_WORDS,
                  C.SPEED_WORDS):
        for train, held in table.values():
            assert not set(train) & set(held)
    assert not set(C.STILL_WORDS[0]) & set(C.STILL_WORDS[1])
    assert not set(C.VERB_WORDS[0]) & set(C.VERB_WORDS[1])
    assert not set(C.TRAIN_TEMPLATES) & set(C.TEMPLATE_EVAL_TEMPLATES)
    assert not set(C.TRAIN_TEMPLATES) & (set(C.PARAPHRASE_TEMPLATES) - {"{obj}"})


def _words(phrases) -> set[str]:
    return {w for p in phrases for w in p.replace("-", " ").replace(",", " ").split()}


def test_wide_training_words_share_no_content_word_with_held_out_wordings():
    tables = (C.COLOUR_WORDS, C.SHAPE_WORDS, C.SIZE_WORDS, C.BACKGROUND_WORDS, C.DIRECTION_WORDS,
              C.SPEED_WORDS)
    entries = [e for t in tables for e in t.values()] + [C.STILL_WORDS, C.VERB_WORDS]
    train = _words(w for e in entries for w in e[0]) | _words(C.TRAIN_TEMPLATES)
    held = _words(w for e in entries for w in e[1]) | _words(C.PARAPHRASE_TEMPLATES + C.TEMPLATE_EVAL_TEMPLATES)
    function_words = {"a", "an", "the", "in", "of", "is", "{obj}", "{bg}"}
    wide = _words(w for words in C.WIDE_WORDS.values() for w in words) | _words(C.WIDE_TEMPLATES)
    assert not wide & (held - train - function_words)
    assert set(C.WIDE_WORDS) == {k for t in tables for k in t} | {"still", "verb"}


def test_wide_captions_use_the_extra_words_and_still_name_every_object():
    rng = np.random.default_rng(3)
    texts, clips = [], []
    for _ in range(200):
        clip = sample_clip(rng, two_objects=0.5)
        clips.append(clip)
        texts.append(C.caption(clip, rng, "wide", full=True))
    for clip, text in zip(clips, texts):
        for obj in clip.objects:
            for table, key in ((C.COLOUR_WORDS, obj.colour), (C.SHAPE_WORDS, obj.shape)):
                assert any(w in text for w in table[key][0] + C.WIDE_WORDS[key])
    extra = {w for words in C.WIDE_WORDS.values() for w in words}
    assert sum(any(w in t for w in extra) for t in texts) > 150


def test_captions_name_every_object_with_words_of_their_wording():
    rng = np.random.default_rng(1)
    for wording, column in (("train", 0), ("paraphrase", 1)):
        for _ in range(30):
            clip = sample_clip(rng, two_objects=0.5)
            text = C.caption(clip, rng, wording, full=True)
            for obj in clip.objects:
                assert any(w in text for w in C.COLOUR_WORDS[obj.colour][column])
                assert any(w in text for w in C.SHAPE_WORDS[obj.shape][column])


def test_a_caption_says_whether_it_names_the_background():
    """Bare "{obj}" prompts leave the background to chance: the evaluation must know which they are."""
    rng = np.random.default_rng(4)
    every_background_word = [w for words in C.BACKGROUND_WORDS.values() for w in words[0] + words[1]]
    seen = set()
    for wording, column in (("template", 0), ("paraphrase", 1)):
        for _ in range(60):
            clip = sample_clip(rng, two_objects=0.0)
            state = rng.bit_generator.state
            text, named = C.caption_naming(clip, rng, wording)
            rng.bit_generator.state = state
            assert C.caption(clip, rng, wording) == text
            if named:
                assert any(w in text for w in C.BACKGROUND_WORDS[clip.background][column])
            else:
                assert not any(w in text for w in every_background_word)
            seen.add((wording, named))
    assert seen == {("template", True), ("paraphrase", True), ("paraphrase", False)}


def test_analyser_reads_ground_truth_clips_right():
    rng = np.random.default_rng(2)
    for _ in range(60):
        obj = sample_object(rng)
        clip = ClipSpec(str(rng.choice(["black", "gray", "navy", "forest"])), (obj,))
        reading = analyse(render(clip, 16))
        assert reading.background == clip.background
        assert (reading.main.colour, reading.main.shape, reading.main.direction) == (
            obj.colour, obj.shape, obj.direction)
        assert reading.main.centres.shape == (16, 2) and (reading.main.areas > 0).all()


def _ragged(idx: np.ndarray, background: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """Palette indices of a one-object clip with `share` of the pixels on either side of the
    object's edge flipped: stray pixels and nicks, as a decoder leaves them."""
    obj = idx != background
    padded = np.pad(obj, ((0, 0), (1, 1), (1, 1)))
    near = [padded[:, 1 + dy:1 + dy + obj.shape[1], 1 + dx:1 + dx + obj.shape[2]]
            for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))]
    inside = obj & ~np.logical_and.reduce(near)
    outside = ~obj & np.logical_or.reduce(near)
    out = idx.copy()
    out[inside & (rng.random(idx.shape) < share)] = background
    out[outside & (rng.random(idx.shape) < share)] = idx[obj][0]
    return out


def test_analyser_reads_shapes_with_ragged_edges_right():
    # one stray pixel outside an edge widens a bounding box by a pixel: a small square's box fill
    # falls from 1 to 0.83, below a circle's; the fitted ideal shape barely moves
    rng = np.random.default_rng(4)
    for _ in range(45):
        obj = sample_object(rng)
        clip = ClipSpec("navy", (obj,))
        frames = PALETTE[_ragged(render_indices(clip, 16), 2, 0.15, rng)]
        reading = analyse(frames)
        assert (reading.main.shape, reading.main.direction) == (obj.shape, obj.direction)


@pytest.mark.parametrize("power,shape", [(2.0, "circle"), (2.3, "circle"), (4.0, "square"), (12.0, "square")])
def test_analyser_reads_rounded_squares_by_how_round_they_are(power, shape):
    # |x|^p + |y|^p <= r^p: a circle at p=2, a square as p grows; ragged edges make no square rounder
    g = np.arange(SIZE) + 0.5
    frames = np.zeros((8, SIZE, SIZE, 3), np.uint8)
    for t in range(8):
        frames[t][np.abs(g[None, :] - 20 - t) ** power + np.abs(g[:, None] - 30.3) ** power <= 6.5 ** power] = PALETTE[9]
    assert analyse(frames).main.shape == shape


def test_analyser_follows_a_bounce_back_to_the_initial_direction():
    # starts 6 px from the right edge moving right fast: bounces at frame 3 and travels left
    half = 0.15 * SIZE / 2
    obj = ObjectSpec("cyan", "square", "small", "right", "fast", SIZE - half - 6, 30.0)
    frames = render(ClipSpec("navy", (obj,)), 16)
    net = analyse(frames).main.centres[-1, 0] - analyse(frames).main.centres[0, 0]
    assert net < 0  # it ends up left of where it started
    assert analyse(frames).main.direction == "right"


def test_analyser_tells_two_objects_apart():
    a = ObjectSpec("red", "square", "large", "left", "slow", 44.0, 16.0)
    b = ObjectSpec("blue", "triangle", "large", "down", "slow", 16.0, 20.0)
    reading = analyse(render(ClipSpec("gray", (a, b)), 16))
    found = {o.colour: (o.shape, o.direction) for o in reading.objects}
    assert found == {"red": ("square", "left"), "blue": ("triangle", "down")}
    assert set(DIRECTIONS) >= {o.direction for o in reading.objects}
    assert set(SHAPES) >= {o.shape for o in reading.objects}
