"""Checking, before any row is read, that a desk file's schema is a desk's schema.

A desk from another machine may have been crafted: a view in place of ``claims`` (reading
it runs the view), a trigger that rewrites claims on every edit, a full-text table with a
hostile tokenizer. SQLite runs such schema objects as the file says. So every desk file is
checked when it is identified (:func:`desk.store.connection.identify`, for every open): its
triggers, views and virtual tables must be exactly those a desk of this code makes. Files
from elsewhere (merge inputs, backups to restore, :func:`desk.store.safe_open.open_foreign`)
are also checked ``fully``: every table and index must be one a desk has, or had in an
older format.

The quick path compares with the SQL this module knows (the guards of
:mod:`desk.store.schema` and sqlite-utils' full-text triggers) without loading sqlite-utils,
so opening a desk stays fast; anything else is compared with a new desk built in memory
(the format 4 steps of every capability included) before it is refused.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

from desk.errors import NotADeskError

#: Tables and indexes that older desk formats had and a migration dropped.
FORMER_NAMES = frozenset({"idx_articles_listing", "idx_claims_status", "idx_claims_source",
                          "idx_claims_report", "idx_claims_by_source", "idx_claims_by_article"})

_FTS_COLUMNS = '"title", "body"'
_FTS_NEW = f'INSERT INTO "articles_fts" (rowid, {_FTS_COLUMNS}) VALUES (new.rowid, new."title", new."body");'
_FTS_OLD = ('INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body") '
            "VALUES('delete', old.rowid, old.\"title\", old.\"body\");")
#: What sqlite-utils' ``enable_fts(create_triggers=True)`` writes for the articles.
FTS_SQL = {
    "articles_fts": 'CREATE VIRTUAL TABLE "articles_fts" USING FTS5 ( "title", "body", '
                    "tokenize='unicode61 remove_diacritics 2', content=\"articles\" )",
    "articles_ai": f'CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN {_FTS_NEW} END',
    "articles_ad": f'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN {_FTS_OLD} END',
    "articles_au": f'CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN {_FTS_OLD} '
                   f"{_FTS_NEW} END",
}


#: The SQL that earlier versions of this code wrote for an object whose SQL has changed since
#: (desks made then still carry it). When a guard or a step's trigger changes, add the old SQL
#: here; the fixture desks of every format must pass (tests/desk/store/test_foreign_schema.py).
FORMER_SQL: dict[str, list[str]] = {
    # The span guards before they read the article's text once (commit 67ac2ef).
    f"claims_span_{event.split()[0].lower()}": [
        f"CREATE TRIGGER claims_span_{event.split()[0].lower()} BEFORE {event} ON claims "
        "WHEN NEW.anchor_status != 'orphaned' AND (NEW.start_char < 0 OR NEW.end_char <= "
        "NEW.start_char OR NEW.end_char > (SELECT length(body) FROM articles WHERE id = "
        "NEW.article_id) OR (SELECT substr(body, NEW.start_char + 1, NEW.end_char - "
        "NEW.start_char) FROM articles WHERE id = NEW.article_id) IS NOT NEW.quote) BEGIN "
        "SELECT RAISE(ABORT, 'claim quote does not match the article text at its offsets'); END"]
    for event in ("INSERT", "UPDATE OF start_char, end_char, quote, anchor_status")
}

#: Triggers that some desks carry and a new desk has not, as ``"module:function"`` returning
#: their SQL: a capability that adds triggers to some desks only names its function here (by
#: name, so that the store imports nothing above it). A desk that joined a team desk:
OPTIONAL_TRIGGERS = ["desk.team.units:trigger_sql"]


def normal(sql: str | None) -> str:
    """SQL with its white space collapsed (how SQLite keeps it depends on how it was typed)
    and without ``IF NOT EXISTS`` (which SQLite does not keep)."""
    text = " ".join((sql or "").split())
    text = text.replace("( ", "(").replace(" )", ")")
    for kind in ("TABLE", "VIRTUAL TABLE", "TRIGGER", "VIEW", "INDEX", "UNIQUE INDEX"):
        text = text.replace(f"CREATE {kind} IF NOT EXISTS ", f"CREATE {kind} ")
    return text


@functools.cache
def _plain_sql() -> dict[str, str]:
    """:func:`known_sql` but for the optional triggers (their modules are imported only when
    a desk has an object this does not know: opening an ordinary desk loads none of them)."""
    from desk.store import schema

    from desk.store.schema_v4 import STEPS

    recorder = _Recorder()
    schema._create_guards(recorder)  # type: ignore[arg-type]  # noqa: SLF001
    for step in STEPS:  # the format 4 steps that write plain SQL (the rest: reference())
        try:
            step(recorder)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001,S112 - a step using sqlite-utils' table API
            continue
    return _by_name({name: normal(sql) for name, sql in FTS_SQL.items()}, recorder.sql)


@functools.cache
def known_sql() -> dict[str, str]:
    """The triggers and virtual tables every desk has, and those some desks carry
    (:data:`OPTIONAL_TRIGGERS`), by name, without sqlite-utils."""
    import importlib

    extra: list[str] = []
    for provider in OPTIONAL_TRIGGERS:
        module, _, function = provider.partition(":")
        extra.extend(getattr(importlib.import_module(module), function)())
    return _by_name(dict(_plain_sql()), extra)


def _by_name(known: dict[str, str], statements: list[str]) -> dict[str, str]:
    """``known`` with the triggers, views and virtual tables ``statements`` create."""
    for sql in statements:
        text = normal(sql)
        for kind in ("CREATE TRIGGER ", "CREATE VIEW ", "CREATE VIRTUAL TABLE "):
            if text.upper().startswith(kind):
                known[text[len(kind):].split()[0].strip('"')] = text
    return known


class _Recorder:
    """Stands for a database: keeps the SQL a schema step runs, reads nothing."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def execute(self, sql: str, *args: Any) -> _Recorder:
        self.sql.append(sql)
        return self

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Any:
        return iter(())


