"""Learning from the desk's own decisions: the finder adapts to the newsroom that uses it.

Every desk holds examples of what its editors think is worth checking:

- a **claim** an editor tagged (live, not deleted) is a positive example (its quote);
- a **dismissed suggestion** is a negative;
- the **untagged sentences of an article marked reviewed**
  (:func:`desk.finder.reviewed.mark_reviewed`) are
  negatives: the editor read it all and tagged what mattered.

:func:`desk_model` turns them into a small adjustment of the shipped model (weights of words
and cues, and the bias), fitted by a few passes of regularised logistic regression with the
shipped model's score as the starting point, with its threshold set on the decisions. It is
judged out of fold on the decisions first and used only when it beats the shipped model
there, so that learning does not make the finder worse. Fewer than :data:`MIN_DECISIONS` decisions (or fewer than
:data:`MIN_EACH` of either kind), or the ``finder_learning`` setting ``off``: the shipped
model rules. The decisions are rows of the desk (claims, ``dismissed_suggestions``,
``reviewed_articles``), so they travel with merges; the fitted adjustment is kept in the
``finder_learning`` table, keyed by a fingerprint of the decisions, and refitted when they
change.
"""

from __future__ import annotations

import json
import math
import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desk.clock import now_iso
from desk.finder import features as feats
from desk.finder.engine import sentence_cues
from desk.finder.model import Model, shipped
from desk.finder.segment import sentences

if TYPE_CHECKING:
    from desk.facade import Desk

#: Below this many decisions the shipped model is used as it is.
MIN_DECISIONS = 20
#: …and below this many of either kind (tagged, or not worth checking).
MIN_EACH = 5
#: The desk setting that turns learning off ("off").
SETTING = "finder_learning"
#: Fitting: passes over the decisions, step size, and the pull of each weight back to 0.
EPOCHS = 6
STEP = 0.2
L2 = 1e-3
#: Folds over the decisions to judge an adjustment before it is used.
FOLDS = 3
#: At most this many of the latest claims, and of the latest dismissals, are learned from…
MAX_EACH = 2000
#: …and the sentences of at most this many of the latest articles marked reviewed.
MAX_REVIEWED = 60
#: Bootstrap resamples of the decisions that judge whether learning beat the shipped model.
BOOTSTRAP = 200
_TOO_SHORT = 4  # words: a reviewed article's shorter "sentences" (datelines) teach nothing


@dataclass(frozen=True)
class Learned:
    """What a desk's finder learned from: the decisions, and whether they are used."""

    positives: int
    negatives: int
    used: bool
    reason: str = ""

    @property
    def decisions(self) -> int:
        """All decisions counted."""
        return self.positives + self.negatives

    def describe(self) -> str:
        """One line for the window and the command line."""
        if self.used:
            return f"learned from {self.decisions} decisions in this desk"
        return f"shipped model ({self.reason})"


# -- the decisions ------------------------------------------------------------------------

def decisions(desk: Desk) -> list[tuple[str, bool]]:
    """The desk's decisions as (text, worth checking) examples, in a stable order: the
    latest :data:`MAX_EACH` claims and dismissals and the sentences of the latest
    :data:`MAX_REVIEWED` articles marked reviewed (a desk of 100,000 claims is not refitted
    from all of them at every change)."""
    conn = desk.conn
    # Edit times have millisecond steps: within one, the row written later is the later one.
    examples: list[tuple[str, bool]] = [
        (quote, True) for (quote,) in conn.execute(
            "SELECT quote FROM (SELECT quote, created_at, rowid AS r FROM claims "
            "WHERE deleted_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT ?) "
            "ORDER BY created_at, r", [MAX_EACH])]
    dismissed = [quote for (quote,) in conn.execute(
        "SELECT quote FROM (SELECT quote, dismissed_at, rowid AS r FROM dismissed_suggestions "
        "ORDER BY dismissed_at DESC, rowid DESC LIMIT ?) ORDER BY dismissed_at, r",
        [MAX_EACH])]
    examples.extend((quote, False) for quote in dismissed)
    seen = set(dismissed)
    for article_id, body in conn.execute(
            "SELECT a.id, a.body FROM (SELECT article_id, reviewed_at FROM reviewed_articles "
            "WHERE cleared_at IS NULL ORDER BY reviewed_at DESC, article_id DESC LIMIT ?) r "
            "JOIN articles a ON a.id = r.article_id ORDER BY r.reviewed_at, a.id",
            [MAX_REVIEWED]):
        claimed = [(s, e) for s, e in conn.execute(
            "SELECT start_char, end_char FROM claims WHERE article_id = ? "
            "AND deleted_at IS NULL", [article_id])]
        for span in sentences(body):
            text = body[span.start:span.end]
            if (len(text.split()) < _TOO_SHORT or text in seen
                    or any(s < span.end and span.start < e for s, e in claimed)):
                continue
            seen.add(text)
            examples.append((text, False))
    return examples


