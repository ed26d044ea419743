"""Importing annotations holds the desk's write lock only to add the claims: each annotation
is placed first, reading only. The import is still one transaction, and what another process
wrote between the placing and the writing counts."""

from __future__ import annotations

from typing import Any

import pytest

import desk.formats.annotation_import as annotation_import
from desk import Desk
from desk.formats.annotation_import import import_annotations
from desk.formats.interchange import annotation_collection
from desk.model import ArticleDraft
from tests.conftest import article_titled


def _annotations_of_new_claims(desk: Desk, quotes: list[str]) -> tuple[dict[str, Any], list[str]]:
    """W3C annotations of claims on these quotes (the claims themselves then removed)."""
    article = article_titled(desk, "Ukraine")
    ids = [desk.add_claim(article.id, (s := article.body.index(q)), s + len(q), source="Ana").id
           for q in quotes]
    data = annotation_collection(desk)
    for table in ("claims_tags", "claim_edits", "claims"):
        desk.conn.execute(f"DELETE FROM {table}")
    desk.conn.commit()
    return data, ids


def test_annotations_are_placed_before_the_write_lock(seeded_desk: Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data, ids = _annotations_of_new_claims(seeded_desk, ["$350 million", "Ukraine"])
    placed_in_a_transaction = []
    place = annotation_import._place

    def watched(desk: Desk, *args: Any) -> Any:
        placed_in_a_transaction.append(desk.conn.in_transaction)
        return place(desk, *args)

    monkeypatch.setattr(annotation_import, "_place", watched)
    result = import_annotations(seeded_desk, data)
    assert sorted(result.added) == sorted(ids)
    assert placed_in_a_transaction == [False, False]


def test_the_import_is_still_one_transaction(seeded_desk: Desk,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ids = _annotations_of_new_claims(seeded_desk, ["$350 million", "Ukraine"])
    write = annotation_import._write_one
    calls = []

    def failing_second(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("the disk went away")
        write(*args, **kwargs)

    monkeypatch.setattr(annotation_import, "_write_one", failing_second)
    with pytest.raises(OSError):
        import_annotations(seeded_desk, data)
    assert seeded_desk.claims() == []  # the first claim was rolled back with the second


def test_an_article_rewritten_meanwhile_gets_its_claims_placed_again(
        seeded_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process updates the article after the placing: its claim goes where the
    quote is in the new text, not at the old offsets."""
    data, ids = _annotations_of_new_claims(seeded_desk, ["$350 million"])
    article = article_titled(seeded_desk, "Ukraine")
    new_body = "A new first paragraph was added.\n\n" + article.body
    writing = seeded_desk.writing
    rewritten = []

    def rewrite_first() -> Any:
        if not rewritten:
            rewritten.append(1)
            with Desk.open(seeded_desk.path, editor="elsewhere") as other:
                other.update_article(ArticleDraft(title=article.title, body=new_body,
                                                  url=article.url,
                                                  source_file=article.source_file))
        return writing()

    monkeypatch.setattr(seeded_desk, "writing", rewrite_first)
    result = import_annotations(seeded_desk, data)
    assert result.added == ids and result.unplaced == []
    claim = seeded_desk.claim(ids[0])
    assert claim.quote == "$350 million"
    assert new_body[claim.start_char:claim.end_char] == "$350 million"


def test_a_claim_added_meanwhile_is_not_added_twice(seeded_desk: Desk,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data, ids = _annotations_of_new_claims(seeded_desk, ["$350 million"])
    writing = seeded_desk.writing
    done = []

    def import_elsewhere_first() -> Any:
        if not done:
            done.append(1)
            with Desk.open(seeded_desk.path, editor="elsewhere") as other:
                assert import_annotations(other, data).added == ids
        return writing()

    monkeypatch.setattr(seeded_desk, "writing", import_elsewhere_first)
    result = import_annotations(seeded_desk, data)
    assert result.added == [] and len(result.skipped) == 1
    assert [c.id for c in seeded_desk.claims()] == ids
