"""Every text an article has had, and a side-by-side diff of two of them.

``import --update`` keeps each replaced text in ``article_revisions``; the current text is
the article's own. :func:`revisions` lists them oldest first (the current text last, with
``id`` None); :func:`side_by_side` compares two texts as a list of :class:`DiffOp` whose
offsets (Python code points) index both texts, so that a window can show them in two panes
with the changes marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+|\s+|[^\w\s]")

from desk.errors import NotFoundError

if TYPE_CHECKING:
    from desk.facade import Desk


@dataclass(frozen=True)
class Revision:
    """One text of an article; ``id`` is None for the current text."""

    id: int | None
    article_id: str
    title: str
    body: str
    body_sha256: str
    source_file: str
    replaced_at: str | None


@dataclass(frozen=True)
class DiffOp:
    """A stretch of two texts: ``equal``, ``delete`` (old only), ``insert`` (new only) or
    ``replace``; ``old[old_start:old_end]`` and ``new[new_start:new_end]``."""

    tag: str
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class RevisionDiff:
    """Two texts of an article and the operations that turn the first into the second."""

    old: Revision
    new: Revision
    ops: tuple[DiffOp, ...]

    def changed(self) -> list[DiffOp]:
        """Only the operations that change something."""
        return [op for op in self.ops if op.tag != "equal"]


def revisions(desk: Desk, article_id: str) -> list[Revision]:
    """Every text of an article, oldest first; the last is the current one (``id`` None)."""
    article = desk.article(article_id)
    rows = desk.db.execute(
        "SELECT id, article_id, title, body, body_sha256, source_file, replaced_at "
        "FROM article_revisions WHERE article_id = ? ORDER BY replaced_at, id", [article_id])
    found = [Revision(*row) for row in rows]
    found.append(Revision(None, article.id, article.title, article.body, article.body_sha256,
                          article.source_file, None))
    return found


def revision(desk: Desk, revision_id: int) -> Revision:
    """One stored earlier text by id."""
    row = desk.db.execute(
        "SELECT id, article_id, title, body, body_sha256, source_file, replaced_at "
        "FROM article_revisions WHERE id = ?", [revision_id]).fetchone()
    if row is None:
        raise NotFoundError(f"The desk has no article revision {revision_id}.")
    return Revision(*row)


def side_by_side(old: str, new: str, *, timeout: float = 2.0) -> list[DiffOp]:
    """Diff two texts word by word (diff-match-patch on word tokens, semantic clean-up)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    codes: dict[str, str] = {}
    encode = lambda tokens: "".join(codes.setdefault(t, chr(0x100 + len(codes)))  # noqa: E731
                                    for t in tokens)
    diffs = dmp.diff_main(encode(old_tokens), encode(new_tokens), False)
    dmp.diff_cleanupSemantic(diffs)
    ops: list[DiffOp] = []
    i = j = 0
    text_of = {code: token for token, code in codes.items()}
    for kind, coded in diffs:
        size = sum(len(text_of[code]) for code in coded)
        if kind == 0:
            ops.append(DiffOp("equal", i, i + size, j, j + size))
            i += size
            j += size
        elif kind < 0:
            ops.append(DiffOp("delete", i, i + size, j, j))
            i += size
        else:
            ops.append(DiffOp("insert", i, i, j, j + size))
            j += size
    return _merge_replacements(ops)


def _merge_replacements(ops: list[DiffOp]) -> list[DiffOp]:
    """Join a deletion next to an insertion into one ``replace``."""
    merged: list[DiffOp] = []
    for op in ops:
        last = merged[-1] if merged else None
        if last is not None and last.tag != "equal" and op.tag != "equal":
            merged[-1] = DiffOp("replace", last.old_start, op.old_end, last.new_start,
                                op.new_end)
        else:
            merged.append(op)
    return merged


def revision_diff(desk: Desk, article_id: str, revision_id: int | None = None,
                  against: int | None = None) -> RevisionDiff:
    """Diff one text of an article against a later one.

    By default the latest earlier text against the current one; ``revision_id`` picks the
    older text, ``against`` the newer (None: the current text).
    """
    texts = revisions(desk, article_id)
    if len(texts) < 2:
        raise NotFoundError("This article has only one text: it was never updated.")
    by_id = {r.id: r for r in texts}
    old = texts[-2] if revision_id is None else by_id.get(revision_id)
    new = by_id.get(against)
    if old is None or new is None:
        raise NotFoundError(f"The article has no revision {revision_id or against}.")
    return RevisionDiff(old, new, tuple(side_by_side(old.body, new.body)))
