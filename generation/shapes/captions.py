"""Captions for shapes-world clips, from varied templates and synonyms.

Three wordings that never share a template, so adherence can be measured on prompts the model
never saw: `train` (what training uses), `template` (held-out templates, training words) and
`paraphrase` (held-out templates and held-out synonyms, e.g. "crimson ball drifting leftwards").
`wide` is `train` with many more words and templates, none of them held out.
"""
from __future__ import annotations

import numpy as np

from generation.shapes.world import ClipSpec, ObjectSpec

# concept -> (training words, held-out paraphrase words)
COLOUR_WORDS = {
    "red": (["red", "scarlet"], ["crimson", "ruby"]),
    "green": (["green", "emerald"], ["lime green", "grass green"]),
    "blue": (["blue", "cobalt"], ["azure", "sapphire"]),
    "yellow": (["yellow", "golden"], ["lemon yellow", "canary yellow"]),
    "white": (["white", "snow white"], ["ivory", "milky white"]),
    "orange": (["orange", "tangerine"], ["amber", "pumpkin orange"]),
    "purple": (["purple", "violet"], ["lilac", "plum"]),
    "cyan": (["cyan", "turquoise"], ["aqua", "teal"]),
}
SHAPE_WORDS = {
    "circle": (["circle", "disc", "dot"], ["ball", "round blob", "sphere"]),
    "square": (["square", "block"], ["box", "cube", "tile"]),
    "triangle": (["triangle", "triangular shape"], ["pyramid", "wedge", "three-sided shape"]),
}
SIZE_WORDS = {
    "small": (["small", "little", "tiny"], ["petite", "miniature"]),
    "large": (["large", "big"], ["huge", "giant"]),
}
BACKGROUND_WORDS = {
    "black": (["black"], ["jet black", "pitch dark"]),
    "gray": (["gray", "grey"], ["charcoal", "slate"]),
    "navy": (["navy", "dark blue"], ["midnight blue", "deep blue"]),
    "forest": (["forest green", "dark green"], ["pine green", "deep green"]),
}
# Directions read after a verb ("moving left"); "still" replaces the verb phrase.
DIRECTION_WORDS = {
    "left": (["left", "to the left", "leftward"], ["leftwards", "toward the left side", "westward"]),
    "right": (["right", "to the right", "rightward"], ["rightwards", "toward the right side", "eastward"]),
    "up": (["up", "upward"], ["upwards", "toward the top", "skyward"]),
    "down": (["down", "downward"], ["downwards", "toward the bottom", "earthward"]),
    "up-left": (["up and to the left", "up-left"], ["diagonally toward the top left", "northwest"]),
    "up-right": (["up and to the right", "up-right"], ["diagonally toward the top right", "northeast"]),
    "down-left": (["down and to the left", "down-left"], ["diagonally toward the bottom left", "southwest"]),
    "down-right": (["down and to the right", "down-right"], ["diagonally toward the bottom right", "southeast"]),
}
STILL_WORDS = (["staying still", "not moving", "standing still", "sitting still"],
               ["motionless", "resting in place", "frozen in place"])
VERB_WORDS = (["moving", "sliding", "gliding", "drifting", "going"],
              ["floating", "travelling", "heading", "wandering", "cruising"])
SPEED_WORDS = {
    "slow": (["slowly"], ["leisurely", "gently"]),
    "fast": (["quickly", "fast"], ["rapidly", "swiftly"]),
}

# More training words for the `wide` wording, by concept. A prior that hears many ways to say each
# thing has to lean on what the words mean, not on which words they are, and that is what lets it
# follow wordings it never heard. No word of a held-out phrase is among them (tested).
WIDE_WORDS = {
    "red": ["cherry red", "vermilion", "blood red", "bright red", "brick red"],
    "green": ["jade", "leaf green", "bright green", "kelly green", "mint green"],
    "blue": ["royal blue", "cornflower blue", "bright blue", "ultramarine", "electric blue"],
    "yellow": ["mustard", "sunflower yellow", "bright yellow", "gold", "butter yellow"],
    "white": ["pearl white", "chalk white", "bright white", "pure white", "cream"],
    "orange": ["apricot", "carrot orange", "bright orange", "marigold", "tangerine orange"],
    "purple": ["lavender", "grape", "amethyst", "bright purple", "magenta"],
    "cyan": ["bright cyan", "light cyan", "blue-green", "electric cyan", "glacier blue"],
    "circle": ["orb", "disk", "circular shape", "spot", "circular disk", "globe"],
    "square": ["rectangle", "square shape", "slab", "quadrilateral", "square block", "brick"],
    "triangle": ["arrowhead", "delta shape", "pointed shape", "cone", "triangular block", "spike"],
    "small": ["compact", "wee", "smallish", "teeny"],
    "large": ["massive", "enormous", "oversized", "bulky", "hefty"],
    "black": ["pure black", "sooty black", "raven black", "dark black"],
    "gray": ["smoke gray", "stone gray", "dull gray", "smoky grey", "neutral gray"],
    "navy": ["navy blue", "dark navy", "dusky navy", "night blue"],
    "forest": ["bottle green", "hunter green", "moss green", "dark olive"],
    "left": ["in the left direction", "to the left across the screen", "leftward across the frame"],
    "right": ["in the right direction", "to the right across the screen", "rightward across the frame"],
    "up": ["up the screen", "higher and higher", "in the upward direction"],
    "down": ["down the screen", "lower and lower", "in the downward direction"],
    "up-left": ["up and left", "to the upper left", "up and leftward"],
    "up-right": ["up and right", "to the upper right", "up and rightward"],
    "down-left": ["down and left", "to the lower left", "down and leftward"],
    "down-right": ["down and right", "to the lower right", "down and rightward"],
    "still": ["stationary", "unmoving", "keeping still", "holding still", "at rest"],
    "verb": ["shifting", "flying", "sweeping", "sailing", "coasting", "rolling"],
    "slow": ["at a slow pace", "unhurriedly", "lazily", "calmly"],
    "fast": ["at high speed", "speedily", "briskly", "at a fast pace"],
}

