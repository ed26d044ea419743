"""The same claim across articles: groups of claims that state the same thing.

Two live claims of different articles are grouped automatically when

* their quotes are near-identical once their number phrases are masked (rapidfuzz ``ratio``
  of :func:`masked_quote` at least :data:`QUOTE_THRESHOLD`; quotes of
  :data:`MIN_QUOTE_CHARS` characters or more), or
* they name the same source and give a figure of the same unit and kind within a factor of
  :data:`MAGNITUDE_RATIO` of each other, in quotes that say much the same with the numbers
  left out (``token_sort_ratio`` at least :data:`TOPIC_THRESHOLD`).

A claim joins a group only if it also states the same thing as the group's first claim, so
that groups do not grow by chains of small differences.

Groups are stored in the ``claim_groups`` table, one row per grouped claim. Rows the
editor made or touched (``how = 'editor'``: confirm, split, merge, add; see
:mod:`desk.group_edits`) never move again automatically; :func:`refresh_groups` only regroups the other claims, and may add a new
claim to an editor's group. Group ids stay stable across refreshes where they can.

Each :class:`ClaimGroup` knows where it was seen: ``group.summary()`` gives
"seen in 3 articles, first on 2026-03-02 by dailyledger.example".
"""

from __future__ import annotations

import bisect
import re
import uuid
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from desk.across.intervals import kind_of, same_kind
from desk.clock import now_iso
from desk.errors import DeskError, NotFoundError
from desk.model import Change, Claim
from desk.store.reads import query_claims
from desk.text.figures import QUALIFIERS

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.across.signatures import Keys
    from desk.model import Cancelled, Progress

K = TypeVar("K", bound=Hashable)

#: Quotes at least this similar (rapidfuzz ``ratio``, 0–100) state the same thing.
QUOTE_THRESHOLD = 85.0
#: Quotes shorter than this (normalised) are too short to group by their wording alone.
MIN_QUOTE_CHARS = 20
#: Same source, same unit: figures within this factor of each other may be the same claim.
MAGNITUDE_RATIO = 2.0
#: ...when their quotes, numbers left out, are at least this similar (``token_sort_ratio``).
TOPIC_THRESHOLD = 60.0


@dataclass(frozen=True)
class Appearance:
    """One article a group's claim appears in."""

    article_id: str
    title: str
    url: str
    outlet: str
    date: str
    claim_id: str


@dataclass(frozen=True)
class ClaimGroup:
    """Claims of several articles that state the same thing; appearances earliest first."""

    id: str
    claims: tuple[Claim, ...]
    appearances: tuple[Appearance, ...]
    confirmed: bool
    how: str
    claim_how: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def article_count(self) -> int:
        """How many different articles the group's claims are in."""
        return len(self.appearances)

    @property
    def first(self) -> Appearance:
        """The earliest appearance (by publication date, else import date)."""
        return self.appearances[0]

    def summary(self) -> str:
        """"seen in N articles, first on DATE by OUTLET"."""
        first = self.first
        when = f" on {first.date}" if first.date else ""
        return f"seen in {self.article_count} articles, first{when} by {first.outlet}"


def outlet_of(url: str, byline: str, source_file: str) -> str:
    """Who published an article: the URL's host (without www.), else byline, else file name."""
    host = urlsplit(url).hostname if url else None
    if host:
        return host[4:] if host.startswith("www.") else host
    return byline.strip() or source_file or "unknown outlet"


def normalise_quote(text: str) -> str:
    """A quote for comparison: case-folded, curly quotes and dashes plain, spaces single."""
    text = text.casefold().replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return " ".join(text.split())


_QUALIFIER_SET = frozenset(QUALIFIERS)
_NUMBER_TOKEN = re.compile(r"^(?:us\$|[$€£¥₹])?\d[\d,]*(?:\.\d+)?(?:%|m|bn|k)?[.,;:!?)]*$")
_NUMBER_TAIL = frozenset({"%", "percent", "per", "cent", "thousand", "million", "billion",
                          "trillion", "bn", "mn", "m"})


def masked_quote(text: str) -> str:
    """A normalised quote with each number phrase ("nearly 300", "$1.2 billion") as ``#``.

    Two reports of one claim with different figures then compare as the same words.
    """
    out: list[str] = []
    words = normalise_quote(text).split()
    skip_tail = False
    for word in words:
        if _NUMBER_TOKEN.match(word):
            for size in (3, 2, 1):  # drop a qualifier just before ("more than", "nearly")
                if len(out) >= size and " ".join(out[-size:]) in _QUALIFIER_SET:
                    del out[-size:]
                    break
            out.append("#")
            skip_tail = True
        elif skip_tail and word.rstrip(".,;:!?)") in _NUMBER_TAIL:
            continue
        else:
            out.append(word)
            skip_tail = False
    return " ".join(out)


