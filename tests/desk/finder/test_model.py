"""The trained finder model: its file, its scoring (equal to the features' weighted sum), its
reasons in words, and that it loads only when first used (never numpy)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace

import pytest

from desk.finder import features as feats
from desk.finder import scoring
from desk.finder.engine import sentence_cues, suggest
from desk.finder.model import MODEL_FILE, Model, shipped
from tests.conftest import ROOT


def test_model_file_is_small_and_says_what_trained_it() -> None:
    assert MODEL_FILE.stat().st_size <= 5_000_000
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert "ClaimBuster" in data["trained_on"]
    assert "GPL-3.0" in data["licence_of_training_data"]
    assert 0.2 <= data["threshold"] <= 0.9 and 0 <= data["rules_share"] < 1
    assert len(data["weights"]) > 1000


@pytest.mark.parametrize("text", [
    "Unemployment fell to 4.9 percent last year, the lowest since 2008.",
    "Thank you.",
    "I think we should all work together on this?",
    "The UN human rights office said 249 civilians had been killed.",
    "We may have spent $4.2 billion, or 12% more, since 2019; you reportedly said so.",
    "",
])
def test_score_is_the_weighted_sum_of_the_features(text: str) -> None:
    model = shipped()
    cues = sentence_cues(text)
    expected = model.bias + sum(model.weights.get(name, 0.0) * value
                                for name, value in feats.features(text, cues).items())
    assert model.logit(text, cues) == pytest.approx(expected, abs=1e-9)
    blended = (1 - model.rules_share) * expected + model.rules_share * scoring.raw(cues)
    shifted = blended - math.log(model.threshold / (1 - model.threshold))
    assert model.score(text, cues) == pytest.approx(1 / (1 + math.exp(-shifted)))


def test_figures_and_facts_outscore_small_talk_and_opinion() -> None:
    model = shipped()

    def score(text: str) -> float:
        return model.score(text, sentence_cues(text))

    claim = score("Unemployment fell to 4.9 percent last year, the lowest since 2008.")
    assert claim > 0.8
    assert score("Thank you very much, it is great to be here tonight.") < 0.2
    assert score("I think we need to come together as a country.") < 0.5
    assert claim > score("Unemployment is something we should think about.")


def test_a_delta_moves_the_score_and_leaves_the_shipped_model_alone() -> None:
    model = shipped()
    text = "The council spent 3 million pounds on new parks."
    cues = sentence_cues(text)
    before = model.score(text, cues)
    lowered = model.with_delta({"w:parks": -20.0})
    assert lowered.score(text, cues) < before
    assert model.score(text, cues) == before


def test_reasons_are_words_not_weights() -> None:
    found = suggest("Unemployment fell to 4.9 percent last year, the lowest since 2008.")
    assert found
    reasons = " / ".join(found[0].reasons)
    assert "figure: 4.9 percent" in reasons
    assert not any(ch.isdigit() for r in found[0].reasons[1:] for ch in r), reasons
    question = Model({"k:question": -3.0}, 0.0).reasons("Is it true?", {"question": 1.0})
    assert question == ["less likely: a question"]


def test_model_json_round_trip() -> None:
    model = Model({"w:tax": 1.5, "k:figure": 0.25}, -0.5, threshold=0.4, rules_share=0.5,
                  info={"trained_on": "x"})
    again = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert again.weights == model.weights and again.bias == model.bias
    assert again.threshold == model.threshold and again.rules_share == 0.5
    assert again.info == {"trained_on": "x"}


def test_rules_only_still_scores_without_the_model() -> None:
    text = "The ministry said 1,200 people had been evacuated."
    assert suggest(text, rules_only=True)[0].score != suggest(text)[0].score


def test_the_model_loads_on_first_suggestion_and_never_imports_numpy() -> None:
    code = (
        "import sys\n"
        "import desk, desk.finder, desk.finder.engine, desk.finder.suggestions\n"
        "before = 'desk.finder.model' in sys.modules\n"
        "from desk.finder import suggest\n"
        "found = suggest('Officials said 300 homes were flooded in 2024.')\n"
        "print(before, 'desk.finder.model' in sys.modules, 'numpy' in sys.modules, len(found))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "False", "1"]


class _NoShortcut:
    """The shipped model without :meth:`Model.most`: the finder then reads every cue."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def score(self, text: str, cues: dict[str, float], words: list[str] | None = None
              ) -> float:
        return self.model.score(text, cues, words)

    def reasons(self, text: str, cues: dict[str, float]) -> list[str]:
        return self.model.reasons(text, cues)


def test_skipping_the_pattern_cues_of_hopeless_sentences_changes_nothing() -> None:
    from desk.text.importers import read_article
    text = "\n\n".join(read_article(p).body for p in sorted((ROOT / "seeds").iterdir()))
    model = shipped()
    for min_score in (0.3, 0.5, 0.8):
        fast = suggest(text, model=model, min_score=min_score)
        full = suggest(text, model=_NoShortcut(model), min_score=min_score)
        assert fast
        assert [replace(s, score=0.0) for s in fast] == [replace(s, score=0.0) for s in full]
        assert [s.score for s in fast] == pytest.approx([s.score for s in full], abs=1e-12)
    # the bound holds: no sentence scores above what ``most`` promised
    for sentence in text.split(". ")[:200]:
        cues = sentence_cues(sentence)
        cheap = {k: v for k, v in cues.items() if k not in scoring.PATTERN_CUES}
        assert model.score(sentence, cues) <= model.most(sentence, cheap) + 1e-12


def test_a_word_counts_the_same_wherever_it_is_met() -> None:
    model = Model({"w:tax": 1.0, "p:<s> tax": 0.5, "p:tax tax": 0.25, "c: ta": 2.0,
                   "x:number": 0.75, "w:<num>": 0.125}, 0.0)
    text = "Tax tax 42"
    expected = sum(model.weights.get(name, 0.0) * value
                   for name, value in feats.features(text, {}).items())
    assert model.logit(text, {}) == pytest.approx(expected)
    assert model.logit(text, {}) == pytest.approx(  # cached words, asked again
        model.logit(text + " ", {}))
    three = (1.0 + 0.6) * 2 + 0.5 + 0.25 + 0.75 + 0.125
    assert expected == pytest.approx(three / math.sqrt(3))