# Templates over one object phrase {obj} and a background phrase {bg}.
TRAIN_TEMPLATES = [
    "{obj} on a {bg} background",
    "{obj}",
    "{bg} background with {obj}",
    "{obj} over {bg}",
    "a video of {obj} on {bg}",
]
TEMPLATE_EVAL_TEMPLATES = [
    "clip: {obj}, background {bg}",
    "{obj} in front of a plain {bg} backdrop",
]
PARAPHRASE_TEMPLATES = [
    "{obj} against a {bg} backdrop",
    "{obj}",
    "footage showing {obj}, the scene is {bg}",
]
WIDE_TEMPLATES = [
    "{obj} with a {bg} background",
    "animation of {obj} on a {bg} background",
    "{obj} on {bg}",
    "a {bg} frame with {obj}",
    "{obj}, {bg} background",
    "rendering of {obj} over a {bg} field",
]
WORDING = {"train": 0, "wide": 0, "template": 0, "paraphrase": 1}  # which word list a wording draws from
TEMPLATES = {"train": TRAIN_TEMPLATES, "wide": TRAIN_TEMPLATES + WIDE_TEMPLATES,
             "template": TEMPLATE_EVAL_TEMPLATES, "paraphrase": PARAPHRASE_TEMPLATES}
TRAINING_WORDINGS = ("train", "wide")


def _pick(rng: np.random.Generator, words: tuple[list[str], list[str]], wording: str,
          concept: str) -> str:
    options = words[WORDING[wording]] + (WIDE_WORDS[concept] if wording == "wide" else [])
    return options[int(rng.integers(len(options)))]


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def object_phrase(obj: ObjectSpec, rng: np.random.Generator, wording: str = "train",
                  full: bool = False) -> str:
    """"a small red circle moving left slowly"; some parts dropped at random unless `full`."""
    look = [_pick(rng, COLOUR_WORDS[obj.colour], wording, obj.colour),
            _pick(rng, SHAPE_WORDS[obj.shape], wording, obj.shape)]
    if full or rng.random() < 0.5:
        look.insert(0, _pick(rng, SIZE_WORDS[obj.size], wording, obj.size))
    phrase = _article(" ".join(look))
    if obj.direction == "still":
        return f"{phrase} {_pick(rng, STILL_WORDS, wording, 'still')}"
    motion = (f"{_pick(rng, VERB_WORDS, wording, 'verb')} "
              f"{_pick(rng, DIRECTION_WORDS[obj.direction], wording, obj.direction)}")
    if full or rng.random() < 0.4:
        motion += " " + _pick(rng, SPEED_WORDS[obj.speed], wording, obj.speed)
    return f"{phrase} {motion}"


def caption(clip: ClipSpec, rng: np.random.Generator, wording: str = "train",
            full: bool = False) -> str:
    """A caption naming every object; the background is named in most templates."""
    return caption_naming(clip, rng, wording, full)[0]


def caption_naming(clip: ClipSpec, rng: np.random.Generator, wording: str = "train",
                   full: bool = False) -> tuple[str, bool]:
    """The caption, and whether it names the background: a bare "{obj}" template leaves the
    background to chance, so an evaluation can't hold a clip to it."""
    objects = " and ".join(object_phrase(o, rng, wording, full) for o in clip.objects)
    templates = TEMPLATES[wording]
    template = templates[0] if full else templates[int(rng.integers(len(templates)))]
    text = template.format(obj=objects, bg=_pick(rng, BACKGROUND_WORDS[clip.background], wording,
                                                 clip.background))
    return text, "{bg}" in template
