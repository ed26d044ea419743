"""Publishing the desk read-only with Datasette: a snapshot, its metadata, the server.

The desk is plain SQLite, which Datasette serves as it is. ``claims-desk serve`` copies the
desk into a *snapshot* (SQLite's backup API, so a desk in use is copied consistently), adds
what readers need and the desk does not store — each article's outlet, the figures that
disagree, a ``claims_overview`` view with titles, outlets and tags — and starts Datasette on
it as an immutable file with :func:`datasette_metadata`: titles and descriptions, facets,
full-text search on articles, canned queries, and every internal table hidden. Datasette
runs only SELECTs and the file is opened immutable, so nothing can be written through it.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.clock import now_iso
from desk.errors import DeskError
from desk.store.schema import META_ORGANISATION

if TYPE_CHECKING:
    from desk.facade import Desk

#: Tables and views readers see; every other table of the snapshot is hidden.
PUBLIC = ("claims_overview", "claims", "articles", "disagreements", "claim_groups", "tags",
          "outlets")

_OVERVIEW = """
CREATE VIEW claims_overview AS
SELECT c.id, c.quote, c.source, c.figure, c.status, c.note, c.review_url, c.editor,
       a.title AS article,
       o.outlet, coalesce((SELECT json_group_array(t.name) FROM claims_tags ct
                           JOIN tags t ON t.id = ct.tags_id
                           WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL), '[]') AS tags,
       c.created_at, c.updated_at, c.article_id
FROM claims c JOIN articles a ON a.id = c.article_id
LEFT JOIN outlets o ON o.article_id = c.article_id
WHERE c.deleted_at IS NULL
"""

CLAIM_COLUMNS = {
    "quote": "the words of the article the claim is (exactly as published)",
    "source": "who the article says made the claim",
    "figure": "the number or amount claimed, as written",
    "status": "the review verdict: unchecked, checking, verified, false, misleading, "
              "unverifiable",
    "note": "the checking editor's note",
    "review_url": "the newsroom's published check of this claim ('': the desk's review page)",
    "editor": "who last changed the claim",
    "created_at": "when the claim was tagged (UTC)",
    "updated_at": "when the claim last changed (UTC)",
    "deleted_at": "set when the claim was deleted (kept so that merges see it)",
    "article_id": "the article the claim is in",
}

QUERIES: dict[str, dict[str, str]] = {
    "claims_by_verdict": {
        "title": "Claims by verdict",
        "description": "Every live claim with one status (verified, false, misleading, "
                       "unverifiable, checking or unchecked), newest first.",
        "sql": "SELECT id, quote, source, figure, status, note, article, outlet, updated_at "
               "FROM claims_overview WHERE status = :status ORDER BY updated_at DESC",
    },
    "figures_that_disagree": {
        "title": "Figures that disagree",
        "description": "Pairs of claims whose figures cannot both be true (the same claim "
                       "in several articles, or the same source, unit and kind).",
        "sql": "SELECT source, figure_a, outlet_a, figure_b, outlet_b, message, claim_a, "
               "claim_b FROM disagreements ORDER BY source",
    },
    "claims_in_several_articles": {
        "title": "Claims seen in several articles",
        "description": "Groups of claims that state the same thing in different articles.",
        "sql": "SELECT g.group_id, count(DISTINCT c.article_id) AS articles, "
               "min(c.quote) AS quote, group_concat(DISTINCT o.outlet) AS outlets "
               "FROM claim_groups g JOIN claims c ON c.id = g.claim_id "
               "LEFT JOIN outlets o ON o.article_id = c.article_id "
               "WHERE c.deleted_at IS NULL GROUP BY g.group_id "
               "HAVING count(DISTINCT c.article_id) >= 2 ORDER BY articles DESC",
    },
    "editors_week": {
        "title": "An editor's week",
        "description": "The verdicts an editor gave in the seven days from a date "
                       "(YYYY-MM-DD).",
        "sql": "SELECT c.id, c.quote, c.source, c.figure, c.status, e.edited_at "
               "FROM claim_edits e JOIN claims c ON c.id = e.claim_id "
               "WHERE e.field = 'status' AND e.editor = :editor "
               "AND e.edited_at >= :week_start AND e.edited_at < date(:week_start, '+7 days') "
               "AND c.deleted_at IS NULL ORDER BY e.edited_at",
    },
}


def snapshot(desk: Desk, target: str | Path) -> Path:
    """Copy the open desk into ``target`` and add the outlets, the disagreements and the
    overview view; the copy is a plain rollback-journal file, ready to serve immutable."""
    from desk.across.views import disagreements
    from desk.reports.aggregates import outlets

    target = Path(target)
    target.unlink(missing_ok=True)
    copy = sqlite3.connect(target)
    try:
        desk.conn.backup(copy)
        found = disagreements(desk)
        outlet_map = outlets(desk.conn)
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.execute("PRAGMA journal_mode = DELETE")
        with copy:
            copy.execute("CREATE TABLE outlets (article_id TEXT PRIMARY KEY, outlet TEXT)")
            copy.executemany("INSERT INTO outlets VALUES (?, ?)", outlet_map.items())
            copy.execute("CREATE TABLE disagreements (claim_a TEXT, claim_b TEXT, source TEXT, "
                         "figure_a TEXT, outlet_a TEXT, figure_b TEXT, outlet_b TEXT, "
                         "message TEXT, why TEXT)")
            copy.executemany("INSERT INTO disagreements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (d.claim_a.id, d.claim_b.id, d.claim_a.source or d.claim_b.source,
                 d.claim_a.figure, d.outlet_a, d.claim_b.figure, d.outlet_b, d.message(),
                 d.why) for d in found])
            copy.execute(_OVERVIEW)
    finally:
        copy.close()
    return target


def datasette_metadata(db_name: str, tables: list[str], organisation: str = "") -> dict[str, Any]:
    """Datasette's metadata for a snapshot named ``db_name`` holding ``tables``."""
    meta: dict[str, Any] = {name: {"hidden": True} for name in tables if name not in PUBLIC}
    meta.update({
        "claims_overview": {
            "title": "Claims",
            "description": "Every live claim with its article, outlet and tags.",
            "facets": ["status", "source", "outlet", {"array": "tags"}],
        },
        "claims": {
            "description": "The claims as the desk stores them (deleted ones included, with "
                           "deleted_at set).",
            "columns": CLAIM_COLUMNS,
            "facets": ["status", "source"],
        },
        "articles": {
            "description": "The news articles the claims were found in. Search their text "
                           "with the box above.",
            "columns": {"title": "the headline", "body": "the article's text",
                        "url": "where it was published", "byline": "who wrote it",
                        "published_at": "when it was published"},
            "fts_table": "articles_fts",
            "searchmode": "raw",
        },
        "disagreements": {"title": "Figures that disagree",
                          "description": "Pairs of claims whose figures cannot both be true.",
                          "facets": ["source", "why"]},
        "claim_groups": {"description": "Claims that state the same thing, one group each."},
        "outlets": {"description": "Who published each article (the URL's host, else the "
                                   "byline, else the file name)."},
        "tags": {"description": "The tags editors put on claims."},
    })
    return {
        "title": f"Claims Desk{' — ' + organisation if organisation else ''}",
        "description": f"A read-only snapshot of the fact-checking desk, made {now_iso()[:16]}"
                       " UTC.",
        "databases": {db_name: {"tables": meta, "queries": QUERIES}},
    }


