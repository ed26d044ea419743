"""The team desk's side on the newsroom's PostgreSQL server: its schema, its version and
who may do what.

Everything lives in the schema ``claims_desk``. A server holds one or more team desks
(``teams``); each article and each claim of a team desk is one row, its parts that merge
by themselves (edit records, tag states, the editor's group, conflicts, earlier texts,
dismissed suggestions) as JSON beside the columns, so that a reporting tool reads the
claims as a table. Every row written is stamped with the next number of the change
sequence ``change_seq`` and its writer (a row trigger); every writing statement first takes
the writers' lock (so that writes commit in the order of their numbers), and after it a
statement trigger checks, set by set, that the edit records it changed carry the name of the
role that wrote them: nobody writes edits in another's name, whatever their client does. The role that ran ``server init`` is the team's admin and may push a desk's history
(edits by anyone) once, when an existing desk first joins.

psycopg is imported by the functions that connect, never when this module is imported.
"""

from __future__ import annotations

import uuid
from typing import Any

from desk.errors import DeskError

#: The schema this code writes; a server with a newer one is refused.
SERVER_VERSION = 2
SCHEMA = "claims_desk"

_ARTICLE_COLUMNS = """
    title text NOT NULL DEFAULT '', body text NOT NULL DEFAULT '', url text NOT NULL DEFAULT '',
    byline text NOT NULL DEFAULT '', published_at text NOT NULL DEFAULT '',
    source_file text NOT NULL DEFAULT '', body_sha256 text NOT NULL DEFAULT '',
    imported_at text NOT NULL, updated_at text NOT NULL,
    revisions jsonb NOT NULL DEFAULT '[]', dismissed jsonb NOT NULL DEFAULT '[]'"""

_CLAIM_COLUMNS = """
    article_id text NOT NULL, start_char integer NOT NULL, end_char integer NOT NULL,
    quote text NOT NULL, prefix text NOT NULL DEFAULT '', suffix text NOT NULL DEFAULT '',
    source text NOT NULL DEFAULT '', figure text NOT NULL DEFAULT '',
    figure_value double precision, figure_unit text, figure_qualifier text,
    status text NOT NULL DEFAULT 'unchecked', note text NOT NULL DEFAULT '',
    editor text NOT NULL DEFAULT '', created_at text NOT NULL, updated_at text NOT NULL,
    deleted_at text, anchor_status text NOT NULL DEFAULT 'anchored', previous_quote text,
    review_url text NOT NULL DEFAULT '', edits jsonb NOT NULL DEFAULT '{}', tags jsonb NOT NULL DEFAULT '{}', grp jsonb,
    conflicts jsonb NOT NULL DEFAULT '[]'"""

#: Columns sent both ways, in order (the JSON parts last).
ARTICLE_FIELDS = ("id", "title", "body", "url", "byline", "published_at", "source_file",
                  "body_sha256", "imported_at", "updated_at", "revisions", "dismissed")
CLAIM_FIELDS = ("id", "article_id", "start_char", "end_char", "quote", "prefix", "suffix",
                "source", "figure", "figure_value", "figure_unit", "figure_qualifier",
                "status", "note", "editor", "created_at", "updated_at", "deleted_at",
                "anchor_status", "previous_quote", "review_url", "edits", "tags", "grp",
                "conflicts")

_SCHEMA_SQL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE IF NOT EXISTS {SCHEMA}.change_seq;
CREATE TABLE IF NOT EXISTS {SCHEMA}.teams (
    id uuid PRIMARY KEY, name text NOT NULL UNIQUE, admin name NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {SCHEMA}.articles (
    team_id uuid NOT NULL REFERENCES {SCHEMA}.teams, id text NOT NULL, {_ARTICLE_COLUMNS},
    seq bigint NOT NULL, pushed_by name NOT NULL, PRIMARY KEY (team_id, id));
CREATE INDEX IF NOT EXISTS articles_seq ON {SCHEMA}.articles (team_id, seq);
CREATE INDEX IF NOT EXISTS articles_sha ON {SCHEMA}.articles (team_id, body_sha256);
CREATE TABLE IF NOT EXISTS {SCHEMA}.article_alias (
    team_id uuid NOT NULL REFERENCES {SCHEMA}.teams, alias text NOT NULL,
    article_id text NOT NULL, PRIMARY KEY (team_id, alias));
CREATE TABLE IF NOT EXISTS {SCHEMA}.claims (
    team_id uuid NOT NULL REFERENCES {SCHEMA}.teams, id text NOT NULL, {_CLAIM_COLUMNS},
    seq bigint NOT NULL, pushed_by name NOT NULL, PRIMARY KEY (team_id, id));
-- Version 2: a claim's own review URL (a version-1 server gets it from 'server init').
ALTER TABLE {SCHEMA}.claims ADD COLUMN IF NOT EXISTS review_url text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS claims_seq ON {SCHEMA}.claims (team_id, seq);
CREATE INDEX IF NOT EXISTS claims_article ON {SCHEMA}.claims (team_id, article_id);

-- Every row written: the next change number and who wrote it (cheap, per row).
CREATE OR REPLACE FUNCTION {SCHEMA}.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := nextval('{SCHEMA}.change_seq');
    NEW.pushed_by := current_user;
    RETURN NEW;
END $$;

-- Every writing statement first takes the writers' lock (held to the commit, so change
-- numbers commit in order and a reader never misses one).
CREATE OR REPLACE FUNCTION {SCHEMA}.lock_writers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('claims_desk writers'));
    RETURN NULL;
