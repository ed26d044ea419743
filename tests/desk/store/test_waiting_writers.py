"""Writes that another process's write overlaps wait their turn instead of failing.

Every write must start with ``BEGIN IMMEDIATE``: a plain (deferred) ``BEGIN`` reads first and
asks for the write lock later, and when another process committed meanwhile SQLite cannot
upgrade the stale read and fails at once with SQLITE_BUSY (no busy timeout applies), which
lost the whole import or merge."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desk import Desk
from desk.fieldwork.merge import merge_desks
from desk.formats.annotation_import import import_annotations
from desk.formats.interchange import annotation_collection
from tests.conftest import SEEDS, article_titled


@contextmanager
def another_writer(path: Path, seconds: float = 0.4) -> Iterator[None]:
    """Another connection holds the write lock, writes, and commits after ``seconds``."""
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT OR REPLACE INTO desk_meta VALUES ('elsewhere', 'a write')")

    def commit() -> None:
        other.execute("COMMIT")

    timer = threading.Timer(seconds, commit)
    timer.start()
    try:
        yield
    finally:
        timer.join()
        other.close()


def _run_while_another_writes(desk: Desk, action: Callable[[], object]) -> object:
    with another_writer(desk.path):
        return action()


def test_annotation_import_waits_for_another_writer(seeded_desk: Desk, tmp_path: Path) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    start = article.body.index("$350 million")
    claim = seeded_desk.add_claim(article.id, start, start + 12, source="An official")
    data = annotation_collection(seeded_desk)
    seeded_desk.delete_claim(claim.id)
    seeded_desk.conn.execute("DELETE FROM claim_edits")
    seeded_desk.conn.execute("DELETE FROM claims")
    seeded_desk.conn.commit()
    result = _run_while_another_writes(seeded_desk, lambda: import_annotations(seeded_desk, data))
    assert len(result.added) == 1  # type: ignore[union-attr]
    assert seeded_desk.setting("elsewhere") == "a write"


def test_merge_waits_for_another_writer(seeded_desk: Desk, tmp_path: Path) -> None:
    other_path = tmp_path / "laptop.desk"
    with Desk.open(other_path, editor="laptop") as other:
        other.import_path(SEEDS)
        article = article_titled(other, "Ukraine")
        start = article.body.index("$350 million")
        other.add_claim(article.id, start, start + 12, source="Laptop")
    summary = _run_while_another_writes(
        seeded_desk, lambda: merge_desks(seeded_desk, [other_path], backup=False))
    assert summary is not None
    assert [c.source for c in seeded_desk.claims()] == ["Laptop"]
    assert seeded_desk.setting("elsewhere") == "a write"


def test_capabilities_start_their_writes_through_desk_writing() -> None:
    """``db.atomic()`` begins with a deferred ``BEGIN``; only the store (which nests it under
    ``BEGIN IMMEDIATE`` or runs it on a file no one else has yet) may call it."""
    root = Path(__file__).resolve().parents[3] / "desk"
    # Called only inside Desk.writing() (trust/operations.update_article), as a savepoint.
    nested_only = {root / "anchors" / "reanchor.py"}
    offenders = [str(path.relative_to(root)) for path in sorted(root.rglob("*.py"))
                 if path.parent.name != "store" and path.name != "facade.py"
                 and path not in nested_only and ".atomic()" in path.read_text()]
    assert offenders == []


def test_exports_see_a_claim_another_process_adds_while_they_read(
        seeded_desk: Desk, monkeypatch) -> None:
    """The W3C and ClaimReview exports read the claims and the articles separately; an
    article and a claim added in between (the crowded desk) gave a KeyError."""
    from desk.formats.interchange import claim_reviews
    from desk.model import ArticleDraft

    reads = {"articles": Desk.articles, "claims": Desk.claims}

    def writing_between(name: str):
        def read(self: Desk, *args, **kwargs):
            result = reads[name](self, *args, **kwargs)
            if self is seeded_desk:
                with Desk.open(self.path, editor="elsewhere") as other:
                    added = other.add_article(ArticleDraft(
                        title="Late", body=f"A late article on {name}, 7 people.",
                        source_file="late.txt")).article_id
                    other.add_claim(added, 2, 6, status="false")
            return result
        return read

    for name in ("articles", "claims"):
        monkeypatch.setattr(Desk, name, writing_between(name))
        annotation_collection(seeded_desk)
        claim_reviews(seeded_desk)
        monkeypatch.setattr(Desk, name, reads[name])
