"""Figure intervals: what each qualifier allows, and which figures are compatible."""

from __future__ import annotations

import math

import pytest

from desk.across.intervals import Interval, compatible, interval_of, kind_of, same_kind


@pytest.mark.parametrize("text, lo, hi, lo_open, hi_open", [
    ("249", 249, 249, False, False),
    ("9,000", 9000, 9000, False, False),
    ("12.5", 12.45, 12.55, False, False),
    ("1.2 million", 1.15e6, 1.25e6, False, False),
    ("2 million", 1.5e6, 2.5e6, False, False),
    ("12%", 11.5, 12.5, False, False),
    ("more than 1 million", 1e6, math.inf, True, False),
    ("over 2,000", 2000, math.inf, True, False),
    ("at least 240 civilians", 240, math.inf, False, False),
    ("fewer than 50", 0, 50, False, True),
    ("up to 300", 0, 300, False, False),
    ("nearly 300 killed", 270, 300, False, False),
    ("almost 500", 450, 500, False, False),
    ("about 900,000", 810000, 990000, False, False),
    ("some 300", 270, 330, False, False),
    ("just over 100", 100, 110, False, False),
    ("exactly 42", 42, 42, False, False),
])
def test_interval_of(text: str, lo: float, hi: float, lo_open: bool, hi_open: bool) -> None:
    got = interval_of(text)
    assert got is not None
    assert (got.lo, got.hi, got.lo_open, got.hi_open) == pytest.approx((lo, hi, lo_open, hi_open))


@pytest.mark.parametrize("a, b, expected", [
    ("more than 1 million", "1.2 million", True),
    ("249 killed", "nearly 300 killed", False),
    ("nearly 500", "9,000", False),
    ("at least 240", "249", True),
    ("nearly 300", "300", True),
    ("more than 1 million", "1 million", True),       # "1 million" is rounded
    ("more than 1,000", "1,000", False),              # an exact count is not "more than" it
    ("fewer than 50", "50", False),
    ("up to 300", "300", True),
    ("about 12.4%", "12%", True),
    ("12%", "21%", False),
    ("$350 million", "$530 million", False),
    ("€1.2 billion", "1.2 billion euros", True),
    ("2,000", "2,400", False),
    ("about 900,000", "more than 1 million", False),
    ("unknown", "5", None),
])
def test_compatible(a: str, b: str, expected: bool | None) -> None:
    assert compatible(a, b) is expected
    assert compatible(b, a) is expected


def test_describe() -> None:
    assert interval_of("nearly 300").describe() == "270–300"
    assert interval_of("more than 1 million").describe() == "more than 1,000,000"
    assert interval_of("at least 240").describe() == "at least 240"
    assert interval_of("fewer than 50").describe() == "less than 50"
    assert Interval(5, 5).describe() == "5"


def test_kinds() -> None:
    assert kind_of("249 civilians") == "civilian"
    assert kind_of("nearly 300 killed") == "killed"
    assert kind_of("$350 million") is None
    assert kind_of("9,000", "acknowledges 9,000 soldiers killed") == "soldier"
    assert same_kind("killed", "dead")
    assert same_kind(None, "soldier")
    assert not same_kind("civilian", "children")
    assert not same_kind("killed", "injured")


def test_number_end_finds_the_number_as_the_pattern_did() -> None:
    """The plain search agrees with the lookaround pattern it replaced, on awkward text."""
    import random
    import re

    from desk.across.intervals import number_end

    rng = random.Random(8)
    for _ in range(3000):
        text = "".join(rng.choice("12,.3 a٣") for _ in range(rng.randint(0, 14)))
        number = "".join(rng.choice("123,.") for _ in range(rng.randint(1, 3)))
        found = re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d,])", text)
        assert number_end(text, number) == (found.end() if found else -1), (text, number)