def fingerprint(desk: Desk) -> str:
    """A short summary of the decisions that changes whenever one of them does."""
    row = desk.conn.execute(
        "SELECT (SELECT count(*) || max(updated_at) || max(created_at) || "
        "        coalesce(max(deleted_at), '') FROM claims), "
        "(SELECT count(*) || coalesce(max(dismissed_at), '') FROM dismissed_suggestions), "
        "(SELECT count(*) || coalesce(max(reviewed_at), '') || "
        "        coalesce(max(cleared_at), '') FROM reviewed_articles WHERE 1)").fetchone()
    return "|".join(str(v) for v in row)


# -- fitting ------------------------------------------------------------------------------

def _learnable(text: str, cues: dict[str, float]) -> dict[str, float]:
    """The features an adjustment may change: words and cues (not word pieces)."""
    return {k: v for k, v in feats.features(text, cues).items() if k[0] != "c"}


Row = tuple[float, dict[str, float], float]


def _rows(base: Model, examples: list[tuple[str, bool]]) -> list[Row]:
    """(the shipped model's shifted logit, learnable features, 1 or 0) per example."""
    rows = []
    for text, gold in examples:
        cues = sentence_cues(text)
        score = min(max(base.score(text, cues), 1e-9), 1 - 1e-9)
        rows.append((math.log(score / (1 - score)), _learnable(text, cues), float(gold)))
    return rows


def _fit(rows: list[Row], *, epochs: int = EPOCHS, seed: int = 0
         ) -> tuple[dict[str, float], float]:
    """Logistic regression on ``rows`` starting from their offsets, each class weighted to
    half the total (as the shipped model was trained), L2-regularised towards no change,
    by stochastic gradient steps in a fixed random order (reproducible)."""
    positives = sum(1 for row in rows if row[2]) or 1
    negatives = len(rows) - positives or 1
    class_weight = {1.0: len(rows) / (2 * positives), 0.0: len(rows) / (2 * negatives)}
    delta: dict[str, float] = {}
    bias = 0.0
    order = list(range(len(rows)))
    shuffle = random.Random(seed).shuffle
    for epoch in range(epochs):
        shuffle(order)
        rate = STEP / (1 + epoch)
        for index in order:
            offset, x, y = rows[index]
            z = offset + bias + sum(delta.get(k, 0.0) * v for k, v in x.items())
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            gradient = (p - y) * class_weight[y]
            bias -= rate * gradient
            for name, value in x.items():
                weight = delta.get(name, 0.0)
                delta[name] = weight - rate * (gradient * value + L2 * weight)
    return {k: v for k, v in delta.items() if abs(v) >= 1e-4}, bias


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for said, gold in pairs if said and gold)
    said = sum(1 for s, _ in pairs if s)
    gold = sum(1 for _, g in pairs if g)
    return 2 * tp / (said + gold) if said + gold else 0.0


def _better_beyond_noise(learned: list[tuple[bool, bool]], before: list[tuple[bool, bool]],
                         rounds: int = BOOTSTRAP) -> bool:
    """Whether ``learned`` has the better F1 than ``before`` (pairs on the same decisions)
    in at least 90 % of bootstrap resamples of the decisions."""
    pick = random.Random(1).randrange
    wins = 0
    for _ in range(rounds):
        sample = [pick(len(learned)) for _ in learned]
        wins += _f1([learned[i] for i in sample]) > _f1([before[i] for i in sample])
    return wins >= 0.9 * rounds


