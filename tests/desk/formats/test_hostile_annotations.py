"""Annotation files from other tools are untrusted: valid JSON of any shape gives claims, a
'not placed' line or a DeskError naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desk import Desk, DeskError
from desk.formats.annotation_import import import_annotations, without_lone_surrogates
from desk.model import ArticleDraft

BODY = "Hello world says 5 million people."


def quoting(exact: Any, **extra: Any) -> dict[str, Any]:
    return {"target": {"selector": {"type": "TextQuoteSelector", "exact": exact}}, **extra}


@pytest.fixture
def small(desk: Desk) -> Desk:
    desk.add_article(ArticleDraft(title="t", body=BODY, source_file="x.txt"))
    return desk


@pytest.mark.parametrize("item, added", [
    (quoting("Hello", tags=5), 1),                         # tags not a list
    (quoting("Hello", tags="a,b"), 1),
    (quoting("Hel\ud800lo"), 0),                           # a lone surrogate in the quote
    (quoting("Hello", claimSource="x\udc00"), 1),          # ... in a field SQLite stores
    (quoting("world", bodyValue="note \udc00"), 1),
    (quoting("says", creator={"name": "\ud800"}), 1),      # ... in the editor's name
    (quoting("people", id="\ud800"), 1),                   # ... in the label printed
    (quoting("\x00"), 0),
])
def test_hostile_fields_give_a_result(small: Desk, item: dict[str, Any], added: int) -> None:
    result = import_annotations(small, [item])
    assert len(result.added) == added
    "\n".join(result.lines()).encode("utf-8")  # printable
    for claim in small.claims():
        (claim.source + claim.note + claim.editor).encode("utf-8")


def test_deeply_nested_json_is_refused_naming_the_file(small: Desk, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DeskError, match="deep.json"):
        import_annotations(small, path)
    assert small.claims() == []


def test_surrogates_are_replaced_in_keys_and_values_at_any_depth() -> None:
    data: Any = {"\ud800k": ["\udc00"]}
    for _ in range(5000):
        data = [data]
    cleaned = without_lone_surrogates(data)
    for _ in range(5000):
        cleaned = cleaned[0]
    assert cleaned == {"\ufffdk": ["\ufffd"]}


@pytest.mark.parametrize("name", ["a\x00b.json", "\udfff.json"])
def test_a_file_name_no_file_can_have_is_refused(small: Desk, name: str) -> None:
    with pytest.raises(DeskError, match="Cannot read"):
        import_annotations(small, name)
