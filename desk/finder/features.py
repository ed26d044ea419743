"""What the trained finder model sees of a sentence: words, word pieces and cues.

A sentence becomes three blocks of named features, each a count scaled by one over the square
root of the block's total count (so that long sentences do not outvote short ones):

- ``w:`` words and word pairs, numbers reduced to their kind (``<money>``, ``<pct>``,
  ``<year>``, ``<num>``) so that "$350 million" and "$4 billion" look alike;
- ``c:`` pieces of 3 to 5 characters of each word (with its edges), which carry endings
  ("-ed", "-tion") and words the training data never spelled the same way;
- ``k:`` the hand-written cues of :mod:`desk.finder.scoring` (a figure, money, a dated
  statement, a question, an opinion …) and a few more: names (capitalised words inside the
  sentence), numbers, attribution verbs, hedges, first and second person, past tense.

:func:`features` gives the whole dict (the training script fits on it); the model scores
with :func:`word_contribution` caches instead, which add up to the same sum (tested).
Pure Python: nothing here imports numpy.
"""

from __future__ import annotations

import math
import re

TOKEN = re.compile(r"[$£€]?\d[\d,.]*%?|[A-Za-z]+(?:['’][a-z]+)?|[?!]")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_HEDGES = frozenset("""may might could perhaps possibly probably maybe seems seem appears
    appear likely unlikely allegedly reportedly apparently roughly""".split())
_FIRST = frozenset("i we me us my our".split())
_SECOND = frozenset("you your".split())
_ATTRIBUTION = frozenset("""said says told according reported reports confirmed announced
    estimated estimates found shows showed claimed stated warned""".split())
CHAR_SIZES = (3, 4, 5)


def shape(token: str) -> str:
    """A token as the model sees it: lower case, numbers reduced to their kind."""
    first = token[0]
    if first.isdigit() or first in "$£€":
        if first in "$£€":
            return "<money>"
        if token.endswith("%"):
            return "<pct>"
        if _YEAR.fullmatch(token):
            return "<year>"
        return "<num>"
    return token.lower()


_SHAPES: dict[str, str] = {}


def words(text: str) -> list[str]:
    """The shaped tokens of a sentence."""
    shapes = _SHAPES
    out = []
    for token in TOKEN.findall(text):
        shaped = shapes.get(token)
        if shaped is None:
            if len(shapes) > 100_000:
                shapes.clear()
            shaped = shapes[token] = shape(token)
        out.append(shaped)
    return out


def word_block(tokens: list[str]) -> list[str]:
    """The ``w:`` feature names of a sentence's tokens (unigrams, then pairs)."""
    names = ["w:" + t for t in tokens]
    previous = "<s>"
    for token in tokens:
        names.append(f"w:{previous} {token}")
        previous = token
    return names


def char_pieces(token: str) -> list[str]:
    """The ``c:`` feature names of one token (pieces of 3 to 5 characters, edges marked)."""
    padded = f" {token} "
    return ["c:" + padded[i:i + size] for size in CHAR_SIZES
            for i in range(len(padded) - size + 1)]


def extra_cues(text: str, tokens: list[str]) -> dict[str, float]:
    """Cues beyond :mod:`desk.finder.scoring`: names, numbers, hedges, person, tense."""
    found: dict[str, float] = {}
    names = 0
    for word in text.split()[1:]:
        if word[:1].isupper():
            names += 1
    if names:
        found["names"] = min(names, 4) / 4
    numbers = first = second = past = 0
    hedge = attribution = False
    for token in tokens:  # one pass (this runs on every sentence of an article)
        if token[0] == "<":
            numbers += 1
        elif token in _FIRST:
            first += 1
        elif token in _SECOND:
            second += 1
        else:
            if len(token) > 4 and token.endswith("ed"):
                past += 1
            if token in _HEDGES:
                hedge = True
            elif token in _ATTRIBUTION:
                attribution = True
    if numbers:
        found["numbers"] = min(numbers, 3) / 3
    if hedge:
        found["hedge"] = 1.0
    if attribution:
        found["attribution_verb"] = 1.0
    if first:
        found["first_person"] = min(first, 3) / 3
    if second:
        found["second_person"] = min(second, 3) / 3
    if past:
        found["past_tense"] = min(past, 3) / 3
    found["length"] = min(len(tokens), 60) / 60
    return found


def features(text: str, cues: dict[str, float]) -> dict[str, float]:
    """All features of a sentence, given its :mod:`desk.finder.scoring` cues."""
    tokens = words(text)
    out: dict[str, float] = {}
    for block in (word_block(tokens), [p for t in tokens for p in char_pieces(t)]):
        if not block:
            continue
        scale = 1 / math.sqrt(len(block))
        for name in block:
            out[name] = out.get(name, 0.0) + scale
    for name, value in cues.items():
        out["k:" + name] = float(value)
    for name, value in extra_cues(text, tokens).items():
        out["k:" + name] = value
    return out
