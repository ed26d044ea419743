"""Syncing a desk with its team desk on the newsroom's PostgreSQL server.

``sync_desk(desk, url)`` pulls what changed on the server since the desk's last pull, then
pushes what changed here since its last push. It is one server transaction inside one
local transaction (the server commits first): a sync cut off anywhere leaves both sides as
before or as after, and the next sync completes it (a unit pushed again is the same unit,
and the server keeps a row that did not change as it is).

1. One query tells the server's schema version, its last change number, the role and its
   rights. Nothing changed there and nothing waits here: done (one round trip).
2. Otherwise the team desk's lock is taken (every push holds it to its commit, so change
   numbers commit in order and concurrent syncs serialise), the changed units stream in
   (``COPY … TO STDOUT``), are laid out as a desk (:func:`desk.team.units.pulled_desk`) and
   merged with the rules of merging desk files (:class:`desk.fieldwork.merge_file.FileMerge`).
   Units the merge left equal to the server's no longer wait to be pushed.
3. The waiting units go up with one ``COPY`` into a temporary table, then one ``UPDATE``
   (of the rows whose content changed) and one ``INSERT`` per table; the server's triggers number them and check that
   their new edits carry the role's name. An article whose text the team desk already
   holds under another id (two laptops imported one file) becomes an alias of it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from desk.clock import now_iso
from desk.errors import DeskError, ReadOnlyDeskError
from desk.model import Change
from desk.team import units
from desk.team.state import team_state, waiting  # noqa: F401 (the package's face)
from desk.team.server import ARTICLE_FIELDS, CLAIM_FIELDS, SCHEMA, check_version, first_line

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

#: Keys of the desk's ``team_state`` table.
STATE_KEYS = ("team_id", "team_name", "url", "seq", "synced_at", "pushed_at")


class SyncCancelled(DeskError):
    """The sync was cancelled; the desk and the server are as they were."""


@dataclass
class SyncSummary:
    """What a sync did."""

    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    team: str = ""
    refused: str = ""  # why the push was refused (a read-only role), else ''
    seconds: float = 0.0

    def line(self) -> str:
        """The one line the command prints."""
        return f"pulled {self.pulled}, pushed {self.pushed}, conflicts {self.conflicts}"


# -- the desk's record of its team desk --------------------------------------------------

def without_password(url: str) -> str:
    """``url`` with any password taken out (libpq's PGPASSWORD or .pgpass supply it)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def _save_state(desk: Desk, **values: str) -> None:
    desk.conn.executemany("INSERT INTO team_state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                          "DO UPDATE SET value = excluded.value", list(values.items()))


# -- syncing ----------------------------------------------------------------------------

_HEAD = f"""SELECT (SELECT value FROM {SCHEMA}.meta WHERE key = 'version'),
    (SELECT name FROM {SCHEMA}.teams WHERE id = %(team)s),
    greatest((SELECT max(seq) FROM {SCHEMA}.articles WHERE team_id = %(team)s),
             (SELECT max(seq) FROM {SCHEMA}.claims WHERE team_id = %(team)s), 0),
    current_user, has_table_privilege('{SCHEMA}.claims', 'INSERT')"""


def sync_desk(desk: Desk, url: str | None = None, *, team: str | None = None,
              progress: Progress | None = None, cancelled: Cancelled | None = None
              ) -> SyncSummary:
    """Sync ``desk`` with its team desk at ``url`` (default: the URL it synced with last).

    Raises :class:`DeskError` with a one-line message when the server cannot be reached or
    refuses, leaving the desk unchanged; a read-only role's sync pulls, then raises with
    :attr:`SyncSummary.refused`'s message (the summary is on the exception's ``summary``).
    """
    from desk.team.server import _psycopg, connect, pick_team, server_version

    started = time.perf_counter()
    if desk.read_only:
        raise ReadOnlyDeskError(f"{desk.path.name} is open read-only: it cannot sync.")
    psycopg = _psycopg()
    state = team_state(desk)
    url = url or state.get("url")
    if not url:
        raise DeskError("This desk has no team server yet: sync DESK URL.")
    conn = connect(url, autocommit=True)
    try:
        if "team_id" not in state:
            check_version(server_version(conn))
            team_id, _name = pick_team(conn, team, None)
        else:
            team_id = state["team_id"]
        try:
            row = conn.execute(_HEAD, {"team": team_id}).fetchone()
        except psycopg.errors.UndefinedTable:
            check_version(None)
            raise
        check_version(int(row[0]) if row[0] is not None else None)
        if row[1] is None:
            raise DeskError(f"This desk belongs to team desk {team_id}, which this server "
                            "does not hold: a desk joins one team desk only.")
        if team and row[1] != team:
            raise DeskError(f"This desk belongs to team desk '{row[1]}': a desk joins one team "
                            "desk only.")
        head, role, can_push = int(row[2]), row[3], bool(row[4])
        summary = SyncSummary(team=row[1])
        joined = "team_id" in state
        if joined and str(head) == state.get("seq") and not units.pending_count(desk.conn):
            with desk.writing():
                _save_state(desk, synced_at=now_iso())
            summary.seconds = time.perf_counter() - started
            return summary
        step = _Sync(desk, conn, team_id, role, can_push, summary, progress, cancelled)
        step.run(state, url, head)
    except psycopg.Error as exc:
        raise DeskError(f"The sync failed and the desk is unchanged: {first_line(exc)}") \
            from exc
    finally:
        conn.close()
    summary.seconds = time.perf_counter() - started
    if summary.pulled:
        desk._notify(Change("articles_changed"))  # noqa: SLF001 - views reload everything
    if summary.refused:
        error = DeskError(f"{summary.line()}; {summary.refused}")
        error.summary = summary  # type: ignore[attr-defined]
        raise error
    return summary


class _Sync:
    """One sync in both transactions (see the module docstring)."""

    def __init__(self, desk: Desk, conn: Any, team_id: str, role: str, can_push: bool,
                 summary: SyncSummary, progress: Progress | None,
                 cancelled: Cancelled | None) -> None:
        self.desk, self.conn, self.team_id, self.role = desk, conn, team_id, role
        self.can_push, self.summary = can_push, summary
        self.progress, self.cancelled = progress, cancelled

    def _step(self, done: int, label: str) -> None:
        if self.cancelled and self.cancelled():
            raise SyncCancelled("The sync was cancelled; the desk and the server are unchanged.")
        if self.progress:
            self.progress(done, 4, label)

    def run(self, state: dict[str, str], url: str, head: int) -> None:
        from desk.fieldwork.merge_bulk import roomy_cache

        desk = self.desk
        with roomy_cache(desk.conn), desk.writing():
            if "team_id" not in state:  # joining: everything here waits to be pushed
                units.create_triggers(desk.conn)
                units.mark_everything(desk.conn)
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                                  [self.team_id])
                if self.can_push:  # this laptop's own edits, before the others' come in
                    units.rewrite_editors(desk.conn, self.role, state.get("pushed_at", "9999"))
                self._step(0, "pulling")
                since = int(state.get("seq", "0"))
                self._pull(since)
                self._step(2, "pushing")
                started = now_iso()
                if units.pending_count(desk.conn):
                    if self.can_push:
                        self._push()
                    else:
                        self.summary.refused = (
                            f"{self.role} may only read this team desk: "
                            f"{units.pending_count(desk.conn)} local changes wait")
                head = self._head()
                self._step(3, "committing")
            if self.progress:  # past the server's commit: no more cancelling
                self.progress(3, 4, "saving")
            # The server has committed: now the desk (a crash in between pulls our own
            # units back, equal to ours, and pushes them again, unchanged).
            values = {"team_id": self.team_id, "team_name": self.summary.team,
                      "url": without_password(url), "seq": str(head), "synced_at": now_iso()}
            if not self.summary.refused:
                values["pushed_at"] = started
                desk.conn.execute("DELETE FROM team_pending")
            _save_state(desk, **values)
        if self.progress:
            self.progress(4, 4, "")

    def _head(self) -> int:
        return int(self.conn.execute(
            f"SELECT greatest((SELECT max(seq) FROM {SCHEMA}.articles WHERE team_id = %(t)s), "
            f"(SELECT max(seq) FROM {SCHEMA}.claims WHERE team_id = %(t)s), 0)",
            {"t": self.team_id}).fetchone()[0])

    # -- pull ----------------------------------------------------------------------------

    def _copy_out(self, statement: Any) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cur, cur.copy(statement) as copy:
            return list(copy.rows())

    def _pull(self, since: int) -> None:
        """Claims changed since ``since`` (with their article's text hash), then the
        articles changed since, and those the merge needs for the claims left to merge."""
        from psycopg import sql

        from desk.fieldwork.merge_file import FileMerge, MergeSummary

        team, after = sql.Literal(self.team_id), sql.Literal(since)
        schema = sql.Identifier(SCHEMA)
        claims = self._copy_out(sql.SQL(
            "COPY (SELECT {fields}, (SELECT a.body_sha256 FROM {schema}.articles a WHERE "
            "a.team_id = c.team_id AND a.id = c.article_id) FROM {schema}.claims c "
            "WHERE c.team_id = {team} AND c.seq > {after}) TO STDOUT").format(
                fields=sql.SQL(", ").join(sql.SQL("c.{}").format(sql.Identifier(f))
                                          for f in CLAIM_FIELDS),
                schema=schema, team=team, after=after))
        articles = self._articles(sql.SQL("seq > {}").format(after))
        if not articles and not claims:
            return
        self._step(1, "merging")
        forwarded = units.fast_forward(self.desk.conn, claims)
        claims = [row[:-1] for row in claims if row[0] not in forwarded]
        have = {row[0] for row in articles}
        wanted = sorted({row[1] for row in claims} - have)
        if wanted:
            articles += self._articles(sql.SQL("id = ANY({}::text[])").format(
                sql.Literal(wanted)))
        self.summary.pulled = len(forwarded)
        if not articles and not claims:
            return
        other = units.pulled_desk(articles, claims)
        desk = self.desk
        editor, desk.editor = desk.editor, self.role  # the merge's own edits are the role's
        try:
            merged = MergeSummary()
            step = FileMerge(desk, other, f"team desk {self.summary.team}", merged, {}, set(),
                             self.cancelled)
            for stage in (step.merge_articles, step.merge_claims, step.merge_extras):
                stage()
            self.summary.conflicts = merged.conflicts
            self.summary.pulled += len(claims) + merged.articles_added + merged.articles_updated
            self._settle(other, step.article_map, [row[0] for row in claims])
        finally:
            desk.editor = editor
            other.close()

    def _articles(self, where: Any) -> list[tuple[Any, ...]]:
        """The team desk's articles that match ``where``, as rows."""
        from psycopg import sql

        return self._copy_out(sql.SQL(
            "COPY (SELECT {fields} FROM {schema}.articles WHERE team_id = {team} AND {where}) "
            "TO STDOUT").format(fields=sql.SQL(", ").join(map(sql.Identifier, ARTICLE_FIELDS)),
                                schema=sql.Identifier(SCHEMA), team=sql.Literal(self.team_id),
                                where=where))

    def _settle(self, other: Any, article_map: dict[str, str], claim_ids: list[str]) -> None:
        """Units the merge left equal to the server's do not wait to be pushed."""
        conn = self.desk.conn
        theirs = units.claim_signatures(other, claim_ids)
        mine = units.claim_signatures(conn, claim_ids)
        same = [(claim_id,) for claim_id, sig in theirs.items() if mine.get(claim_id) == sig]
        conn.executemany("DELETE FROM team_pending WHERE kind = 'claim' AND id = ?", same)
        pulled = [row[0] for row in other.execute("SELECT id FROM articles")]
        theirs = units.article_signatures(other, pulled)
        mine = units.article_signatures(conn, {article_map.get(a, a) for a in pulled})
        same = [(article_map.get(a, a),) for a, sig in theirs.items()
                if mine.get(article_map.get(a, a)) == sig]
        conn.executemany("DELETE FROM team_pending WHERE kind = 'article' AND id = ?", same)

    # -- push ----------------------------------------------------------------------------

    def _push(self) -> None:
        from psycopg import sql

        conn, local = self.conn, self.desk.conn
        schema, team = sql.Identifier(SCHEMA), sql.Literal(self.team_id)
        pushed = 0
        for table, fields, rows in (
                ("articles", ARTICLE_FIELDS, units.pending_articles(local)),
                ("claims", CLAIM_FIELDS, units.pending_claims(local))):
            stage = sql.Identifier(f"stage_{table}")
            columns = sql.SQL(", ").join(map(sql.Identifier, fields))
            conn.execute(sql.SQL("CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {columns} "
                                 "FROM {schema}.{table} WITH NO DATA").format(
                stage=stage, columns=columns, schema=schema, table=sql.Identifier(table)))
            with conn.cursor() as cur:
                with cur.copy(sql.SQL("COPY {stage} ({columns}) FROM STDIN").format(
                        stage=stage, columns=columns)) as copy:
                    for row in rows:
                        copy.write_row(row)
                        pushed += 1
            if table == "articles":
                conn.execute(sql.SQL(_ALIAS_SQL).format(schema=schema, team=team))
            for statement in _upsert(table, fields, team):
                conn.execute(statement)
        self.summary.pushed = pushed


#: New article ids whose text the team desk holds under another id become its aliases.
_ALIAS_SQL = """
INSERT INTO {schema}.article_alias (team_id, alias, article_id)
SELECT DISTINCT ON (s.id) {team}, s.id, a.id FROM stage_articles s
  JOIN {schema}.articles a ON a.team_id = {team} AND a.body_sha256 = s.body_sha256
 WHERE a.id <> s.id AND NOT EXISTS (
       SELECT 1 FROM {schema}.articles x WHERE x.team_id = {team} AND x.id = s.id)
 ORDER BY s.id, a.seq
ON CONFLICT DO NOTHING"""

#: The staged units of a table, each once, its ids through the aliases.
_READY_SQL = """
CREATE TEMP TABLE {ready} ON COMMIT DROP AS
SELECT DISTINCT ON ({key}) {values} FROM {stage} s LEFT JOIN {schema}.article_alias al
    ON al.team_id = {team} AND al.alias = s.{join}
 ORDER BY {key}, s.updated_at DESC"""
#: Then one UPDATE of the rows whose content changed (a row pushed again as it is keeps its
#: change number) and one INSERT of the new ones.
_UPDATE_SQL = """
UPDATE {schema}.{table} AS t SET {changed} FROM {ready} r
 WHERE t.team_id = {team} AND t.id = r.id AND ({old}) IS DISTINCT FROM ({new})"""
_INSERT_SQL = """
INSERT INTO {schema}.{table} (team_id, {columns}, seq, pushed_by)
SELECT {team}, {columns}, 0, current_user FROM {ready} r
 WHERE NOT EXISTS (SELECT 1 FROM {schema}.{table} x WHERE x.team_id = {team} AND x.id = r.id)"""


def _upsert(table: str, fields: tuple[str, ...], team: Any) -> list[Any]:
    """The statements that write the staged units of ``table`` (an article's own id, a
    claim's article id, goes through the aliases)."""
    from psycopg import sql

    mapped = "id" if table == "articles" else "article_id"
    ident = sql.Identifier
    listed = sql.SQL(", ").join
    names = dict(
        schema=ident(SCHEMA), team=team, table=ident(table), stage=ident(f"stage_{table}"),
        ready=ident(f"ready_{table}"), columns=listed(map(ident, fields)),
        values=listed(sql.SQL("coalesce(al.article_id, s.{0}) AS {0}" if f == mapped
                              else "s.{0}").format(ident(f)) for f in fields),
        key=sql.SQL("coalesce(al.article_id, s.id)" if table == "articles" else "s.id"),
        join=ident(mapped),
        changed=listed(sql.SQL("{0} = r.{0}").format(ident(f)) for f in fields[1:]),
        old=listed(sql.SQL("t.{}").format(ident(f)) for f in fields[1:]),
        new=listed(sql.SQL("r.{}").format(ident(f)) for f in fields[1:]))
    return [sql.SQL(text).format(**names) for text in (_READY_SQL, _UPDATE_SQL, _INSERT_SQL)]