def normalise_source(text: str) -> str:
    """A source for comparison: case-folded, without a leading "the" or punctuation
    (apostrophes stay: "the mayor’s office" → "mayor's office")."""
    text = re.sub(r"[^\w\s']", " ", text.casefold().replace("’", "'"))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# -- reading groups ----------------------------------------------------------------------

def groups(desk: Desk, *, min_articles: int = 2) -> list[ClaimGroup]:
    """Stored groups of live claims seen in at least ``min_articles`` articles.

    Ordered by article count (most first), then by first appearance.
    """
    found = [g for g in _load_groups(desk).values() if g.article_count >= min_articles]
    found.sort(key=lambda g: (-g.article_count, g.first.date, g.id))
    return found


def groups_page(desk: Desk, offset: int = 0, limit: int = 100, *,
                min_articles: int = 2) -> list[ClaimGroup]:
    """One page of :func:`groups`, in the same order, reading only that page's claims
    (the views show the first rows of a big desk at once and page the rest)."""
    return groups_by_id(desk, group_ids(desk, min_articles=min_articles)[offset:offset + limit])


def group_ids(desk: Desk, *, min_articles: int = 2) -> list[str]:
    """The ids of :func:`groups`, in its order (most articles first, then the earliest)."""
    return [row[0] for row in desk.conn.execute(
        """SELECT g.group_id FROM claim_groups g JOIN claims c ON c.id = g.claim_id
           JOIN articles a ON a.id = c.article_id WHERE c.deleted_at IS NULL
           GROUP BY g.group_id HAVING count(DISTINCT c.article_id) >= ?
           ORDER BY count(DISTINCT c.article_id) DESC,
                    min(substr(coalesce(nullif(a.published_at, ''),
                                        substr(a.imported_at, 1, 10)), 1, 10)), g.group_id""",
        [min_articles])]


def groups_by_id(desk: Desk, ids: list[str]) -> list[ClaimGroup]:
    """These groups, in this order (ids of no live group left out)."""
    if not ids:
        return []
    loaded = _load_groups(desk, f"g.group_id IN ({', '.join('?' * len(ids))})", ids)
    return [loaded[group_id] for group_id in ids if group_id in loaded]


def group_count(desk: Desk, *, min_articles: int = 2) -> int:
    """How many groups :func:`groups` lists."""
    return desk.conn.execute(
        """SELECT count(*) FROM (SELECT 1 FROM claim_groups g JOIN claims c
           ON c.id = g.claim_id WHERE c.deleted_at IS NULL GROUP BY g.group_id
           HAVING count(DISTINCT c.article_id) >= ?)""", [min_articles]).fetchone()[0]


def group(desk: Desk, group_id: str) -> ClaimGroup:
    """One stored group by id (:class:`NotFoundError` if it has no live claim)."""
    found = _load_groups(desk, "g.group_id = ?", [group_id]).get(group_id)
    if found is None:
        raise NotFoundError(f"The desk has no group {group_id}.")
    return found


def group_of(desk: Desk, claim_id: str) -> ClaimGroup | None:
    """The group a claim belongs to (None when it is in none, or alone in its group)."""
    row = desk.db.execute("SELECT group_id FROM claim_groups WHERE claim_id = ?",
                          [claim_id]).fetchone()
    if row is None:
        return None
    found = _load_groups(desk, "g.group_id = ?", [row[0]]).get(row[0])
    return found if found and len(found.claims) > 1 else None


def _load_groups(desk: Desk, where: str = "1", params: Iterable[Any] = ()) -> dict[str, ClaimGroup]:
    rows = desk.db.execute(
        f"""SELECT g.group_id, g.claim_id, g.how, g.confirmed_at, a.id, a.title, a.url,
                   a.byline, a.source_file, coalesce(nullif(a.published_at, ''),
                   substr(a.imported_at, 1, 10))
            FROM claim_groups g JOIN claims c ON c.id = g.claim_id
            JOIN articles a ON a.id = c.article_id
            WHERE c.deleted_at IS NULL AND {where}""", list(params)).fetchall()
    if not rows:
        return {}
    claims = {c.id: c for c in _claims_by_id(desk, [row[1] for row in rows])}
    members: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        members.setdefault(row[0], []).append(row)
    result = {}
    for group_id, items in members.items():
        appearances: dict[str, Appearance] = {}
        for _, claim_id, _, _, art_id, title, url, byline, source_file, date in items:
            seen = Appearance(art_id, title, url, outlet_of(url, byline, source_file),
                              (date or "")[:10], claim_id)
            if art_id not in appearances or seen.date < appearances[art_id].date:
                appearances[art_id] = seen
        ordered = tuple(sorted(appearances.values(), key=lambda a: (a.date, a.outlet)))
        hows = {row[2] for row in items}
        how = "editor" if "editor" in hows else ("quote" if "quote" in hows else "figure")
        rank = {appearance.article_id: index for index, appearance in enumerate(ordered)}
        result[group_id] = ClaimGroup(
            group_id, tuple(sorted((claims[row[1]] for row in items), key=lambda c: (
                rank.get(c.article_id, len(ordered)), c.start_char))),
            ordered, all(row[3] for row in items), how, {row[1]: row[2] for row in items})
    return result


