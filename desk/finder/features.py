"""What the trained finder model sees of a sentence: its words, their pieces, and cues.

A sentence is read as the lower-cased words of :func:`desk.finder.scoring.tokens` (the same
tokenisation the cues use, so the finder reads a sentence once), numbers reduced to their
kind (``<year>``, ``<num>``). Its features, each a count scaled by one over the square root
of the number of words (so that long sentences do not outvote short ones):

- ``w:`` words; ``p:`` word pairs (``p:<s> the`` for the first word);
- ``c:`` pieces of 3 to 5 characters of each word (with its edges), scaled down by
  :data:`CHAR_SCALE`, which carry endings ("-ed", "-tion") and words the training data never
  spelled the same way;
- ``x:`` kinds of words: numbers, hedges ("may", "reportedly"), first and second person,
  reporting verbs, past tense (each word of the kind counts once more);

and, not scaled, ``k:`` the hand-written cues of :mod:`desk.finder.scoring` (a figure, money,
a dated statement, a question, an opinion …) plus money and percent signs and the length.

Everything a word contributes is a property of the word alone, so the model adds up one
cached number per word (:meth:`desk.finder.model.Model.logit`); :func:`features` gives the
same sum as named features, for the training script (tested). Pure Python: nothing here
imports numpy.
"""

from __future__ import annotations

import math
import re

_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_HEDGES = frozenset("""may might could perhaps possibly probably maybe seems seem appears
    appear likely unlikely allegedly reportedly apparently roughly""".split())
_FIRST = frozenset("i we me us my our i'm we're i've we've i'll we'll i'd we'd".split())
_SECOND = frozenset("you your you're you've you'll".split())
_ATTRIBUTION = frozenset("""said says told according reported reports confirmed announced
    estimated estimates found shows showed claimed stated warned""".split())
CHAR_SIZES = (3, 4, 5)
#: How much a word piece counts beside the word itself.
CHAR_SCALE = 0.3
#: Words counted for the ``k:length`` cue at most.
LONGEST = 60


def shape(token: str) -> str:
    """A token (of :func:`desk.finder.scoring.tokens`) as the model sees it: numbers
    reduced to their kind."""
    if token[0].isdigit():
        return "<year>" if _YEAR.fullmatch(token) else "<num>"
    return token


def char_pieces(token: str) -> list[str]:
    """The ``c:`` feature names of one shaped token (pieces of 3 to 5 characters, edges
    marked)."""
    padded = f" {token} "
    return ["c:" + padded[i:i + size] for size in CHAR_SIZES
            for i in range(len(padded) - size + 1)]


def word_kinds(token: str) -> list[str]:
    """The ``x:`` feature names of one shaped token (what kind of word it is)."""
    kinds = []
    if token[0] == "<":
        kinds.append("x:number")
    elif token in _FIRST:
        kinds.append("x:first_person")
    elif token in _SECOND:
        kinds.append("x:second_person")
    else:
        if token in _HEDGES:
            kinds.append("x:hedge")
        if token in _ATTRIBUTION:
            kinds.append("x:attribution_verb")
        if len(token) > 4 and token.endswith("ed"):
            kinds.append("x:past_tense")
    return kinds


def token_features(token: str) -> list[tuple[str, float]]:
    """(name, unscaled value) of every feature one shaped token carries, pairs aside."""
    return ([("w:" + token, 1.0)] + [(p, CHAR_SCALE) for p in char_pieces(token)]
            + [(k, 1.0) for k in word_kinds(token)])


def sentence_cues(text: str, count: int) -> dict[str, float]:
    """The ``k:`` cues the model adds to :mod:`desk.finder.scoring`'s: money and percent
    signs, and the length (``count`` words)."""
    found = {"length": min(count, LONGEST) / LONGEST}
    if "$" in text or "£" in text or "€" in text:
        found["money_sign"] = 1.0
    if "%" in text:
        found["percent_sign"] = 1.0
    return found


def features(text: str, cues: dict[str, float],
             words: list[str] | None = None) -> dict[str, float]:
    """All features of a sentence, given its :mod:`desk.finder.scoring` cues (and its
    :func:`~desk.finder.scoring.tokens`, when the caller has them)."""
    if words is None:
        from desk.finder.scoring import tokens
        words = tokens(text)
    shaped = [shape(t) for t in words]
    out: dict[str, float] = {}
    if shaped:
        scale = 1 / math.sqrt(len(shaped))
        previous = "<s>"
        for token in shaped:
            for name, value in token_features(token):
                out[name] = out.get(name, 0.0) + value * scale
            pair = f"p:{previous} {token}"
            out[pair] = out.get(pair, 0.0) + scale
            previous = token
    for name, value in cues.items():
        out["k:" + name] = float(value)
    for name, value in sentence_cues(text, len(shaped)).items():
        out["k:" + name] = value
    return out
