"""The trained check-worthiness model: a logistic model over :mod:`desk.finder.features`.

The weights live in ``model.json`` beside this module (written by
``scripts/train_finder.py``; which data trained them and under which licence is recorded in the
file and in the README). The model is read on first use (:func:`shipped`), never at start-up,
and scores in pure Python: the sum of the weights of a sentence's features, blended with the
hand-weighted cue score of :mod:`desk.finder.scoring` (``rules_share``), shifted so that 0.5 is
the threshold chosen on validation folds, through the logistic function.

Word and word-piece contributions are cached per word, so a megabyte of text costs a few
dictionary lookups per word. A desk's own decisions add a second, small set of weights on
top (:mod:`desk.finder.learning`): ``Model.with_delta``.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from pathlib import Path

from desk.finder import features as feats
from desk.finder import scoring

MODEL_FILE = Path(__file__).with_name("model.json")

#: How a cue feature is said in a suggestion's reasons (when it pushed the score up or down).
CUE_WORDS: dict[str, tuple[str, str]] = {
    # name: (said when it raises the score, said when it lowers it)
    "figure": ("states a figure", ""),
    "money_or_percent": ("a figure with a unit (money or a percentage)", ""),
    "duration": ("", "the figure is a duration or a count of times"),
    "address": ("", "addresses someone (moderation)"),
    "quantity": ("words of quantity", ""),
    "change": ("a change (rose, fell, cut)", ""),
    "comparison": ("a comparison", ""),
    "subject": ("a policy or statistics subject", ""),
    "fact_verb": ("says what was done (voted, signed, paid)", ""),
    "reported_act": ("says what someone did or said", ""),
    "time_anchor": ("dated", ""),
    "attributed": ("attributed to a source", ""),
    "named": ("names people or places", ""),
    "number": ("numbers", ""),
    "money_sign": ("an amount of money", ""),
    "percent_sign": ("a percentage", ""),
    "attribution_verb": ("a reporting verb (said, according to)", ""),
    "past_tense": ("past tense: something that happened", ""),
    "long": ("", ""),
    "length": ("", ""),
    "question": ("", "a question"),
    "opinion": ("", "an opinion or a promise"),
    "modal": ("", "a modal verb (should, would, will)"),
    "small_talk": ("", "small talk"),
    "short": ("", "very short"),
    "hedge": ("", "hedged (may, perhaps, likely)"),
    "first_person": ("", "speaks of I or we"),
    "second_person": ("", "speaks to you"),
}


#: Tokens whose weights (or shapes) a model remembers at most.
_REMEMBERED = 300_000


class _TokenWeights(dict[str, float]):
    """The weight of each token as first met (a dict, so that a sentence's sum of weights
    runs in C: ``sum(map(weights.__getitem__, words))``)."""

    def __init__(self, weigh: Callable[[str], float]) -> None:
        super().__init__()
        self._weigh = weigh

    def __missing__(self, token: str) -> float:
        value = self._weigh(token)
        if len(self) < _REMEMBERED:
            self[token] = value
        return value


class _Shapes(dict[str, str]):
    """Tokens as the model sees them (:func:`desk.finder.features.shape`), remembered."""

    def __missing__(self, token: str) -> str:
        value = feats.shape(token)
        if len(self) < _REMEMBERED:
            self[token] = value
        return value


_SHAPES = _Shapes()


class _Kinds(dict[str, tuple[str, ...]]):
    """The ``x:`` kinds of each token (:func:`desk.finder.features.word_kinds`), remembered."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        value = tuple(feats.word_kinds(_SHAPES[token]))
        if len(self) < _REMEMBERED:
            self[token] = value
        return value


_KINDS = _Kinds()