def prepare(desk: Desk, folder: str | Path) -> tuple[Path, Path]:
    """Write the snapshot of an open desk and its metadata into ``folder``; both paths."""
    folder = Path(folder)
    name = Path(str(desk.path)).stem or "desk"
    db_path = snapshot(desk, folder / f"{name}.db")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        organisation = (conn.execute("SELECT value FROM desk_meta WHERE key = ?",
                                     [META_ORGANISATION]).fetchone() or [""])[0]
    finally:
        conn.close()
    meta_path = folder / "metadata.json"
    meta_path.write_text(json.dumps(datasette_metadata(name, tables, organisation), indent=2),
                         encoding="utf-8")
    return db_path, meta_path


def datasette_arguments(db_path: Path, meta_path: Path, host: str, port: int) -> list[str]:
    """Datasette's command-line arguments serving the snapshot immutable."""
    return ["serve", "--immutable", str(db_path),
            "--metadata", str(meta_path), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "3000", "--setting", "allow_download", "off"]


def run_datasette(db_path: Path, meta_path: Path, *, host: str = "127.0.0.1",
                  port: int = 8001) -> int:
    """Serve a prepared snapshot until Datasette stops; returns its exit status."""
    if importlib.util.find_spec("datasette") is None:
        raise DeskError("Datasette is not installed: pip install -e '.[serve]'.")
    import signal

    from datasette.cli import cli

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    # In this process, so that a terminate stops the server: uvicorn shuts down, then raises
    # the signal again with this handler in place, which unwinds (the caller's temporary
    # folder is removed) instead of killing the process where it stands.
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        cli.main(datasette_arguments(db_path, meta_path, host, port), prog_name="datasette",
                 standalone_mode=False)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
