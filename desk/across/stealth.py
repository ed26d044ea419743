"""Stealth edits: what an updated article changed under its claims.

When ``import --update`` replaces an article's text (:meth:`desk.store.Desk.update_article`),
every live claim is compared between the old and the new text, whether or not it moved:

* **figure** — the numbers in the claim's quote (or, when the quote holds none, in its
  sentence) differ: "the figure in this claim was 2,000, is now 2,400";
* **attribution** — who the sentence credits changed ("according to X", "X said", "said X"),
  or the claim's own source is no longer named in its sentence;
* **removed** — the claim's passage is gone from the new text (the claim is orphaned);
  nothing else is reported for it.

The changes are stored in ``claim_changes`` with the article revision they belong to, so
that the window can list them later (:func:`changes`) and show both texts
(:mod:`desk.revisions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from desk.across.grouping import normalise_source
from desk.clock import now_iso
from desk.model import Claim
from desk.text.figures import find_figures, number_end, parse_figure

if TYPE_CHECKING:
    from desk.facade import Desk


@dataclass(frozen=True)
class ClaimChange:
    """One change an article update made under a claim."""

    claim_id: str
    article_id: str
    kind: str
    old_text: str
    new_text: str
    message: str
    revision_id: int | None = None
    detected_at: str = ""
    reviewed_at: str | None = None
    id: int | None = None


_ATTRIBUTION = [
    re.compile(r"\baccording to\s+(?P<who>[^,.;:!?\n]+)", re.IGNORECASE),
    re.compile(r"(?P<who>\b(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[\w'’\-]+){0,6}?)\s+"
               r"(?:said|says|told|reported|estimated|announced|confirmed|stated)\b"),
    re.compile(r"\b(?:said|says|reported|estimated|announced|confirmed)\s+(?P<who>(?:the\s+)?"
               r"[A-Z][\w'’\-]*(?:\s+[A-Za-z'’\-]+){0,5})"),
]
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def detect_changes(old_body: str, new_body: str, old_claims: list[Claim],
                   new_claims: list[Claim]) -> list[ClaimChange]:
    """Changes under each live claim between two texts of one article.

    ``old_claims`` are the claims as they were placed in ``old_body``; ``new_claims`` the
    same claims after re-anchoring in ``new_body`` (matched by id).
    """
    after = {c.id: c for c in new_claims}
    found: list[ClaimChange] = []
    for old in old_claims:
        new = after.get(old.id)
        if old.deleted_at or new is None or old.anchor_status == "orphaned":
            continue  # deleted, or not placed in the old text either
        if not (0 <= old.start_char < old.end_char <= len(old_body)):
            continue
        found.extend(_changes_of(old, old_body, new_body, new))
    return found


def _changes_of(claim: Claim, old_body: str, new_body: str, new: Claim) -> list[ClaimChange]:
    changes: list[ClaimChange] = []

    def add(kind: str, old_text: str, new_text: str, message: str) -> None:
        changes.append(ClaimChange(claim.id, claim.article_id, kind, old_text, new_text,
                                   message))

    old_quote = old_body[claim.start_char:claim.end_char]
    if new.anchor_status == "orphaned":
        figures = ", ".join(_figures(old_quote))
        with_figures = f" with its figure {figures}" if figures else ""
        add("removed", old_quote, "",
            f"the passage of this claim (“{_short(old_quote)}”){with_figures} is no longer "
            "in the text")
        return changes
    old_sentence = sentence_around(old_body, claim.start_char, claim.end_char)
    new_sentence = sentence_around(new_body, new.start_char, new.end_char)
    if old_sentence == new_sentence:
        return []
    new_quote = new_body[new.start_char:new.end_char]
    old_figures, new_figures = _figures(old_quote), _figures(new_quote)
    if not old_figures:
        old_figures, new_figures = _figures(old_sentence), _figures(new_sentence)
    if old_figures != new_figures:
        for index in range(max(len(old_figures), len(new_figures))):
            before = old_figures[index] if index < len(old_figures) else ""
            now = new_figures[index] if index < len(new_figures) else ""
            if before == now:
                continue
            if before and now:
                message = f"the figure in this claim was {before}, is now {now}"
                if claim.figure and _value(claim.figure) != _value(now):
                    message += f" (the claim records “{claim.figure}”)"
            elif before:
                message = f"the figure {before} in this claim is gone"
            else:
                message = f"this claim now has the figure {now}"
            add("figure", before, now, message)
    old_who, new_who = attributions(old_sentence), attributions(new_sentence)
    source = normalise_source(claim.source)
    dropped = bool(source) and _names(old_sentence, source) and not _names(new_sentence, source)
    if _keys(old_who) != _keys(new_who) or dropped:
        before = "; ".join(old_who) or claim.source
        now = "; ".join(new_who) or "no one"
        message = f"the attribution of this claim was “{before}”, is now “{now}”"
        if dropped:
            message += f" (its source “{claim.source}” is no longer named)"
        add("attribution", before, now, message)
    return changes


def sentence_around(body: str, start: int, end: int) -> str:
    """The sentence(s) holding ``body[start:end]``, stripped."""
    begin = 0
    for match in _SENTENCE_END.finditer(body, 0, max(start, 0)):
        begin = match.end()
    stop = _SENTENCE_END.search(body, max(end, start))
    finish = stop.end() if stop else len(body)
    return body[begin:finish].strip()


def attributions(sentence: str) -> list[str]:
    """Who a sentence credits, in order, as written ("according to the UN" → "the UN")."""
    found: dict[str, str] = {}
    for pattern in _ATTRIBUTION:
        for match in pattern.finditer(sentence):
            who = match.group("who").strip()
            key = normalise_source(who)
            if key and key not in found:
                found[key] = who
    return list(found.values())


def _keys(names: list[str]) -> list[str]:
    return [normalise_source(name) for name in names]


def _names(sentence: str, source: str) -> bool:
    return f" {source} " in f" {normalise_source(sentence)} "


def _figures(text: str) -> list[str]:
    """The number phrases of a text ("nearly 300", "$350 million"), without counted nouns."""
    return [text[match.start:number_end(text, match.start)].strip()
            for match in find_figures(text)]


def _value(text: str) -> float | None:
    parsed = parse_figure(text)
    return parsed.value if parsed else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_changes(db: sqlite_utils.Database, revision_id: int | None,
                   changes: list[ClaimChange]) -> list[ClaimChange]:
    """Store changes in ``claim_changes`` for ``revision_id``; returns them with their ids."""
    now = now_iso()
    stored = []
    for change in changes:
        row = {"revision_id": revision_id, "article_id": change.article_id,
               "claim_id": change.claim_id, "kind": change.kind, "old_text": change.old_text,
               "new_text": change.new_text, "message": change.message, "detected_at": now}
        row_id = db["claim_changes"].insert(row).last_pk
        stored.append(ClaimChange(change.claim_id, change.article_id, change.kind,
                                  change.old_text, change.new_text, change.message,
                                  revision_id, now, None, row_id))
    return stored


def changes(desk: Desk, article_id: str | None = None, *, revision_id: int | None = None,
            unreviewed: bool = False) -> list[ClaimChange]:
    """Stored stealth-edit changes, newest revision first (of one article or revision)."""
    where, params = ["1"], []
    if article_id is not None:
        where.append("article_id = ?")
        params.append(article_id)
    if revision_id is not None:
        where.append("revision_id = ?")
        params.append(revision_id)
    if unreviewed:
        where.append("reviewed_at IS NULL")
    rows = desk.db.execute(
        "SELECT claim_id, article_id, kind, old_text, new_text, message, revision_id, "
        f"detected_at, reviewed_at, id FROM claim_changes WHERE {' AND '.join(where)} "
        "ORDER BY revision_id DESC, id", params)
    return [ClaimChange(*row) for row in rows]


def latest_changes(desk: Desk, article_id: str) -> list[ClaimChange]:
    """The changes found by the latest update of an article ([] if it never changed)."""
    row = desk.db.execute("SELECT max(id) FROM article_revisions WHERE article_id = ?",
                          [article_id]).fetchone()
    if not row or row[0] is None:
        return []
    return changes(desk, article_id, revision_id=row[0])


def mark_reviewed(desk: Desk, change_id: int) -> None:
    """Mark one stored change as seen by an editor."""
    desk._check_writable()  # noqa: SLF001
    with desk.writing():
        desk.db["claim_changes"].update(change_id, {"reviewed_at": now_iso()})