@dataclass
class Model:
    """Weights by feature name, a bias, and the threshold that 0.5 stands for."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    rules_share: float = 0.0
    info: dict[str, object] = field(default_factory=dict)
    _token_cache: _TokenWeights | None = field(default=None, repr=False)
    _pairs: dict[tuple[str, str], float] | None = field(default=None, repr=False)
    _last: tuple[str, list[str], float] | None = field(default=None, repr=False)
    _pattern_gain: float | None = field(default=None, repr=False)
    _blend: tuple[dict[str, float], float, dict[str, float]] | None = field(default=None,
                                                                            repr=False)
    _telling: dict[str, float] | None = field(default=None, repr=False)
    _cheap: tuple[str, dict[str, float], float] | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        """A model from the dict that :meth:`to_json` gives."""
        return cls(weights={str(k): float(v) for k, v in dict(data["weights"]).items()},
                   bias=float(data["bias"]),  # type: ignore[arg-type]
                   threshold=float(data.get("threshold", 0.5)),  # type: ignore[arg-type]
                   rules_share=float(data.get("rules_share", 0.0)),  # type: ignore[arg-type]
                   info={k: v for k, v in data.items()
                         if k not in ("weights", "bias", "threshold", "rules_share")})

    def to_json(self) -> dict[str, object]:
        """The model as plain JSON data (weights rounded to 5 decimals)."""
        return {**self.info, "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
                "rules_share": self.rules_share,
                "weights": {k: round(v, 5) for k, v in sorted(self.weights.items())}}

    def with_delta(self, delta: dict[str, float], bias: float = 0.0) -> Model:
        """This model with ``delta`` added to its weights (a desk's learned adjustment)."""
        weights = dict(self.weights)
        for name, value in delta.items():
            weights[name] = weights.get(name, 0.0) + value
        return Model(weights, self.bias + bias, self.threshold, self.rules_share,
                     dict(self.info))

    # -- scoring -------------------------------------------------------------------------

    def _token_weight(self, token: str) -> float:
        """The weight one token (as :func:`desk.finder.scoring.tokens` gives it) adds to a
        sentence before scaling: its word, word pieces and kinds (the sum of
        :func:`desk.finder.features.token_features` weighted, without building the names
        twice)."""
        get = self.weights.get
        shaped = _SHAPES[token]
        padded = f" {shaped} "
        pieces = sum(get("c:" + padded[i:i + size], 0.0) for size in feats.CHAR_SIZES
                     for i in range(len(padded) - size + 1))
        return (get("w:" + shaped, 0.0) + feats.CHAR_SCALE * pieces
                + sum(get(kind, 0.0) for kind in _KINDS[token]))

    def _read(self, text: str, words: list[str] | None = None
              ) -> tuple[list[str], float]:
        """The words of ``text`` and the sum of their weights (word, pieces, kinds, pairs),
        scaled; the last text asked is remembered (scoring and then explaining a suggestion
        reads its sentence once)."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1], last[2]
        if words is None:
            words = scoring.tokens(text)
        total = 0.0
        if words:
            cache = self._token_cache
            if cache is None:
                cache = self._token_cache = _TokenWeights(self._token_weight)
            shapes = _SHAPES
            shaped = list(map(shapes.__getitem__, words))
            total = (sum(map(cache.__getitem__, words))
                     + sum(map(self._pair_weights().get, zip(["<s>", *shaped], shaped),
                               repeat(0.0)))) / math.sqrt(len(words))
        self._last = (text, words, total)
        return words, total

    def _pair_weights(self) -> dict[tuple[str, str], float]:
        if self._pairs is None:
            self._pairs = {tuple(name[2:].split(" ", 1)): weight  # type: ignore[misc]
                           for name, weight in self.weights.items() if name[:2] == "p:"}
        return self._pairs

    def _cue_weights(self) -> tuple[dict[str, float], float, dict[str, float]]:
        """(weight of each cue on the blended scale, the blended bias, the model's own
        weights of the ``k:`` features by bare name)."""
        if self._blend is None:
            share = self.rules_share
            own = {name[2:]: weight for name, weight in self.weights.items()
                   if name[:2] == "k:"}
            combined = {name: (1 - share) * own.get(name, 0.0)
                        + share * (scoring.CUES[name].weight if name in scoring.CUES else 0.0)
                        for name in set(own) | set(scoring.CUES) if name != "bias"}
            bias = (1 - share) * self.bias + share * scoring.CUES["bias"].weight
            self._blend = (combined, bias, own)
        return self._blend

    def logit(self, text: str, cues: dict[str, float], words: list[str] | None = None
              ) -> float:
        """The raw score (before the threshold shift) of a sentence with these cues
        (``words``: its :func:`~desk.finder.scoring.tokens`, when the caller has them)."""
        own = self._cue_weights()[2]
        words, total = self._read(text, words)
        extra = feats.sentence_cues(text, len(words))
        return (self.bias + total
                + sum(map(mul, map(own.get, cues, repeat(0.0)), cues.values()))
                + sum(map(mul, map(own.get, extra, repeat(0.0)), extra.values())))

    def blended(self, text: str, cues: dict[str, float], words: list[str] | None = None
                ) -> float:
        """The model's logit blended with the hand-weighted cue score (``rules_share``):
        ``(1 - share) * logit + share * scoring.raw(cues)``, summed in one pass."""
        combined, bias, own = self._cue_weights()
        words, total = self._read(text, words)
        extra = feats.sentence_cues(text, len(words))
        return (bias + (1 - self.rules_share) * (
                    total + sum(map(mul, map(own.get, extra, repeat(0.0)), extra.values())))
                + sum(map(mul, map(combined.get, cues, repeat(0.0)), cues.values())))

    def most(self, text: str, cues: dict[str, float], words: list[str] | None = None
             ) -> float:
        """The highest :meth:`score` this sentence can reach whatever its pattern cues
        (:data:`desk.finder.scoring.PATTERN_CUES`), given the others: below the minimum, the
        finder need not look for them."""
        if self._pattern_gain is None:
            share = self.rules_share
            self._pattern_gain = sum(
                max(0.0, ((1 - share) * self.weights.get("k:" + name, 0.0)
                          + share * scoring.CUES[name].weight) * most)
                for name, most in scoring.PATTERN_CUES.items())
        blended = self.blended(text, cues, words)
        self._cheap = (text, dict(cues), blended)
        return _squash(blended + self._pattern_gain - _logit(self.threshold))

    def score(self, text: str, cues: dict[str, float], words: list[str] | None = None
              ) -> float:
        """How check-worthy a sentence is, 0–1; 0.5 is the model's chosen threshold."""
        cheap = self._cheap
        if cheap is not None and cheap[0] == text and cheap[1].items() <= cues.items():
            # the same sentence as :meth:`most` was asked about, plus its pattern cues
            combined = self._cue_weights()[0]
            blended = cheap[2] + sum(combined.get(name, 0.0) * value
                                     for name, value in cues.items() if name not in cheap[1])
        else:
            blended = self.blended(text, cues, words)
        return _squash(blended - _logit(self.threshold))

    def reasons(self, text: str, cues: dict[str, float], limit: int = 3) -> list[str]:
        """The cues that moved this sentence's score most, in words, strongest first."""
        words, _ = self._read(text)
        own = self._cue_weights()[2]
        get = self.weights.get
        moved = [(own.get(name, 0.0) * value, name) for name, value in cues.items()]
        moved.extend((own.get(name, 0.0) * value, name)
                     for name, value in feats.sentence_cues(text, len(words)).items())
        if words:
            counts: dict[str, int] = {}
            for kinds in filter(None, map(_KINDS.__getitem__, words)):
                for kind in kinds:
                    counts[kind] = counts.get(kind, 0) + 1
            scale = 1 / math.sqrt(len(words))
            moved.extend((get(kind, 0.0) * count * scale, kind[2:])
                         for kind, count in counts.items())
        moved.sort(key=lambda item: -abs(item[0]))
        said = []
        for weight, name in moved:
            up, down = CUE_WORDS.get(name, ("", ""))
            text_ = up if weight > 0 else down
            if text_ and abs(weight) >= 0.1 and name not in ("figure", "attributed"):
                said.append(text_ if weight > 0 else "less likely: " + text_)
            if len(said) >= limit:
                break
        telling = self._telling_words()
        found = sorted(((telling[t], t) for t in telling.keys() & words), reverse=True)
        if found:
            said.append("telling words: " + ", ".join(t for _, t in found[:2]))
        return said

    def _telling_words(self) -> dict[str, float]:
        """Words whose own weight says "check-worthy" (above 0.5; not "an", "had")."""
        if self._telling is None:
            self._telling = {name[2:]: weight for name, weight in self.weights.items()
                             if name[:2] == "w:" and weight > 0.5 and len(name) > 5
                             and name[2].isalpha()}
        return self._telling


def _squash(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


_LOCK = threading.Lock()
_SHIPPED: Model | None = None


def shipped() -> Model:
    """The model shipped with the app, read from ``model.json`` on first use."""
    global _SHIPPED
    with _LOCK:
        if _SHIPPED is None:
            _SHIPPED = Model.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
        return _SHIPPED
