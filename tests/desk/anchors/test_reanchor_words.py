"""A fuzzy re-anchor never cuts a word or a number in two (``249`` → ``312``, not ``2``)."""

from __future__ import annotations

from desk.anchors.reanchor import Reanchorer

OLD = "Intro.\n\nThe UN human rights office said 249 civilians were killed in March.\n"
QUOTE = "249 civilians were killed in March"


def place(old: str, new: str, quote: str):
    start = old.index(quote)
    return Reanchorer(old, new).place(start, start + len(quote), quote, old[:start][-32:],
                                      old[start + len(quote):][:32])


def test_a_changed_figure_is_taken_whole() -> None:
    placed = place(OLD, OLD.replace("249", "312"), QUOTE)
    assert (placed.status, placed.quote) == ("fuzzy", "312 civilians were killed in March")


def test_a_longer_figure_at_the_end_is_taken_whole() -> None:
    old = "Intro.\n\nOfficials said the civilians killed in March numbered 249 in all.\n"
    quote = "the civilians killed in March numbered 249"
    for figure in ("1,312", "2,317"):
        placed = place(old, old.replace("249", figure), quote)
        assert placed.quote == f"the civilians killed in March numbered {figure}"


def test_a_quote_that_began_inside_a_word_may_still_do_so() -> None:
    quote = "49 civilians were killed in March"  # the editor cut "249" in two
    placed = place(OLD, OLD.replace("were killed", "had been killed"), quote)
    assert placed.quote.startswith("49 civilians")
