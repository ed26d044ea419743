"""Merging desks: the work of several laptops brought together into one desk.

``merge_desks(desk, ["laptop-ana.desk", "laptop-ben.desk"])`` merges other desk files into
an open desk, in one transaction (an error or a cancel leaves the desk as it was), after a
backup (reason ``merge``). Each other file is untrusted: it is opened read-only and
defensively (:func:`desk.safe_open.open_foreign`) and never written.

* Articles are matched by id, then by the SHA-256 of their text (also against earlier
  texts kept in ``article_revisions``). When the two sides hold different texts of one
  article (``import --update`` on one laptop), the newer text stays (a text that the other
  side already replaced is older whatever the clocks say) and the other one is kept as a
  revision; claims anchored in the older text are re-anchored (:mod:`desk.reanchor`).
* Claims are matched by id and merged field by field (:mod:`desk.merge_rules`); overruled
  values that both sides edited go to ``merge_conflicts`` for review. What is new to the
  desk goes in bulk (:mod:`desk.merge_bulk`): new articles, and new claims whose anchor
  holds in the desk's text as it is, copied whole with their edit records and tags (checked
  like every other claim of the file first).
* Merging is idempotent and does not depend on the order of the files; every claim of every
  file ends up in the desk (deleted ones as tombstones).

A file is never merged into itself (the same path, or another name of the same file); copies
of one desk share its ``desk_id`` and merge like any other desk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.clock import now_iso
from desk.errors import DeskError, ReadOnlyDeskError
from desk.fieldwork.merge_attach import attached
from desk.fieldwork.merge_bulk import roomy_cache
from desk.fieldwork.merge_file import (  # noqa: F401 (the package's public face)
    MERGE_STEPS,
    FileMerge,
    MergeCancelled,
    MergeContext,
    MergeSummary,
)
from desk.fieldwork.merge_io import signature
from desk.model import CLAIM_COLUMNS, Change
from desk.store.safe_open import open_foreign

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

#: The ``desk_meta`` key holding a JSON record of the last merge.
META_LAST_MERGE = "last_merge"

def merge_desks(desk: Desk, paths: Iterable[str | Path], *, progress: Progress | None = None,
                cancelled: Cancelled | None = None, backup: bool = True) -> MergeSummary:
    """Merge the desk files at ``paths`` into ``desk``; returns a :class:`MergeSummary`.

    All files are checked before anything changes; the merge is one transaction, so a
    :class:`DeskError` (or :class:`MergeCancelled` when ``cancelled()`` turns true) leaves
    the desk as it was. ``progress(done, total, label)`` is called between steps.
    """
    if desk.read_only:
        raise ReadOnlyDeskError(
            f"{desk.path.name} is open read-only: nothing can be merged into it.")
    others = check_inputs(desk.path, paths)
    summary = MergeSummary()
    connections: list[tuple[Path, sqlite3.Connection]] = []
    try:
        for path in others:
            connections.append((path, open_foreign(path)))
        if backup:
            summary.backup = desk.backup("merge")
        total = len(connections) * 3
        touched: dict[str, Any] = {}
        updated_articles: set[str] = set()
        with roomy_cache(desk.db.conn), attached(desk.db.conn, others) as schemas, \
                desk.writing():
            for index, (path, conn) in enumerate(connections):
                step = FileMerge(desk, conn, path.name, summary, touched, updated_articles,
                                 cancelled, attached=schemas.get(path))
                stages = (step.merge_articles, step.merge_claims, step.merge_extras)
                for number, stage in enumerate(stages):
                    if cancelled and cancelled():
                        raise MergeCancelled("The merge was cancelled; the desk is unchanged.")
                    if progress:
                        progress(index * 3 + number, total, path.name)
                    stage()
                summary.merged.append(str(path))
            _tally(desk, touched, summary)
            record = {k: v for k, v in asdict(summary).items() if k != "backup"}
            record.update(merged_at=now_iso(), editor=desk.editor)
            desk.db["desk_meta"].upsert({"key": META_LAST_MERGE, "value": json.dumps(record)},
                                        pk="key")
    except sqlite3.OperationalError as exc:
        from desk.store.connection import write_failure_message

        raise DeskError(write_failure_message(desk.path, exc)) from exc
    except sqlite3.Error as exc:
        raise DeskError(f"The merge failed and the desk is unchanged: {exc}.") from exc
    except (TypeError, ValueError, KeyError) as exc:
        raise DeskError(f"The merge failed and the desk is unchanged: a file holds data this "
                        f"version cannot merge ({type(exc).__name__}: {exc}).") from exc
    finally:
        for _path, conn in connections:
            conn.close()
    if progress:
        progress(len(connections) * 3, len(connections) * 3, "")
    desk._notify(Change("articles_changed"))  # noqa: SLF001 - views reload everything
    return summary

def check_inputs(desk_path: Path, paths: Iterable[str | Path]) -> list[Path]:
    """The files to merge, each once; refuses the desk itself under any name."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise DeskError(f"{path} does not exist.")
        if path.is_dir():
            raise DeskError(f"{path} is a folder, not a desk file.")
        if _same_file(path, desk_path):
            raise DeskError(f"{path} is the desk being merged into: a desk is never merged "
                            "into itself.")
        if not any(_same_file(path, seen) for seen in result):
            result.append(path)
    if not result:
        raise DeskError("Name at least one desk file to merge.")
    return result

def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()

def _tally(desk: Desk, touched: dict[str, Any], summary: MergeSummary) -> None:
    """Count claims added, updated, deleted and restored by the whole merge (net)."""
    new = json.dumps([claim_id for claim_id, before in touched.items() if before is None])
    summary.claims_added += desk.db.execute(
        "SELECT count(*) FROM claims WHERE deleted_at IS NULL AND id IN "
        "(SELECT value FROM json_each(?))", [new]).fetchone()[0]
    old = {claim_id: before for claim_id, before in touched.items() if before is not None}
    if not old:
        return
    ids = json.dumps(list(old))
    rows = {r[0]: dict(zip(CLAIM_COLUMNS, r)) for r in desk.db.execute(
        f"SELECT {', '.join(CLAIM_COLUMNS)} FROM claims "
        "WHERE id IN (SELECT value FROM json_each(?))", [ids])}
    tags: dict[str, dict[str, Any]] = {}
    for claim_id, name in desk.db.execute(
            "SELECT ct.claims_id, t.name FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id "
            "WHERE ct.deleted_at IS NULL AND ct.claims_id IN (SELECT value FROM json_each(?))",
            [ids]):
        tags.setdefault(claim_id, {})[name] = ("", None, "")
    for claim_id, before in old.items():
        after = signature(rows[claim_id], tags.get(claim_id, {}))
        if before[0] and not after[0]:
            summary.claims_deleted += 1
        elif after[0] and not before[0]:
            summary.claims_restored += 1
        elif before != after:
            summary.claims_updated += 1
