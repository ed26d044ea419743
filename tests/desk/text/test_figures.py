"""Figures: parsing what editors type, and finding the first figure in a selection."""

from __future__ import annotations

import pytest

from desk.text.figures import find_figure, find_figures, format_value, parse_figure

CASES = [
    ("249", 249, None, None),
    ("$350 million", 350_000_000, "USD", None),
    ("more than 1 million", 1_000_000, None, "more than"),
    ("nearly 500", 500, None, "nearly"),
    ("over 2,000", 2000, None, "over"),
    ("9,000", 9000, None, None),
    ("21 children", 21, None, None),
    ("1.5 billion euros", 1_500_000_000, "EUR", None),
    ("12%", 12, "%", None),
    ("€1.2 billion", 1_200_000_000, "EUR", None),
    ("£2.4m", 2_400_000, "GBP", None),
    ("about 3.5 per cent", 3.5, "%", "about"),
    ("some 6,300 people", 6300, None, "some"),
    ("two hundred", 200, None, None),
    ("twenty-one children", 21, None, None),
    ("half a million", 500_000, None, None),
    ("at least 12,000 hectares", 12000, None, "at least"),
    ("US$40 billion", 40_000_000_000, "USD", None),
    ("4.99%", 4.99, "%", None),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier"), CASES)
def test_parse_figure(text: str, value: float, unit: str | None, qualifier: str | None) -> None:
    figure = parse_figure(text)
    assert figure is not None
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit
    assert figure.qualifier == qualifier


@pytest.mark.parametrize("text", ["", "   ", "hello", "the UN", "many people", "dozens"])
def test_unparseable_text_has_no_value(text: str) -> None:
    assert parse_figure(text) is None


def test_first_figure_in_a_selection_skips_years_and_dates() -> None:
    text = "On March 3, 2022, officials said nearly 500 of its troops had died."
    found = find_figure(text)
    assert found is not None
    assert found.text == "nearly 500"
    assert text[found.start:found.end] == "nearly 500"


def test_figures_of_the_sample_article(seeds_dir) -> None:
    body = (seeds_dir / "ukraine-invasion-latest.txt").read_text(encoding="utf-8")
    texts = [m.text for m in find_figures(body)]
    for expected in ("249 civilians", "$350 million package", "more than 1 million people",
                     "over 2,000", "21 children", "nearly 500", "more than 9,000"):
        assert expected in texts
    for match in find_figures(body):
        assert body[match.start:match.end] == match.text


def test_values_format_as_numbers() -> None:
    assert format_value(350_000_000.0) == "350000000"
    assert format_value(4.99) == "4.99"
    assert format_value(None) == ""
