"""Re-anchoring claims when an article's text is replaced (``import --update``).

Every claim of the article (deleted ones too, so that an undone delete is still placed) is
placed in the new text by the first rule that works:

1. **stored offsets** — the quote is still at ``body[start:end]`` → ``anchored``;
2. **exact occurrence** — the quote occurs elsewhere: the occurrence whose prefix and suffix
   (32 characters each side) match the claim's best wins, ties broken by the distance from
   the claim's old position carried through a text diff → ``anchored``;
3. **fuzzy match** — diff-match-patch finds the passage (by mapping the old offsets through
   a character diff of the two texts, and by its Bitap ``match_main`` search for the
   quote's head and tail); the best candidate whose text is at least
   :data:`FUZZY_THRESHOLD` similar to the old quote (normalised Levenshtein similarity)
   is taken → ``fuzzy``: quote, prefix and suffix now hold the new text and the old quote is
   kept in ``previous_quote``; the claim is flagged for an editor's look. A candidate that
   is mostly text which was already elsewhere in the old article, unchanged (a similar
   neighbouring sentence after the claim's own was deleted), is not taken;
4. otherwise → ``orphaned``: quote, prefix and suffix are kept, the offsets are clamped into
   the new text, and the claim is listed as needing attention until it is re-attached.

A claim is never dropped. A claim that was ``fuzzy`` and is found again exactly stays
``fuzzy`` until an editor accepts or re-attaches it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Levenshtein

from desk.anchors.anchoring import CONTEXT_CHARS, trim_span
from desk.clock import now_iso
from desk.model import Article, ArticleDraft, Claim

#: A fuzzy candidate must be at least this similar to the old quote (1.0 = identical):
#: 0.75 means at most a quarter of the characters changed.
FUZZY_THRESHOLD = 0.75
#: A fuzzy candidate is refused when more than this share of it is text that was already
#: elsewhere in the old article, unchanged (a similar neighbouring sentence, not an edit of
#: the claim's own passage).
MAX_FOREIGN_SHARE = 0.5
#: diff-match-patch's Bitap search handles patterns up to this many characters.
_MATCH_BITS = 32


@dataclass(frozen=True)
class Placement:
    """Where a claim goes in the new text, and how it was found.

    ``how`` is ``offsets``, ``exact``, ``fuzzy`` or ``orphaned``; ``status`` is the
    claim's new ``anchor_status``.
    """

    status: str
    how: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    previous_quote: str | None


class Reanchorer:
    """Places claims of ``old_body`` in ``new_body`` (one diff, shared by every claim)."""

    def __init__(self, old_body: str, new_body: str) -> None:
        self.old_body = old_body
        self.new_body = new_body
        self._dmp = diff_match_patch()
        self._dmp.Diff_Timeout = 2.0
        self._diffs: list[tuple[int, str]] | None = None

    def _map(self, old_offset: int) -> int:
        """An offset in the old text carried to the new text through a character diff."""
        if self._diffs is None:
            self._diffs = self._dmp.diff_main(self.old_body, self.new_body)
        return min(self._dmp.diff_xIndex(self._diffs, old_offset), len(self.new_body))

    def place(self, start: int, end: int, quote: str, prefix: str, suffix: str,
              anchor_status: str = "anchored", previous_quote: str | None = None) -> Placement:
        """Place one claim by the rules in this module's docstring."""
        body = self.new_body
        was_placed = (anchor_status != "orphaned" and 0 <= start < end <= len(self.old_body)
                      and self.old_body[start:end] == quote)
        keep = "fuzzy" if anchor_status == "fuzzy" else "anchored"
        if quote and 0 <= start < end <= len(body) and body[start:end] == quote:
            return self._placed(keep, "offsets", start, end, previous_quote)
        expected = self._map(start) if was_placed else min(max(start, 0), len(body))
        exact = self._best_occurrence(quote, prefix, suffix, expected)
        if exact is not None:
            return self._placed(keep, "exact", exact, exact + len(quote), previous_quote)
        fuzzy = self._fuzzy(start, end, quote, expected, was_placed)
        if fuzzy is not None:
            earlier = previous_quote if anchor_status == "fuzzy" and previous_quote else quote
            return self._placed("fuzzy", "fuzzy", fuzzy[0], fuzzy[1], earlier)
        clamped_start = min(max(start, 0), len(body))
        clamped_end = min(max(end, clamped_start), len(body))
        return Placement("orphaned", "orphaned", clamped_start, clamped_end, quote, prefix,
                         suffix, previous_quote)

    def _placed(self, status: str, how: str, start: int, end: int,
                previous_quote: str | None) -> Placement:
        body = self.new_body
        return Placement(status, how, start, end, body[start:end],
                         body[max(0, start - CONTEXT_CHARS):start],
                         body[end:end + CONTEXT_CHARS], previous_quote)

    def _best_occurrence(self, quote: str, prefix: str, suffix: str,
                         expected: int) -> int | None:
        if not quote:
            return None
        body = self.new_body
        best: tuple[int, int] | None = None
        best_at: int | None = None
        at = body.find(quote)
        while at != -1:
            before = body[max(0, at - CONTEXT_CHARS):at]
            after = body[at + len(quote):at + len(quote) + CONTEXT_CHARS]
            score = _common_suffix(prefix, before) + _common_prefix(suffix, after)
            key = (-score, abs(at - expected))
            if best is None or key < best:
                best, best_at = key, at
            at = body.find(quote, at + 1)
        return best_at

    def _fuzzy(self, start: int, end: int, quote: str, expected: int,
               was_placed: bool) -> tuple[int, int] | None:
        body = self.new_body
        candidates: list[tuple[int, int]] = []
        if was_placed:
            candidates.append((self._map(start), self._map(end)))
        head = quote[:_MATCH_BITS]
        found = self._dmp.match_main(body, head, expected) if head.strip() else -1
        if found != -1:
            if len(quote) <= _MATCH_BITS:
                candidates.append((found, found + len(quote)))
            else:
                tail = quote[-_MATCH_BITS:]
                tail_at = self._dmp.match_main(body, tail, found + len(quote) - _MATCH_BITS)
                if tail_at != -1:
                    candidates.append((found, tail_at + len(tail)))
                candidates.append((found, found + len(quote)))
        best: tuple[float, int, int] | None = None
        for cand_start, cand_end in candidates:
            cand_start, cand_end = trim_span(body, max(0, cand_start), min(len(body), cand_end))
            if was_placed:  # a quote of whole words stays whole words ("312", never "2")
                cand_start, cand_end = _whole_words(self.old_body, start, end, body,
                                                    cand_start, cand_end)
            if cand_end <= cand_start:
                continue
            if was_placed and self._foreign_share(cand_start, cand_end, start,
                                                  end) > MAX_FOREIGN_SHARE:
                continue
            score = Levenshtein.normalized_similarity(quote, body[cand_start:cand_end])
            if best is None or score > best[0]:
                best = (score, cand_start, cand_end)
        if best is None or best[0] < FUZZY_THRESHOLD:
            return None
        return best[1], best[2]


    def _foreign_share(self, new_start: int, new_end: int, old_start: int,
                       old_end: int) -> float:
        """The share of ``new_body[new_start:new_end]`` that is unchanged old text from
        outside ``old_body[old_start:old_end]``."""
        if self._diffs is None:
            self._map(0)
        old_at = new_at = foreign = 0
        for op, text in self._diffs or []:
            size = len(text)
            if op == diff_match_patch.DIFF_EQUAL:
                low, high = max(new_at, new_start), min(new_at + size, new_end)
                if low < high:
                    old_low, old_high = low - new_at + old_at, high - new_at + old_at
                    inside = max(0, min(old_high, old_end) - max(old_low, old_start))
                    foreign += (high - low) - inside
                old_at += size
                new_at += size
            elif op == diff_match_patch.DIFF_DELETE:
                old_at += size
            else:
                new_at += size
            if new_at >= new_end:
                break
        return foreign / (new_end - new_start)