END $$;

-- After a statement wrote claims, set by set: each edit record and tag state it changed
-- must carry the writer's role name, or restate a (time, editor) the claim held on the
-- server (a merge may: a delete undone by a later edit takes that edit's time and editor).
-- The team desk's admin may write anyone's.
CREATE OR REPLACE FUNCTION {SCHEMA}.check_editors() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wrong text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT w.editor INTO wrong FROM (
            SELECT n.team_id, n.value ->> 0 AS at, n.value ->> 1 AS editor, o.edits, o.tags
              FROM (SELECT r.team_id, r.id, e.key, e.value FROM new_rows r,
                    jsonb_each(r.edits) e) n
              JOIN old_rows o ON o.team_id = n.team_id AND o.id = n.id
             WHERE (o.edits -> n.key) IS DISTINCT FROM n.value
            UNION ALL
            SELECT n.team_id, coalesce(n.value ->> 1, n.value ->> 0), n.value ->> 2,
                   o.edits, o.tags
              FROM (SELECT r.team_id, r.id, t.key, t.value FROM new_rows r,
                    jsonb_each(r.tags) t) n
              JOIN old_rows o ON o.team_id = n.team_id AND o.id = n.id
             WHERE (o.tags -> n.key) IS DISTINCT FROM n.value) w
         WHERE w.editor IS DISTINCT FROM current_user::text
           AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.teams t WHERE t.id = w.team_id
                           AND t.admin = current_user)
           AND NOT EXISTS (SELECT 1 FROM jsonb_each(w.edits) k
                           WHERE k.value ->> 0 = w.at AND k.value ->> 1 = w.editor)
           AND NOT EXISTS (SELECT 1 FROM jsonb_each(w.tags) k WHERE k.value ->> 2 = w.editor
                           AND w.at IN (k.value ->> 0, k.value ->> 1))
         LIMIT 1;
    ELSE
        SELECT w.editor INTO wrong FROM (
            SELECT r.team_id, e.value ->> 1 AS editor FROM new_rows r, jsonb_each(r.edits) e
            UNION ALL
            SELECT r.team_id, t.value ->> 2 FROM new_rows r, jsonb_each(r.tags) t) w
         WHERE w.editor IS DISTINCT FROM current_user::text
           AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.teams t WHERE t.id = w.team_id
                           AND t.admin = current_user)
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'edits in another''s name: % may push only edits made as %, not by %',
            current_user, current_user, coalesce(wrong, '(nobody)')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS claims_editor ON {SCHEMA}.claims;
DROP FUNCTION IF EXISTS {SCHEMA}.check_editor();
DROP TRIGGER IF EXISTS claims_stamp ON {SCHEMA}.claims;
DROP FUNCTION IF EXISTS {SCHEMA}.stamp_claim();
DROP TRIGGER IF EXISTS articles_stamp ON {SCHEMA}.articles;
CREATE TRIGGER articles_stamp BEFORE INSERT OR UPDATE ON {SCHEMA}.articles
    FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.stamp();
CREATE TRIGGER claims_stamp BEFORE INSERT OR UPDATE ON {SCHEMA}.claims
    FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.stamp();
DROP TRIGGER IF EXISTS articles_lock ON {SCHEMA}.articles;
CREATE TRIGGER articles_lock BEFORE INSERT OR UPDATE OR DELETE ON {SCHEMA}.articles
    FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.lock_writers();
DROP TRIGGER IF EXISTS claims_lock ON {SCHEMA}.claims;
CREATE TRIGGER claims_lock BEFORE INSERT OR UPDATE OR DELETE ON {SCHEMA}.claims
    FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.lock_writers();
DROP TRIGGER IF EXISTS claims_editors_insert ON {SCHEMA}.claims;
CREATE TRIGGER claims_editors_insert AFTER INSERT ON {SCHEMA}.claims
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.check_editors();
DROP TRIGGER IF EXISTS claims_editors_update ON {SCHEMA}.claims;
CREATE TRIGGER claims_editors_update AFTER UPDATE ON {SCHEMA}.claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.check_editors();
"""


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise DeskError("The team desk needs psycopg: pip install 'claims-desk[team]'.") from exc
    return psycopg


def connect(url: str, *, autocommit: bool = False) -> Any:
    """A psycopg connection to ``url``; a server that cannot be reached is one-line DeskError."""
    psycopg = _psycopg()
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10,
                               application_name="claims-desk")
    except psycopg.Error as exc:
        raise DeskError(f"Cannot reach the team server: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    """The first line of a server or libpq message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def server_version(conn: Any) -> int | None:
    """The server schema's version, or None where ``server init`` never ran."""
    exists = conn.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.meta"]).fetchone()[0]
    if exists is None:
        return None
    row = conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'version'").fetchone()
    return int(row[0]) if row else None


