"""The team desk's figures for ``tests/bench.py``, each beside a baseline measured in the
same run against the same throwaway PostgreSQL server (:mod:`tests.pgcluster`):

* a sync with nothing to do vs one connection and one query (``SELECT 1``);
* pushing 10,000 local edits vs a raw ``COPY`` of the same rows into a temporary table;
* pulling those 10,000 claims into another laptop's desk of 100,000 vs a raw ``COPY … TO``
  of the same rows into Python;
* 8 laptops syncing 1,000 edits each at once (all converge; the wall time is reported).

    python tests/bench_team.py [--quick]     # these figures alone
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
from desk.clock import now_iso  # noqa: E402
from desk.team import sync_desk  # noqa: E402
from desk.team.server import CLAIM_FIELDS, SCHEMA, grant, init_server  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

#: (name, ours, baseline, unit, target, passed, note), as bench.Figure takes them.
Row = tuple[str, float | None, float | None, str, str, bool | None, str]
LAPTOP = ROOT / "tests" / "desk" / "team" / "laptop.py"


def _ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _edit(desk_path: Path, count: int, editor: str) -> list[str]:
    """``count`` claims' notes edited in one transaction (as many edits in the window)."""
    with Desk.open(desk_path, editor=editor) as desk:
        ids = [row[0] for row in desk.conn.execute(
            "SELECT id FROM claims WHERE deleted_at IS NULL ORDER BY id LIMIT ?", [count])]
        now = now_iso()
        with desk.writing():
            desk.conn.executemany("UPDATE claims SET note = ?, updated_at = ?, editor = ? "
                                  "WHERE id = ?", [(f"checked {now}", now, editor, i)
                                                   for i in ids])
            desk.conn.executemany(
                "INSERT INTO claim_edits (claim_id, field, edited_at, editor) VALUES "
                "(?, 'note', ?, ?) ON CONFLICT (claim_id, field) DO UPDATE SET "
                "edited_at = excluded.edited_at, editor = excluded.editor",
                [(i, now, editor) for i in ids])
    return ids


def team_figures(desk_path: Path, tmp: Path, quick: bool) -> list[Row]:
    """Every team figure on a copy of the benchmark desk (``desk_path``)."""
    edits = 1_000 if quick else 10_000
    runs = 3 if quick else 7
    cluster = Cluster().start()
    try:
        admin = cluster.create_database("bench")
        init_server(admin, "Bench")
        grant(admin, "ana")
        grant(admin, "ben")
        office = tmp / "team-office.desk"
        shutil.copy(desk_path, office)
        with Desk.open(office) as desk:  # the admin brings the desk's history in
            start = time.perf_counter()
            sync_desk(desk, admin)
            join = time.perf_counter() - start
            claims = desk.counts()[1]
        ana, ben = tmp / "team-ana.desk", tmp / "team-ben.desk"
        shutil.copy(office, ana)
        shutil.copy(office, ben)
        rows: list[Row] = []
        with Desk.open(ana) as desk:
            sync_desk(desk, cluster.url("ana", "bench"))
            ours = _ms(lambda: sync_desk(desk), runs)

        def one_query() -> None:
            import psycopg

            with psycopg.connect(cluster.url("ana", "bench"), autocommit=True) as conn:
                conn.execute("SELECT 1").fetchone()

        base = _ms(one_query, runs)
        rows.append(("team sync with nothing to do (loopback server)", ours, base, "ms",
                     "≤ 50 ms", ours <= 50, ""))
        ids = _edit(ana, edits, "ana")
        with Desk.open(ana) as desk:
            start = time.perf_counter()
            line = sync_desk(desk).line()
            push = time.perf_counter() - start
            assert line.startswith(f"pulled 0, pushed {edits},"), line
            base = _raw_copy_in(cluster.url("ana", "bench"), desk, ids)
        rows.append((f"team sync pushing {edits:,} edits", push, base, "s", "≤ 3 s", push <= 3,
                     f"baseline: raw COPY of the rows; joining pushed the whole desk "
                     f"({claims:,} claims) in {join:.1f} s"))
        with Desk.open(ben) as desk:
            start = time.perf_counter()
            line = sync_desk(desk, cluster.url("ben", "bench")).line()
            pull = time.perf_counter() - start
            assert line.startswith(f"pulled {edits}, pushed 0,"), line
        base = _raw_copy_out(cluster.url("ben", "bench"), ids)
        rows.append((f"team sync pulling {edits:,} claims into a desk of {claims:,}", pull, base,
                     "s", "≤ 3 s", pull <= 3, "baseline: raw COPY TO of the rows"))
        rows.append(_concurrent(cluster, tmp, 8, 100 if quick else 1_000))
        return rows
    finally:
        cluster.stop()


