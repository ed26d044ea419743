"""Across the desk: one import for the window and the command line.

The same claim in many articles (:mod:`desk.groups`), figures that disagree
(:mod:`desk.disagreement`, :mod:`desk.intervals`) and stealth edits with every earlier text
of an article (:mod:`desk.stealth`, :mod:`desk.revisions`)::

    from desk import across
    across.refresh_groups(desk)               # regroup, store, return the groups
    for group in across.groups(desk):
        print(group.summary())                # "seen in 3 articles, first on … by …"
    across.disagreements(desk)                # [Disagreement], .message()
    across.latest_changes(desk, article_id)   # what the last update changed under claims
    across.revision_diff(desk, article_id)    # both texts and word-level diff operations

:func:`groups_report` renders the groups as text, CSV or JSON (``claims-desk groups``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from desk.across import disagreement as _computed
from desk.across.disagreement import Disagreement, conflicts_by_claim
from desk.across.group_edits import (
    add_to_group,
    confirm_group,
    merge_groups,
    merge_step,
    remove_from_group,
    split_group,
)
from desk.across.grouping import (
    Appearance,
    ClaimGroup,
    GroupingCancelled,
    group,
    group_of,
    groups,
    groups_by_id,
    outlet_of,
)
from desk.across.intervals import Interval, compatible, interval_of
from desk.across.history import (
    DiffOp,
    Revision,
    RevisionDiff,
    revision,
    revision_diff,
    revisions,
    side_by_side,
)
from desk.across.stealth import ClaimChange, changes, latest_changes, mark_reviewed
from desk.across.rebuild import needs_rebuild, refresh
from desk.across.summary import (
    GroupSummary,
    group_count,
    group_ids,
    group_summaries,
    groups_page,
    summaries_by_id,
)
from desk.across.stored import (
    is_built,
    is_current,
    stored_conflicts,
    stored_disagreement_pages,
    stored_disagreements,
)
from desk.formats.csv_export import neutralise

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

__all__ = [
    "Appearance", "ClaimChange", "ClaimGroup", "DiffOp", "Disagreement", "GroupSummary",
    "GroupingCancelled", "group_summaries", "summaries_by_id",
    "Interval", "Revision",
    "RevisionDiff", "add_to_group", "appearance_map", "appearances_of", "changes", "compatible", "confirm_group",
    "conflicts_by_claim", "disagreements", "group", "group_count", "group_of", "groups", "groups_page",
    "groups_report", "disagreements_page", "report_chunks", "disagreement_count",
    "is_up_to_date", "refresh_changed", "group_ids", "groups_by_id",
    "interval_of", "latest_changes", "mark_reviewed", "merge_groups", "merge_step", "outlet_of",
    "refresh", "refresh_groups", "remove_from_group", "revision", "revision_diff", "revisions",
    "side_by_side", "split_group",
]

#: Columns of ``claims-desk groups --format csv``: one row per grouped claim.
GROUPS_CSV_HEADER = (
    "group_id", "confirmed", "articles", "first_date", "first_outlet", "claim_id", "article_id",
    "article_title", "outlet", "date", "quote", "source", "figure", "figure_conflict",
)


def refresh_groups(desk: Desk, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> list[ClaimGroup]:
    """Bring the groups and disagreements up to date with the desk's changes (only the
    changed claims; the whole desk the first time, see :mod:`desk.across.rebuild`) and
    return the groups. ``progress(done, total, label)``; ``cancelled()`` raises
    :class:`GroupingCancelled`, leaving the stored groups as they were."""
    refresh(desk, progress, cancelled)
    return groups(desk)


def disagreements(desk: Desk) -> list[Disagreement]:
    """Every pair of live claims whose figures disagree, grouped pairs first: the stored
    ones when they are up to date, else worked out from the stored groups (reads only)."""
    if is_current(desk.conn):
        return stored_disagreements(desk)
    return _computed.disagreements(desk)


def disagreement_count(desk: Desk) -> int:
    """How many :func:`disagreements` there are."""
    if is_current(desk.conn):
        return desk.conn.execute("SELECT count(*) FROM figure_disagreements").fetchone()[0]
    return len(_computed.disagreements(desk))


def is_up_to_date(desk: Desk) -> bool:
    """Whether the stored groups and disagreements include every change to the claims."""
    return is_current(desk.conn)


def refresh_changed(desk: Desk) -> bool:
    """Bring the groups and disagreements up to date when only a few claims changed (as
    after an edit: quick); a desk that needs a rebuild is left for :func:`refresh_groups`.
    Returns whether it is up to date."""
    if desk.read_only or not is_built(desk.conn) or needs_rebuild(desk.conn):
        return is_current(desk.conn)
    refresh(desk)
    return True


def disagreements_page(desk: Desk, offset: int = 0, limit: int = 100) -> list[Disagreement]:
    """One page of :func:`disagreements` (stored ones; on a desk whose index is behind, a
    slice of those worked out)."""
    if is_current(desk.conn):
        return stored_disagreements(desk, limit=limit, offset=offset)
    return _computed.disagreements(desk)[offset:offset + limit]


def appearances_of(desk: Desk, claim_id: str) -> list[Appearance]:
    """Where a claim was seen, earliest first (its group's appearances, else its own article).

    For the ClaimReview export's ``appearance`` and ``firstAppearance``.
    """
    found = group_of(desk, claim_id)
    if found is not None:
        return list(found.appearances)
    claim = desk.claim(claim_id)
    article = desk.article(claim.article_id)
    date = (article.published_at or article.imported_at)[:10]
    return [Appearance(article.id, article.title, article.url,
                       outlet_of(article.url, article.byline, article.source_file), date,
                       claim.id)]


def appearance_map(desk: Desk) -> dict[str, list[Appearance]]:
    """For every claim in a group of several articles: the group's appearances, earliest
    first (one read for a whole export)."""
    return {claim.id: list(item.appearances) for item in groups(desk) for claim in item.claims}


def groups_report(desk: Desk, fmt: str = "text", *, refresh: bool = True) -> str:
    """The desk's groups as ``text``, ``csv`` or ``json`` (brought up to date first when
    ``refresh`` and the desk is writable); see :func:`report_chunks`."""
    return "".join(report_chunks(desk, fmt, refresh=refresh))


def report_chunks(desk: Desk, fmt: str = "text", *, refresh: bool = True) -> Iterator[str]:
    """:func:`groups_report` a piece at a time, reading the groups and the disagreements a
    page at a time (``claims-desk groups`` streams them)."""
    if refresh and not desk.read_only:
        globals()["refresh"](desk)
    if fmt == "json":
        return _json_chunks(desk)
    if fmt == "csv":
        return _csv_chunks(desk)
    return _text_chunks(desk)


_PAGE = 200


def _group_pages(desk: Desk) -> Iterator[list[ClaimGroup]]:
    ids = group_ids(desk)
    for start in range(0, len(ids), _PAGE):
        yield groups_by_id(desk, ids[start:start + _PAGE])


def _conflict_pages(desk: Desk) -> Iterator[list[Disagreement]]:
    if is_current(desk.conn):
        yield from stored_disagreement_pages(desk, _PAGE)
    else:
        yield _computed.disagreements(desk)


def _text_chunks(desk: Desk) -> Iterator[str]:
    count = 0
    for page in _group_pages(desk):
        lines = []
        for item in page:
            mark = " (confirmed)" if item.confirmed else ""
            lines.append(f"group {item.id}{mark}: {item.summary()}")
            outlets = {a.article_id: a.outlet for a in item.appearances}
            for claim in item.claims:
                figure = f" [{claim.figure}]" if claim.figure else ""
                lines.append(f"  {outlets.get(claim.article_id, '')}: “{claim.quote}”{figure}")
        count += len(page)
        yield "".join(line + "\n" for line in lines)
    yield f"{count} groups\n"
    count = 0
    for page in _conflict_pages(desk):
        count += len(page)
        yield "".join(f"disagreement: {conflict.message()}\n" for conflict in page)
    yield f"{count} disagreements\n"


def _csv_chunks(desk: Desk) -> Iterator[str]:
    current = is_current(desk.conn)
    everything = None if current else conflicts_by_claim(desk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GROUPS_CSV_HEADER)
    for page in _group_pages(desk):
        by_claim = everything if everything is not None else stored_conflicts(
            desk.conn, [c.id for item in page for c in item.claims])
        for item in page:
            seen = {a.article_id: a for a in item.appearances}
            for claim in item.claims:
                where = seen[claim.article_id]
                writer.writerow([
                    item.id, "yes" if item.confirmed else "no", item.article_count,
                    item.first.date, neutralise(item.first.outlet), claim.id, claim.article_id,
                    neutralise(where.title), neutralise(where.outlet), where.date,
                    neutralise(claim.quote), neutralise(claim.source), neutralise(claim.figure),
                    neutralise(by_claim.get(claim.id, "")),
                ])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json_chunks(desk: Desk) -> Iterator[str]:
    yield '{\n  "groups": ['
    first = True
    for page in _group_pages(desk):
        for item in page:
            yield ("" if first else ",") + "\n    " + _dumps(_group_json(item))
            first = False
    yield '\n  ],\n  "disagreements": ['
    first = True
    for page in _conflict_pages(desk):
        for conflict in page:
            yield ("" if first else ",") + "\n    " + _dumps(_disagreement_json(conflict))
            first = False
    yield "\n  ]\n}\n"


def _dumps(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def _group_json(item: ClaimGroup) -> dict[str, Any]:
    return {
        "id": item.id, "confirmed": item.confirmed, "how": item.how,
        "articles": item.article_count, "summary": item.summary(),
        "first_appearance": _appearance_json(item.first),
        "appearances": [_appearance_json(a) for a in item.appearances],
        "claims": [{"id": c.id, "article_id": c.article_id, "quote": c.quote,
                    "source": c.source, "figure": c.figure,
                    "figure_value": c.figure_value, "figure_unit": c.figure_unit,
                    "figure_qualifier": c.figure_qualifier, "status": c.status,
                    "grouped_by": item.claim_how.get(c.id, "")}
                   for c in item.claims],
    }


def _disagreement_json(d: Disagreement) -> dict[str, Any]:
    return {
        "claims": [d.claim_a.id, d.claim_b.id], "figures": [d.claim_a.figure, d.claim_b.figure],
        "allowed": [d.interval_a.describe(), d.interval_b.describe()],
        "outlets": [d.outlet_a, d.outlet_b], "why": d.why, "group_id": d.group_id,
        "message": d.message(),
    }


def _appearance_json(appearance: Appearance) -> dict[str, str]:
    return {"article_id": appearance.article_id, "title": appearance.title,
            "url": appearance.url, "outlet": appearance.outlet, "date": appearance.date,
            "claim_id": appearance.claim_id}

