"""Figure disagreements found by source: the quick neighbour search against the plain one.

``desk.disagreement`` scores each distinct pair of masked quotes once, within a length
window, and then picks each claim's neighbours itself. These tests hold it to the plain
per-claim ``process.extract`` it replaced (the reference below), on texts full of repeats
and ties, and on a real desk of a wire quote repeated across outlets.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest
from rapidfuzz import fuzz, process

from desk import Desk
from desk.across import disagreement
from desk.across.disagreement import (
    SOURCE_NEIGHBOURS,
    SOURCE_TOPIC_THRESHOLD,
    _ends,
    _length_window,
    _may_disagree,
    _neighbours,
    conflicts_by_claim,
)
from desk.across.intervals import Interval
from desk.model import ArticleDraft


def reference_neighbours(texts: list[str], indexes: list[int], pool: list[int],
                         ) -> list[tuple[int, list[int]]]:
    """The neighbour search as it was: one ``process.extract`` per claim over the pool's
    claims not yet done (a dict, so ties go in pool order)."""
    choices = {y: texts[y] for y in pool}
    chosen = []
    for x in indexes:
        choices.pop(x, None)
        near = [y for _, _, y in process.extract(
            texts[x], choices, scorer=fuzz.ratio, limit=SOURCE_NEIGHBOURS,
            score_cutoff=SOURCE_TOPIC_THRESHOLD)]
        if near:
            chosen.append((x, near))
    return chosen


_WORDS = ["the", "ministry", "said", "that", "#", "people", "had", "been", "killed", "in",
          "the", "north", "on", "monday", "officials", "reported", "civilians"]


def _texts(rng: random.Random, count: int) -> list[str]:
    """Quotes rewording a few statements a word or two at a time, many of them repeated
    word for word (wire copy), some cut short."""
    statements = [[rng.choice(_WORDS) for _ in range(rng.randint(4, 12))] for _ in range(3)]
    texts: list[str] = []
    for _ in range(count):
        if texts and rng.random() < 0.3:
            texts.append(rng.choice(texts))
            continue
        words = list(rng.choice(statements))
        for _ in range(rng.randint(0, 3)):
            words[rng.randrange(len(words))] = rng.choice(_WORDS)
        texts.append(" ".join(words[:rng.randint(1, len(words))]))
    return texts


@pytest.mark.parametrize("seed", range(6))
def test_neighbours_are_those_of_the_plain_search(seed: int) -> None:
    rng = random.Random(seed)
    texts = _texts(rng, 200)
    # three kinds; claims of an unsaid kind (None) look at the whole pool
    kinds = [rng.choice(["killed", "injured", None]) for _ in texts]
    everyone = list(range(len(texts)))
    compared = 0
    for kind in ("killed", "injured", None):
        indexes = [i for i in everyone if kinds[i] == kind]
        pool = everyone if kind is None else indexes
        expected = reference_neighbours(texts, indexes, pool)
        assert list(_neighbours(texts, indexes, pool)) == expected
        compared += sum(len(near) for _, near in expected)
    assert compared > 500  # many neighbours, and claims with more than the limit
    assert any(len(near) == SOURCE_NEIGHBOURS for _, near in expected)


def test_neighbours_of_empty_and_one_word_quotes() -> None:
    texts = ["", "", "#", "# #", "killed", "", "#"]
    everyone = list(range(len(texts)))
    assert list(_neighbours(texts, everyone, everyone)) == reference_neighbours(
        texts, everyone, everyone)


def test_length_window_holds_every_similar_text() -> None:
    rng = random.Random(7)
    alphabet = "ab #"
    for _ in range(4000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if fuzz.ratio(a, b) >= SOURCE_TOPIC_THRESHOLD:
            low, high = _length_window(len(a))
            assert low <= len(b) <= high, (a, b)
    # at the bound itself: 7 and 13 characters can reach a ratio of exactly 70
    assert fuzz.ratio("a" * 7, "a" * 13) == pytest.approx(70.0)
    assert _length_window(7)[0] <= 7 and _length_window(7)[1] >= 13
    assert _length_window(13)[0] <= 7
    assert _length_window(100) == (math.ceil(100 * 70 / 130) - 1, math.floor(100 * 130 / 70) + 1)


def test_interval_ends_meet_as_intervals_do() -> None:
    values = [0.0, 1.0, 2.0, math.inf]
    intervals = [Interval(lo, hi, lo_open, hi_open)
                 for lo, hi in itertools.combinations_with_replacement(values, 2)
                 for lo_open in (False, True) for hi_open in (False, True)]
    for a, b in itertools.product(intervals, repeat=2):
        (a_lo, a_hi), (b_lo, b_hi) = _ends(a), _ends(b)
        assert (a_lo <= b_hi and b_lo <= a_hi) == a.meets(b), (a, b)


def test_pools_whose_figures_all_meet_are_not_searched() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        intervals = []
        for _ in range(rng.randint(1, 5)):
            lo = rng.choice([0.0, 1.0, 2.0, 3.0])
            intervals.append(Interval(lo, lo + rng.choice([0.0, 1.0, 2.0, math.inf]),
                                      rng.random() < 0.3, rng.random() < 0.3))
        if any(not a.meets(b) for a, b in itertools.combinations(intervals, 2)):
            assert _may_disagree([_ends(i) for i in intervals]), intervals
    assert not _may_disagree([_ends(Interval(240, math.inf)), _ends(Interval(249, 249))])
    assert _may_disagree([_ends(Interval(249, 249)), _ends(Interval(270, 300))])


# -- on a desk ------------------------------------------------------------------------------

WIRE = "The UN human rights office said {} civilians had been killed in Harlow since Monday."


def _wire_desk(desk: Desk, figures: list[str]) -> dict[str, str]:
    """One article per outlet carrying the same wire sentence; returns figure -> claim id."""
    ids = {}
    for n, figure in enumerate(figures):
        body = f"Harlow report {n}\n\n" + WIRE.format(figure) + " Aid groups warned of more."
        result = desk.add_article(ArticleDraft(
            title=f"Harlow report {n}", body=body, source_file=f"outlet{n}.txt",
            url=f"https://outlet{n}.example/harlow"))
        start = body.index("The UN")
        end = body.index("Monday.") + len("Monday.")
        claim = desk.add_claim(result.article_id, start, end,
                               source="the UN human rights office", figure=f"{figure} civilians")
        ids[f"{figure}#{n}"] = claim.id
    return ids


def test_repeated_wire_quote_flags_the_outlet_that_differs(desk: Desk) -> None:
    figures = ["249"] * 6 + ["nearly 300"] + ["249"] * 3
    ids = _wire_desk(desk, figures)
    conflicts = conflicts_by_claim(desk)
    odd = ids["nearly 300#6"]
    assert conflicts[odd] == "; ".join(f"249 civilians (outlet{n}.example)"
                                       for n in (0, 1, 2, 3, 4, 5, 7, 8, 9))
    assert conflicts[ids["249#0"]] == "nearly 300 civilians (outlet6.example)"
    assert set(conflicts) == set(ids.values())  # every other outlet agrees with all but one


def test_repeated_wire_quote_beyond_the_neighbour_limit(desk: Desk) -> None:
    # more outlets carry the quote than a claim is compared with: the last outlet's figure
    # is compared by the SOURCE_NEIGHBOURS claims just before it (ties go in desk order)
    count = SOURCE_NEIGHBOURS + 10
    ids = _wire_desk(desk, ["249"] * (count - 1) + ["nearly 300"])
    conflicts = conflicts_by_claim(desk)
    odd = ids[f"nearly 300#{count - 1}"]
    flagged_by = [n for n in range(count - 1) if ids[f"249#{n}"] in conflicts]
    assert flagged_by == list(range(count - 1 - SOURCE_NEIGHBOURS, count - 1))
    assert conflicts[odd].count("249 civilians") == SOURCE_NEIGHBOURS


def test_repeated_wire_quote_that_agrees_has_no_conflicts(desk: Desk) -> None:
    _wire_desk(desk, ["249", "at least 240", "249", "about 250"])
    assert conflicts_by_claim(desk) == {}


def test_source_pairs_are_found_once(desk: Desk) -> None:
    ids = _wire_desk(desk, ["249", "nearly 300", "249", "nearly 300"])
    pairs = disagreement._disagreeing_pairs(desk)
    keys = [frozenset((a.id, b.id)) for a, b, *_ in pairs]
    assert len(keys) == len(set(keys)) == 4  # each 249 with each nearly 300
    assert {why for *_, why in pairs} == {"source"}
    assert ids  # (the claims exist)