@functools.cache
def reference() -> dict[str, tuple[str, str]]:
    """A new desk's schema objects (name -> type, SQL), built in memory once."""
    import sqlite_utils

    from desk.store import schema

    conn = sqlite3.connect(":memory:")
    try:
        schema.create(sqlite_utils.Database(conn, execute_plugins=False))
        return {name: (kind, normal(sql)) for kind, name, sql in
                conn.execute("SELECT type, name, sql FROM sqlite_master")}
    finally:
        conn.close()


def _runs_sql(kind: str, sql: str | None) -> bool:
    """Views, triggers and virtual tables run SQL that the file chose."""
    return kind in ("view", "trigger") or normal(sql).upper().startswith("CREATE VIRTUAL TABLE")


def check_schema(conn: sqlite3.Connection, name: str, *, full: bool = False) -> None:
    """Refuse (:class:`NotADeskError`, one sentence) a file whose schema is not a desk's.

    Reads only ``sqlite_master``. ``full`` also refuses tables and indexes a desk never had.
    """
    objects = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    quick = _plain_sql()
    for kind, object_name, sql in objects:
        if str(object_name).startswith("sqlite_"):
            continue  # SQLite's own: sqlite_sequence, sqlite_stat1, sqlite_autoindex_*
        if _runs_sql(kind, sql):
            if quick.get(object_name) == normal(sql) or normal(sql) in FORMER_SQL.get(
                    object_name, ()) or known_sql().get(object_name) == normal(sql):
                continue
            if reference().get(object_name) == (kind, normal(sql)):
                continue
            raise NotADeskError(_refusal(name, kind, object_name, sql))
        if full and object_name not in reference() and object_name not in FORMER_NAMES:
            raise NotADeskError(_refusal(name, kind, object_name, sql))


def _refusal(name: str, kind: str, object_name: Any, sql: str | None) -> str:
    what = "virtual table" if kind == "table" and _runs_sql(kind, sql) else kind
    shown = str(object_name)[:60].encode("ascii", "backslashreplace").decode("ascii")
    return (f"{name} was refused: it has a {what} “{shown}” that no Claims Desk file has, so "
            "it may have been crafted to change or leak data. Nothing was read or changed.")
