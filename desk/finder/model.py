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
from dataclasses import dataclass, field
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
    "names": ("names people or organisations", ""),
    "numbers": ("numbers", ""),
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


@dataclass
class Model:
    """Weights by feature name, a bias, and the threshold that 0.5 stands for."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    rules_share: float = 0.0
    info: dict[str, object] = field(default_factory=dict)
    _token_cache: dict[str, tuple[str, float, float, int]] = field(default_factory=dict,
                                                                   repr=False)
    _pairs: dict[tuple[str, str], float] | None = field(default=None, repr=False)
    _last: tuple[str, list[str], float, dict[str, float]] | None = field(default=None,
                                                                         repr=False)

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

    def _token_entry(self, raw: str) -> tuple[str, float, float, int]:
        """(shaped token, word weight, sum of its pieces' weights, number of pieces) of
        one token as written."""
        entry = self._token_cache.get(raw)
        if entry is None:
            get = self.weights.get
            token = feats.shape(raw)
            pieces = feats.char_pieces(token)
            entry = (token, get("w:" + token, 0.0), sum(get(p, 0.0) for p in pieces),
                     len(pieces))
            if len(self._token_cache) > 200_000:
                self._token_cache.clear()
            self._token_cache[raw] = entry
        return entry

    def _pair_weights(self) -> dict[tuple[str, str], float]:
        if self._pairs is None:
            self._pairs = {tuple(name[2:].split(" ", 1)): weight  # type: ignore[misc]
                           for name, weight in self.weights.items()
                           if name.startswith("w:") and " " in name}
        return self._pairs

    def _read(self, text: str) -> tuple[list[str], float, dict[str, float]]:
        """The shaped words of ``text``, the sum of its word and word-piece weights (each
        block scaled) and its extra cues; the last text asked is remembered (scoring and
        then explaining a suggestion reads its sentence once)."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1], last[2], last[3]
        cache, pairs = self._token_cache, self._pair_weights()
        tokens: list[str] = []
        word_sum = char_sum = 0.0
        count = 0
        previous = "<s>"
        for raw in feats.TOKEN.findall(text):
            entry = cache.get(raw) or self._token_entry(raw)
            token = entry[0]
            tokens.append(token)
            word_sum += entry[1] + pairs.get((previous, token), 0.0)
            char_sum += entry[2]
            count += entry[3]
            previous = token
        total = 0.0
        if tokens:
            total = word_sum / math.sqrt(2 * len(tokens)) + char_sum / math.sqrt(count)
        extra = feats.extra_cues(text, tokens)
        self._last = (text, tokens, total, extra)
        return tokens, total, extra

    def logit(self, text: str, cues: dict[str, float]) -> float:
        """The raw score (before the threshold shift) of a sentence with these cues."""
        get = self.weights.get
        _, words_total, extra = self._read(text)
        total = self.bias + words_total
        for name, value in cues.items():
            total += get("k:" + name, 0.0) * value
        for name, value in extra.items():
            total += get("k:" + name, 0.0) * value
        return total

    def blended(self, text: str, cues: dict[str, float]) -> float:
        """The model's logit blended with the hand-weighted cue score (``rules_share``)."""
        logit = self.logit(text, cues)
        if not self.rules_share:
            return logit
        return (1 - self.rules_share) * logit + self.rules_share * scoring.raw(cues)

    def score(self, text: str, cues: dict[str, float]) -> float:
        """How check-worthy a sentence is, 0–1; 0.5 is the model's chosen threshold."""
        shifted = self.blended(text, cues) - _logit(self.threshold)
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, shifted))))

    def reasons(self, text: str, cues: dict[str, float], limit: int = 3) -> list[str]:
        """The cues that moved this sentence's score most, in words, strongest first."""
        tokens, _, extra = self._read(text)
        values = {**cues, **extra}
        moved = sorted(((self.weights.get("k:" + n, 0.0) * v, n) for n, v in values.items()),
                       key=lambda item: -abs(item[0]))
        said = []
        for weight, name in moved:
            up, down = CUE_WORDS.get(name, ("", ""))
            text_ = up if weight > 0 else down
            if text_ and abs(weight) >= 0.1 and name not in ("figure", "attributed"):
                said.append(text_ if weight > 0 else "less likely: " + text_)
            if len(said) >= limit:
                break
        get = self.weights.get
        weighted = sorted(((get("w:" + t, 0.0), t) for t in set(tokens)
                           if t[0] != "<" and len(t) > 3), reverse=True)  # not "an", "had"
        telling = [t for weight, t in weighted[:2] if weight > 0.5]
        if telling:
            said.append("telling words: " + ", ".join(telling))
        return said


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