def check_version(version: int | None, *, upgrading: bool = False) -> None:
    """Refuse a server that was never set up, one set up by a newer Claims Desk, or (unless
    ``server init`` is ``upgrading`` it) one of an older schema."""
    if version is None:
        raise DeskError("This database holds no team desk: run 'claims-desk server init URL "
                        "--team NAME' first.")
    if version > SERVER_VERSION:
        raise DeskError(f"The team server's schema is version {version}, newer than this "
                        f"Claims Desk knows ({SERVER_VERSION}): update Claims Desk.")
    if version < SERVER_VERSION and not upgrading:
        raise DeskError(f"The team server's schema is version {version}, older than this "
                        f"Claims Desk's ({SERVER_VERSION}): its admin upgrades it with "
                        "'claims-desk server init URL --team NAME'.")


def init_server(url: str, team: str) -> str:
    """Create (idempotently) the team schema and the team desk ``team``; returns its id."""
    psycopg = _psycopg()
    team = team.strip()
    if not team:
        raise DeskError("Name the team desk with --team NAME.")
    conn = connect(url)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('claims_desk init'))")
            check_version(server_version(conn) or SERVER_VERSION, upgrading=True)
            conn.execute(_SCHEMA_SQL)
            conn.execute(f"INSERT INTO {SCHEMA}.meta VALUES ('version', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         [str(SERVER_VERSION)])
            row = conn.execute(f"SELECT id FROM {SCHEMA}.teams WHERE name = %s",
                               [team]).fetchone()
            if row is None:
                row = conn.execute(f"INSERT INTO {SCHEMA}.teams (id, name) VALUES (%s, %s) "
                                   "RETURNING id", [uuid.uuid4(), team]).fetchone()
            return str(row[0])
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DeskError(f"Not allowed to set up the team schema: {first_line(exc)}") from exc
    except psycopg.Error as exc:
        raise DeskError(f"The team server refused: {first_line(exc)}") from exc
    finally:
        conn.close()


def grant(url: str, role: str, *, read_only: bool = False) -> str:
    """Give ``role`` the rights of an editor (or only to read) on the team schema; creates a
    login role of that name when there is none. Returns what was done, as a sentence."""
    psycopg = _psycopg()
    from psycopg import sql

    conn = connect(url)
    try:
        with conn.transaction():
            check_version(server_version(conn))
            name = sql.Identifier(role)
            created = not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                       [role]).fetchone()
            if created:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            schema = sql.Identifier(SCHEMA)
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name))
            conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}")
                         .format(schema, name))
            writable = sql.SQL(", ").join(sql.SQL(f"{SCHEMA}.{t}") for t in
                                          ("articles", "claims", "article_alias"))
            if read_only:
                conn.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}")
                             .format(writable, name))
                conn.execute(sql.SQL("REVOKE USAGE ON SEQUENCE {}.change_seq FROM {}")
                             .format(schema, name))
            else:
                conn.execute(sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(writable, name))
                conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {}.change_seq TO {}")
                             .format(schema, name))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DeskError(f"Not allowed to grant rights: {first_line(exc)}") from exc
    except psycopg.Error as exc:
        raise DeskError(f"The team server refused: {first_line(exc)}") from exc
    finally:
        conn.close()
    rights = "may pull only" if read_only else "may pull and push"
    return f"{'created role ' + role + '; ' if created else ''}{role} {rights}"


def pick_team(conn: Any, name: str | None, team_id: str | None) -> tuple[str, str]:
    """The team desk to sync with: the one the desk joined, the one named, or the only one."""
    if team_id:
        row = conn.execute(f"SELECT id, name FROM {SCHEMA}.teams WHERE id = %s",
                           [team_id]).fetchone()
        if row is None:
            raise DeskError(f"This desk belongs to team desk {team_id}, which this server "
                            "does not hold: a desk joins one team desk only.")
        if name and row[1] != name:
            raise DeskError(f"This desk belongs to team desk '{row[1]}': a desk joins one "
                            "team desk only.")
        return str(row[0]), row[1]
    if name:
        row = conn.execute(f"SELECT id, name FROM {SCHEMA}.teams WHERE name = %s",
                           [name]).fetchone()
        if row is None:
            raise DeskError(f"The server holds no team desk called '{name}'.")
        return str(row[0]), row[1]
    rows = conn.execute(f"SELECT id, name FROM {SCHEMA}.teams ORDER BY name").fetchall()
    if len(rows) != 1:
        names = ", ".join(r[1] for r in rows) or "none"
        raise DeskError(f"Name the team desk with --team (the server holds: {names}).")
    return str(rows[0][0]), rows[0][1]