def learn(base: Model, examples: list[tuple[str, bool]], *, folds: int = FOLDS
          ) -> tuple[dict[str, float], float] | None:
    """An adjustment (weights, bias) of ``base`` fitted to ``examples``, or None when it
    would not do better than ``base`` on them.

    The adjustment is judged out of fold (the decisions in order, cut into ``folds`` runs:
    fitted on all runs but one, scored on that one, so that it is judged on articles it
    did not see):
    its decision threshold is the one with the best F1 there, and it is used only when its
    F1 there beats the shipped model's on the same decisions in 90 % of bootstrap
    resamples (better beyond noise). Then it is fitted on all.
    """
    rows = _rows(base, examples)
    out_of_fold: list[tuple[float, float]] = []
    for fold in range(folds):
        training = [row for i, row in enumerate(rows) if i * folds // len(rows) != fold]
        delta, bias = _fit(training)
        out_of_fold.extend(
            (offset + bias + sum(delta.get(k, 0.0) * v for k, v in x.items()), y)
            for i, (offset, x, y) in enumerate(rows) if i * folds // len(rows) == fold)
    best_f1, shift = max((_f1([(z >= cut / 10, bool(y)) for z, y in out_of_fold]), cut / 10)
                         for cut in range(-30, 31))
    learned = [(z >= shift, bool(y)) for z, y in out_of_fold]
    before = [(offset >= 0, bool(y)) for offset, _, y in rows]
    if not _better_beyond_noise(learned, before):
        return None
    delta, bias = _fit(rows)
    return delta, bias - shift


def adjusted(base: Model, delta: dict[str, float], bias: float) -> Model:
    """``base`` with a fitted adjustment applied (on the score's own scale)."""
    share = 1 - base.rules_share or 1.0
    return base.with_delta({k: v / share for k, v in delta.items()}, bias / share)


# -- the desk's model ---------------------------------------------------------------------

_CACHE: dict[tuple[str, str], tuple[Model, Learned]] = {}
_LOCK = threading.Lock()


def learning_enabled(desk: Desk) -> bool:
    """Whether this desk's finder learns from its decisions (the ``finder_learning``
    setting; on unless set to ``off``)."""
    return desk.setting(SETTING) != "off"


def set_learning(desk: Desk, enabled: bool) -> None:
    """Turn learning from the desk's decisions on or off."""
    desk.set_setting(SETTING, "on" if enabled else "off")


def desk_model(desk: Desk) -> tuple[Model, Learned]:
    """The finder model for this desk, and what it learned from.

    Cheap when nothing changed (one small query); otherwise the stored adjustment is read,
    or refitted from the decisions and stored (when the desk is writable).
    """
    base = shipped()
    if not learning_enabled(desk):
        return base, Learned(0, 0, False, "learning is off")
    key = fingerprint(desk)
    cache_key = (str(desk.path), key)
    with _LOCK:
        if cache_key in _CACHE:
            return _CACHE[cache_key]
    examples = decisions(desk)
    positives = sum(1 for _, gold in examples if gold)
    negatives = len(examples) - positives
    if len(examples) < MIN_DECISIONS or min(positives, negatives) < MIN_EACH:
        result = (base, Learned(positives, negatives, False,
                                f"{len(examples)} decisions, too few to learn from"))
    else:
        fitted = _stored(desk, key) or _fit_and_store(desk, key, base, examples)
        if fitted[0] is None:
            result = (base, Learned(positives, negatives, False, f"{len(examples)} decisions "
                                    "did not improve on it"))
        else:
            result = (adjusted(base, fitted[0], fitted[1]),
                      Learned(positives, negatives, True))
    with _LOCK:
        _CACHE[cache_key] = result
    return result


Fitted = tuple[dict[str, float] | None, float]


def _stored(desk: Desk, key: str) -> Fitted | None:
    try:
        row = desk.conn.execute("SELECT fingerprint, model FROM finder_learning "
                                "WHERE id = 'desk'").fetchone()
    except Exception:  # noqa: BLE001 - a desk opened before the table existed
        return None
    if row is None or row[0] != key:
        return None
    data = json.loads(row[1])
    if data["delta"] is None:
        return None, 0.0
    return {str(k): float(v) for k, v in data["delta"].items()}, float(data["bias"])


def _fit_and_store(desk: Desk, key: str, base: Model,
                   examples: list[tuple[str, bool]]) -> Fitted:
    learned = learn(base, examples)
    delta, bias = learned if learned is not None else (None, 0.0)
    if not desk.read_only:
        blob = json.dumps({"delta": delta and {k: round(v, 5) for k, v in delta.items()},
                           "bias": round(bias, 6)}, separators=(",", ":"))
        with desk.writing():
            desk.conn.execute(
                "INSERT INTO finder_learning (id, fingerprint, model, updated_at) "
                "VALUES ('desk', ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, model = excluded.model, "
                "updated_at = excluded.updated_at", [key, blob, now_iso()])
    return delta, bias
