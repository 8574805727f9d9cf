"""Captions for shapes-world clips, from varied templates and synonyms.

Three wordings that never share a template, so adherence can be measured on prompts the model
never saw: `train` (what training uses), `template` (held-out templates, training words) and
`paraphrase` (held-out templates and held-out synonyms, e.g. "crimson ball drifting leftwards").
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
WORDING = {"train": 0, "template": 0, "paraphrase": 1}  # which word list a wording draws from
TEMPLATES = {"train": TRAIN_TEMPLATES, "template": TEMPLATE_EVAL_TEMPLATES,
             "paraphrase": PARAPHRASE_TEMPLATES}


def _pick(rng: np.random.Generator, words: tuple[list[str], list[str]], wording: str) -> str:
    options = words[WORDING[wording]]
    return options[int(rng.integers(len(options)))]


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def object_phrase(obj: ObjectSpec, rng: np.random.Generator, wording: str = "train",
                  full: bool = False) -> str:
    """"a small red circle moving left slowly"; some parts dropped at random unless `full`."""
    look = [_pick(rng, COLOUR_WORDS[obj.colour], wording), _pick(rng, SHAPE_WORDS[obj.shape], wording)]
    if full or rng.random() < 0.5:
        look.insert(0, _pick(rng, SIZE_WORDS[obj.size], wording))
    phrase = _article(" ".join(look))
    if obj.direction == "still":
        return f"{phrase} {_pick(rng, STILL_WORDS, wording)}"
    motion = f"{_pick(rng, VERB_WORDS, wording)} {_pick(rng, DIRECTION_WORDS[obj.direction], wording)}"
    if full or rng.random() < 0.4:
        motion += " " + _pick(rng, SPEED_WORDS[obj.speed], wording)
    return f"{phrase} {motion}"


def caption(clip: ClipSpec, rng: np.random.Generator, wording: str = "train",
            full: bool = False) -> str:
    """A caption naming every object; the background is named in most templates."""
    objects = " and ".join(object_phrase(o, rng, wording, full) for o in clip.objects)
    templates = TEMPLATES[wording]
    template = templates[0] if full else templates[int(rng.integers(len(templates)))]
    return template.format(obj=objects, bg=_pick(rng, BACKGROUND_WORDS[clip.background], wording))