def _raw_copy_in(url: str, desk: Desk, ids: list[str]) -> float:
    """Seconds to COPY the pushed claims' rows as they are into a temporary table."""
    import psycopg

    from desk.team.units import pending_claims

    desk.conn.executemany("INSERT INTO team_pending VALUES ('claim', ?)", [(i,) for i in ids])
    rows = list(pending_claims(desk.conn))
    desk.conn.execute("DELETE FROM team_pending")
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        conn.execute(f"CREATE TEMP TABLE raw AS SELECT {', '.join(CLAIM_FIELDS)} "
                     f"FROM {SCHEMA}.claims WITH NO DATA")
        with conn.cursor() as cur, cur.copy("COPY raw FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - start


def _raw_copy_out(url: str, ids: list[str]) -> float:
    """Seconds to COPY the same claims' rows out of the server into Python."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("COPY (SELECT {} FROM {}.claims WHERE id = ANY({}::text[])) "
                        "TO STDOUT").format(sql.SQL(", ".join(CLAIM_FIELDS)),
                                            sql.Identifier(SCHEMA), sql.Literal(ids))
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        with conn.cursor() as cur, cur.copy(statement) as copy:
            fetched = list(copy.rows())
        assert len(fetched) == len(ids)
        return time.perf_counter() - start


def _concurrent(cluster: Cluster, tmp: Path, laptops: int, edits: int) -> Row:
    """``laptops`` processes each editing ``edits`` claims and syncing at once."""
    from desk import ArticleDraft

    admin = cluster.create_database("laptops")
    init_server(admin, "Laptops")
    office = tmp / "laptops-office.desk"
    body = "Numbers\n\n" + " ".join(f"Item {n} cost {n * 7} dollars."
                                    for n in range(laptops * edits))
    with Desk.open(office, editor="postgres") as desk:
        article = desk.add_article(ArticleDraft("Numbers", body, "numbers.txt")).article_id
        with desk.writing():
            for n in range(laptops * edits):
                start = body.index(f"Item {n} cost ")
                desk.add_claim(article, start, start + len(f"Item {n} cost"))
        sync_desk(desk, admin)
    go = tmp / "laptops-go"
    processes = []
    for number in range(laptops):
        role = f"laptop{number}"
        grant(admin, role)
        path = tmp / f"{role}.desk"
        shutil.copy(office, path)
        processes.append(subprocess.Popen(
            [sys.executable, str(LAPTOP), str(path), cluster.url(role, "laptops"), role,
             str(number), str(laptops), str(edits), "1", str(go)],
            stdout=subprocess.PIPE, text=True))
    start = time.perf_counter()
    go.touch()
    reports = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1])
               for p in processes]
    wall = time.perf_counter() - start
    slowest = max(max(r["seconds"]) for r in reports)
    for _ in range(3):  # until every laptop has what the others pushed after it
        lines = []
        for number in range(laptops):
            with Desk.open(tmp / f"laptop{number}.desk") as desk:
                lines.append(sync_desk(desk).line())
        if all(line.startswith("pulled 0, pushed 0") for line in lines):
            break
    notes = []
    for number in range(laptops):
        with Desk.open(tmp / f"laptop{number}.desk") as desk:
            notes.append(sorted((c.id, c.note) for c in desk.claims()))
    converged = all(n == notes[0] for n in notes) and sum(
        1 for _id, note in notes[0] if note) == laptops * edits
    return (f"{laptops} laptops syncing {edits:,} edits each at once", wall, None, "s",
            "reported; all converge", converged,
            f"slowest sync {slowest:.1f} s; {'converged' if converged else 'DIVERGED'}")


def main() -> None:
    import argparse
    import tempfile

    from tests.benchdata import FULL, QUICK, build_desk

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="claims-bench-team-"))
    try:
        build_desk(tmp / "bench.desk", QUICK if args.quick else FULL)
        for row in team_figures(tmp / "bench.desk", tmp, args.quick):
            ours = "—" if row[1] is None else f"{row[1]:.3g}"
            base = "—" if row[2] is None else f"{row[2]:.3g}"
            print(f"{row[0]}: {ours} {row[3]} (baseline {base}; target {row[4]}; "
                  f"{'pass' if row[5] else 'FAIL'}) {row[6]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