def update_article_text(db: sqlite_utils.Database, article: Article, draft: ArticleDraft,
                        claims: list[Claim], editor: str) -> dict[str, int]:
    """Replace an article's text with ``draft`` and re-anchor ``claims``, in one transaction.

    The old text goes to ``article_revisions``. Returns how many claims were placed by each
    rule (``offsets``, ``exact``, ``fuzzy``, ``orphaned``) and how many moved (``changed``).
    """
    now = now_iso()
    reanchorer = Reanchorer(article.body, draft.body)
    counts = {"offsets": 0, "exact": 0, "fuzzy": 0, "orphaned": 0, "changed": 0}
    with db.atomic():
        db["article_revisions"].insert({
            "article_id": article.id, "title": article.title, "body": article.body,
            "body_sha256": article.body_sha256, "source_file": article.source_file,
            "replaced_at": now,
        })
        db["articles"].update(article.id, {
            "title": draft.title, "body": draft.body,
            "url": draft.url or article.url, "byline": draft.byline or article.byline,
            "published_at": draft.published_at or article.published_at,
            "source_file": draft.source_file,
            "body_sha256": hashlib.sha256(draft.body.encode("utf-8")).hexdigest(),
            "updated_at": now,
        })
        for claim in claims:
            placed = reanchorer.place(claim.start_char, claim.end_char, claim.quote,
                                      claim.prefix, claim.suffix, claim.anchor_status,
                                      claim.previous_quote)
            counts[placed.how] += 1
            columns: dict[str, Any] = {
                "start_char": placed.start, "end_char": placed.end, "quote": placed.quote,
                "prefix": placed.prefix, "suffix": placed.suffix,
                "anchor_status": placed.status, "previous_quote": placed.previous_quote,
            }
            if all(getattr(claim, name) == value for name, value in columns.items()):
                continue
            counts["changed"] += 1
            columns.update(updated_at=now, editor=editor)
            db["claims"].update(claim.id, columns)
            db["claim_edits"].upsert(
                {"claim_id": claim.id, "field": "anchor", "edited_at": now, "editor": editor},
                pk=("claim_id", "field"),
            )
    return counts


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _whole_words(old_body: str, old_start: int, old_end: int, body: str, start: int,
                 end: int) -> tuple[int, int]:
    """Widen a candidate that cuts a word (or number) in two, where the old quote did not."""
    def cut(text: str, at: int) -> bool:
        return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()

    if not cut(old_body, old_start):
        while cut(body, start):
            start -= 1
    if not cut(old_body, old_end):
        while cut(body, end):
            end += 1
    return start, end