def _claims_by_id(desk: Desk, ids: list[str]) -> list[Claim]:
    found: list[Claim] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.extend(query_claims(desk.conn, f"c.id IN ({marks})", chunk))
    return found


# -- automatic grouping --------------------------------------------------------------------

class GroupingCancelled(DeskError):
    """:func:`refresh_groups` was cancelled; the stored groups are as they were."""


def regroup_all_pairs(desk: Desk, progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> list[ClaimGroup]:
    """Regroup the claims an editor has not grouped by hand by comparing every quote with
    every other; store and return all groups.

    The reference the index (:mod:`desk.across.rebuild`) is measured against: it grows
    with the square of the claims (about 10 s for 10,000 claims, hours for 100,000).
    ``progress(done, total, label)``; ``cancelled()`` raises :class:`GroupingCancelled`.
    """
    desk._check_writable()  # noqa: SLF001
    claims = desk.claims()
    stored = {row[0]: (row[1], row[2]) for row in desk.db.execute(
        "SELECT claim_id, group_id, how FROM claim_groups")}
    held = {cid: gid for cid, (gid, how) in stored.items() if how == "editor"}
    previous = {cid: gid for cid, (gid, how) in stored.items() if how != "editor"}
    assigned = _cluster(claims, held, previous, progress, cancelled)
    now = now_iso()
    writes, deletes = [], []
    for claim in claims:
        if claim.id in held:
            continue
        old = stored.get(claim.id)
        new = assigned.get(claim.id)
        if new is None:
            if old is not None:
                deletes.append(claim.id)
        elif old is None or old != new:
            writes.append({"claim_id": claim.id, "group_id": new[0], "how": new[1],
                           "confirmed_at": None, "editor": desk.editor, "updated_at": now})
    if writes or deletes:
        with desk.writing():  # SQLite failures become DeskErrors
            for claim_id in deletes:
                desk.db.execute("DELETE FROM claim_groups WHERE claim_id = ?", [claim_id])
            desk.db["claim_groups"].upsert_all(writes, pk="claim_id")
        desk._notify(Change("groups_changed"))  # noqa: SLF001
    return groups(desk)


@dataclass(frozen=True)
class _Features:
    """What the grouping rules compare of one claim, computed once."""

    masked: str
    source: str
    unit: str | None
    value: float
    kind: str | None

    @classmethod
    def of(cls, claim: Claim) -> _Features:
        """The features of one claim."""
        return cls(masked_quote(claim.quote), normalise_source(claim.source),
                   claim.figure_unit, abs(claim.figure_value or 0.0),
                   kind_of(claim.figure, claim.quote) if claim.figure_value else None)


def candidate_pairs(claims: list[Claim], features: dict[str, _Features] | None = None,
                    progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> list[tuple[float, str, str, str]]:
    """Pairs of claims of different articles that seem to state the same thing.

    Each pair is ``(score, how, claim_id_a, claim_id_b)``, ``how`` being ``quote`` or
    ``figure``; the strongest pairs first.
    """
    if features is None:
        features = {c.id: _Features.of(c) for c in claims}
    pairs: dict[tuple[str, str], tuple[float, str]] = {}
    texts = [features[c.id].masked for c in claims]
    long = [i for i, text in enumerate(texts) if len(text) >= MIN_QUOTE_CHARS]
    choices = {x: texts[i] for x, i in enumerate(long)}
    for x, i in enumerate(long):  # each pair once: compare with the later quotes only
        if x % 200 == 0:
            if cancelled is not None and cancelled():
                raise GroupingCancelled("Finding groups was cancelled; nothing changed.")
            if progress is not None:
                progress(x, len(long), "comparing quotes")
        del choices[x]
        for _, score, y in process.extract(texts[i], choices, scorer=fuzz.ratio,
                                           score_cutoff=QUOTE_THRESHOLD, limit=None):
            a, b = claims[i], claims[long[y]]
            if a.article_id != b.article_id:
                pairs[(a.id, b.id)] = (float(score) + 100.0, "quote")
    if progress is not None:
        progress(len(long), len(long), "comparing quotes")
    by_source: dict[tuple[str, str | None], list[Claim]] = {}
    for claim in claims:
        f = features[claim.id]
        if f.value and f.source:
            by_source.setdefault((f.source, f.unit), []).append(claim)
    for members in by_source.values():
        members.sort(key=lambda c: features[c.id].value)
        values = [features[c.id].value for c in members]
        for i, a in enumerate(members):
            # only figures within MAGNITUDE_RATIO above this one (the list is sorted)
            stop = bisect.bisect_right(values, values[i] * MAGNITUDE_RATIO, lo=i + 1)
            for b in members[i + 1:stop]:
                if a.article_id == b.article_id or (a.id, b.id) in pairs \
                        or (b.id, a.id) in pairs:
                    continue
                topic = figure_link(features[a.id], features[b.id])
                if topic is not None:
                    pairs[(a.id, b.id)] = (topic, "figure")
    ranked = [(score, how, a, b) for (a, b), (score, how) in pairs.items()]
    ranked.sort(key=lambda p: (-p[0], p[2], p[3]))
    return ranked


def figure_link(a: _Features | Keys, b: _Features | Keys) -> float | None:
    """The topic score when two claims give the same source's figure of one kind and
    magnitude in much the same words (None when they do not)."""
    if not (a.value and b.value and a.unit == b.unit and a.source and a.source == b.source):
        return None
    low, high = sorted((a.value, b.value))
    if high / low > MAGNITUDE_RATIO or not same_kind(a.kind, b.kind):
        return None
    topic = fuzz.token_sort_ratio(a.masked, b.masked)
    return topic if topic >= TOPIC_THRESHOLD else None


def same_claim(a: Claim, b: Claim) -> bool:
    """Whether two claims state the same thing by either rule of this module."""
    return _same(_Features.of(a), _Features.of(b))


def _same(a: _Features, b: _Features) -> bool:
    if min(len(a.masked), len(b.masked)) >= MIN_QUOTE_CHARS and \
            fuzz.ratio(a.masked, b.masked) >= QUOTE_THRESHOLD:
        return True
    return figure_link(a, b) is not None


def _cluster(claims: list[Claim], held: dict[str, str], previous: dict[str, str],
             progress: Progress | None = None,
             cancelled: Cancelled | None = None) -> dict[str, tuple[str, str]]:
    """Group ids (and how) for the claims not held by an editor; held groups may grow."""
    parent: dict[str, str] = {c.id: c.id for c in claims}
    anchor: dict[str, str | None] = {c.id: held.get(c.id) for c in claims}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, str] = {}
    for claim_id, group_id in held.items():  # an editor's group is one component
        if claim_id in parent:
            first = first_of.setdefault(group_id, claim_id)
            parent[root(claim_id)] = root(first)
    how_of: dict[str, str] = {}
    features = {c.id: _Features.of(c) for c in claims}
    for _, how, a, b in candidate_pairs(claims, features, progress, cancelled):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        ga, gb = anchor[ra], anchor[rb]
        if ga is not None and gb is not None:
            continue  # two editor groups are never joined automatically
        if (ra, rb) != (a, b) and not _same(features[ra], features[rb]):
            continue  # no chains: each group's first claim must match the other's
        if ga is None and gb is not None:
            ra, rb = rb, ra  # an editor's group keeps its first claim
        parent[rb] = ra
        anchor[ra] = ga if ga is not None else gb
        for claim_id in (a, b):
            if claim_id not in held and how_of.get(claim_id) != "quote":
                how_of[claim_id] = how
    components: dict[str, list[str]] = {}
    for claim in claims:
        components.setdefault(root(claim.id), []).append(claim.id)
    return _name_components(components, anchor, held, how_of, previous)


def _name_components(components: Mapping[K, list[K]], anchor: Mapping[K, str | None],
                     held: Mapping[K, str], how_of: Mapping[K, str],
                     previous: Mapping[K, str]) -> dict[K, tuple[str, str]]:
    """Name each component: its editor group, else the id most of its claims had before.

    Claims are keyed by id here and by their index number in the rebuild (one rule for both).
    """
    result: dict[K, tuple[str, str]] = {}
    used = set(held.values())
    for top, members in sorted(components.items(), key=lambda item: -len(item[1])):
        if len(members) < 2:
            continue
        group_id = anchor.get(top)
        if group_id is None:
            earlier = Counter(previous[c] for c in members if c in previous
                              and previous[c] not in used)
            group_id = earlier.most_common(1)[0][0] if earlier else str(uuid.uuid4())
        used.add(group_id)
        for claim_id in members:
            if claim_id not in held:
                result[claim_id] = (group_id, how_of.get(claim_id, "quote"))
    return result
