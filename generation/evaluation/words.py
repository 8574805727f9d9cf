"""How far the text encoder alone carries a paraphrase.

The prior sees a prompt only through the encoder's token states, so a held-out word ("crimson",
"northwest") is easy to follow when the encoder puts it nearest training words of the same concept
and hard when it puts it nearer another concept's. For each held-out word or phrase of the
paraphrase wording: is its nearest training word or phrase (cosine of the mean token state, over
the training and wide vocabulary the prior learned from) one of the same concept?
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from generation.shapes.captions import (BACKGROUND_WORDS, COLOUR_WORDS, DIRECTION_WORDS, SHAPE_WORDS,
                                        SIZE_WORDS, SPEED_WORDS, WIDE_WORDS)

ATTRIBUTES = {"colour": COLOUR_WORDS, "shape": SHAPE_WORDS, "size": SIZE_WORDS,
              "background": BACKGROUND_WORDS, "direction": DIRECTION_WORDS, "speed": SPEED_WORDS}


@dataclass(frozen=True)
class WordFigures:
    nearest_right: dict[str, float]  # per attribute, the share of held-out words placed right
    examples: tuple[tuple[str, str], ...]  # misses: (held-out word, "nearest training word (its concept)")


def phrase_vectors(encoder, phrases: list[str]) -> torch.Tensor:
    """(N, width) unit vectors: each phrase's token states averaged, [CLS] and [SEP] left out."""
    states, mask = encoder.encode(phrases)
    mask[:, 0] = False
    mask[torch.arange(len(phrases)), mask.sum(1)] = False  # [SEP], the last real token
    mean = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return F.normalize(mean, dim=1)


def evaluate_words(encoder) -> WordFigures:
    """`encoder` is a TextEncoder."""
    right, misses = {}, []
    for attribute, words in ATTRIBUTES.items():
        known = [(w, c) for c, (train, _) in words.items() for w in train + WIDE_WORDS.get(c, [])]
        held = [(w, c) for c, (_, held_out) in words.items() for w in held_out]
        nearest = (phrase_vectors(encoder, [w for w, _ in held])
                   @ phrase_vectors(encoder, [w for w, _ in known]).T).argmax(1).tolist()
        hits = [known[j][1] == c for j, (_, c) in zip(nearest, held)]
        right[attribute] = sum(hits) / len(hits)
        misses += [(w, f"{known[j][0]} ({known[j][1]})") for j, (w, _), hit in zip(nearest, held, hits) if not hit]
    return WordFigures(right, tuple(misses))
