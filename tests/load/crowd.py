"""A crowded desk: the window adding and editing claims while other processes import,
export, merge, import annotations and edit through the API, all on one desk.

Each other process (:func:`work`, run as ``python -m tests.load.crowd KIND ...``) loops the
real command-line code (:func:`desk.cli.run`) or the API until its deadline and writes what
happened: how many calls, and every call that did not succeed (an error that reached it).
The API writer also logs each acknowledged edit. :func:`verify` then checks that every
acknowledged edit is in the desk and that the desk passes ``check``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk import Desk

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
#: The other processes: three command-line users, a merge, and an API writer.
KINDS = ("import", "export", "annotations", "merge", "api")
#: The API writer's pause between edits (a script or a sync, not a loop flat out: ~20 a second).
API_PAUSE = 0.05
#: A file whose presence in the work folder ends the other processes' loops early.
STOP = "stop"


def prepare(work: Path) -> Path:
    """The shared desk (the seed articles), a laptop's copy with claims to merge, and an
    annotation file; returns the desk's path."""
    from desk.formats.interchange import write_json

    path = work / "crowded.desk"
    with Desk.open(path, editor="setup") as desk:
        results = desk.import_path(SEEDS)
        assert all(r.status == "imported" for r in results), results
    shutil.copy(path, work / "laptop.desk")
    with Desk.open(work / "laptop.desk", editor="laptop") as laptop:
        for article in laptop.articles():
            laptop.add_claim(article.id, 0, 4, source="laptop")
    with Desk.open(work / "elsewhere.desk", editor="elsewhere") as other:
        other.import_path(SEEDS)
        for article in other.articles():
            other.add_claim(article.id, 5, 11, source="annotation")
        write_json(other, work / "annotations.json")
    return path


def _cli(argv: list[str]) -> tuple[int, str]:
    from desk.cli import run

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run(argv)
    return code, err.getvalue()


def work(kind: str, desk: Path, folder: Path, seconds: float, seed: int) -> dict[str, Any]:
    """One other process's loop; returns (and writes) its calls and errors."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    calls, errors, acked = 0, [], []
    api = Desk.open(desk, editor=f"api {seed}") if kind == "api" else None
    while time.monotonic() < deadline and not (folder / STOP).exists():
        calls += 1
        if kind == "import":
            article = folder / f"import-{seed}-{calls}.txt"
            article.write_text(f"Late article {seed}-{calls}\n\nThe council said {calls} "
                               f"people came, up {rng.randint(1, 99)}% on last year.\n",
                               encoding="utf-8")
            code, err = _cli(["import", str(desk), str(article)])
        elif kind == "export":
            fmt = rng.choice(["csv", "json", "claimreview"])
            code, err = _cli(["export", str(desk), "--format", fmt, "-o",
                              str(folder / f"export-{seed}.{fmt}")])
        elif kind == "annotations":
            code, err = _cli(["import-annotations", str(desk), str(folder / "annotations.json")])
        elif kind == "merge":
            code, err = _cli(["merge", str(desk), str(folder / "laptop.desk")])
        else:
            assert api is not None
            try:
                article = rng.choice(api.articles())
                claim = api.add_claim(article.id, 0, 3, note=f"api {calls}")
                note = f"api {calls} edited"
                api.update_claim(claim.id, note=note)
                acked.append([claim.id, note])
                code, err = 0, ""
                time.sleep(API_PAUSE)
            except Exception as exc:  # noqa: BLE001 - any error reaching the caller counts
                code, err = 1, f"{type(exc).__name__}: {exc}"
        if code != 0:
            errors.append(f"{kind}: {err.strip()[:300]}")
    if api is not None:
        api.close()
    result = {"kind": kind, "calls": calls, "errors": errors, "acked": acked}
    (folder / f"result-{kind}-{seed}.json").write_text(json.dumps(result), encoding="utf-8")
    return result


def start(desk: Path, folder: Path, seconds: float) -> list[subprocess.Popen[bytes]]:
    """Start one process of each kind (each runs ``seconds``, or until :func:`stop`)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return [subprocess.Popen([sys.executable, "-m", "tests.load.crowd", kind, str(desk),
                              str(folder), str(seconds), str(seed)], cwd=ROOT, env=env)
            for seed, kind in enumerate(KINDS, start=1)]


def stop(folder: Path, processes: list[subprocess.Popen[bytes]], timeout: float = 300) -> None:
    """End the other processes' loops now and wait for them (they write their results)."""
    (folder / STOP).touch()
    for process in processes:
        process.wait(timeout=timeout)


@dataclass
class WindowLog:
    """What the window did: add-claim timings (s) and its acknowledged claims."""

    add_seconds: list[float] = field(default_factory=list)
    #: Of each add, the time in ``Desk.add_claim``: waiting for the lock, writing, committing.
    core_seconds: list[float] = field(default_factory=list)
    #: After each add, one durable insert into a scratch file beside the desk that no one
    #: else writes: what a commit costs on the machine as loaded (no lock to wait for).
    floor_seconds: list[float] = field(default_factory=list)
    live: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    @property
    def edits(self) -> int:
        return len(self.add_seconds) + len(self.deleted)


def drive_window(window: Any, seconds: float, seed: int = 1, *, min_adds: int = 0,
                 most_seconds: float = 0) -> WindowLog:
    """Add claims through the window's Add Claim action (a selection in the reader, as the
    editor makes it) and undo some (a delete), for ``seconds``; the events keep flowing.
    Each add is timed from the action to its return (durable, the window updated), and
    within it the core's ``Desk.add_claim``. With ``min_adds`` it goes on past ``seconds``
    (up to ``most_seconds``) until it has added that many (a machine busy with other work
    can leave the window few turns)."""
    rng = random.Random(seed)
    log = WindowLog()
    articles = [a.id for a in window.desk.articles()][:5]
    started = time.monotonic()
    desk = window.desk
    add_claim = desk.add_claim

    def timed_add(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return add_claim(*args, **kwargs)
        finally:
            log.core_seconds.append(time.perf_counter() - started)

    desk.add_claim = timed_add  # the instance's own attribute, removed below
    scratch = sqlite3.connect(desk.path.with_name("floor.db"), isolation_level=None)
    scratch.execute("PRAGMA journal_mode = WAL")
    scratch.execute("PRAGMA synchronous = FULL")
    scratch.execute("CREATE TABLE IF NOT EXISTS floor (n INTEGER PRIMARY KEY, note TEXT)")

    def floor() -> None:
        began = time.perf_counter()
        scratch.execute("BEGIN IMMEDIATE")
        scratch.execute("INSERT INTO floor (note) VALUES (?)", [f"{began}"])
        scratch.execute("COMMIT")
        log.floor_seconds.append(time.perf_counter() - began)

    try:
        _drive(window, rng, log, articles, started + seconds, floor)
        while len(log.add_seconds) < min_adds and time.monotonic() < started + most_seconds:
            _drive(window, rng, log, articles, time.monotonic() + 1, floor)
    finally:
        del desk.add_claim
        scratch.close()
    return log


def _drive(window: Any, rng: random.Random, log: WindowLog, articles: list[str],
           deadline: float, floor: Any) -> None:
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QApplication

    while time.monotonic() < deadline:
        QApplication.processEvents()
        article_id = rng.choice(articles)
        window.article_pane.choose(article_id)
        QApplication.processEvents()
        body = window.desk.article(article_id).body
        words = body.split()
        first = rng.randrange(0, max(1, len(words) - 4))
        quote = " ".join(words[first:first + rng.randint(1, 3)])
        cursor = window.reader.document().find(quote, 0, QTextDocument.FindFlag.FindCaseSensitively)
        if cursor.isNull() or not quote:
            continue
        window.reader.setTextCursor(cursor)
        before = _window_claims(window, article_id, quote)
        started = time.perf_counter()
        window.registry.actionAddClaim.trigger()
        took = time.perf_counter() - started
        added = _window_claims(window, article_id, quote) - before
        if len(added) != 1:
            log.errors.append(f"add claim “{quote}” gave {len(added)} claims")
            continue
        log.add_seconds.append(took)
        log.live |= added
        floor()
        if rng.random() < 0.25:  # the editor changes their mind: undo is a delete
            window.undo_stack.undo()
            log.live -= added
            log.deleted |= added


def _window_claims(window: Any, article_id: str, quote: str) -> set[str]:
    rows = window.desk.conn.execute(
        "SELECT id FROM claims WHERE article_id = ? AND quote = ? AND editor = ? "
        "AND deleted_at IS NULL", [article_id, quote, window.desk.editor]).fetchall()
    return {row[0] for row in rows}


@dataclass
class Verdict:
    """The crowded run's figures."""

    edits: int
    lost: int
    errors: list[str]
    p50_ms: float
    p99_ms: float
    sound: bool
    calls: dict[str, int]

    def line(self) -> str:
        return (f"edits: {self.edits}, lost: {self.lost}, errors: {len(self.errors)}, "
                f"add-claim p50 {self.p50_ms:.0f} ms p99 {self.p99_ms:.0f} ms")


def verify(desk_path: Path, folder: Path, log: WindowLog) -> Verdict:
    """Every acknowledged edit is in the desk, the desk is sound, and no error reached anyone."""
    from desk.trust.check import check_desk

    results = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("result-*.json")]
    errors = [e for r in results for e in r["errors"]] + log.errors
    if len(results) != len(KINDS):
        errors.append(f"{len(KINDS) - len(results)} processes did not finish")
    lost = 0
    with Desk.open(desk_path, read_only=True) as desk:
        claims = {c.id: c for c in desk.claims(include_deleted=True)}
        lost += sum(1 for cid in log.live if cid not in claims or claims[cid].deleted_at)
        lost += sum(1 for cid in log.deleted if cid not in claims or not claims[cid].deleted_at)
        api_acks = [a for r in results for a in r["acked"]]
        lost += sum(1 for cid, note in api_acks if cid not in claims or claims[cid].note != note)
    report = check_desk(desk_path)
    times = sorted(log.add_seconds) or [0.0]
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return Verdict(edits=log.edits + len(api_acks), lost=lost, errors=errors,
                   p50_ms=statistics.median(times) * 1000, p99_ms=p99 * 1000,
                   sound=report.sound, calls={r["kind"]: r["calls"] for r in results})


if __name__ == "__main__":
    kind, desk_arg, folder_arg, seconds_arg, seed_arg = sys.argv[1:6]
    if os.environ.get("CROWD_TRACE"):
        from tests.load.trace import install

        install(Path(os.environ["CROWD_TRACE"]), kind)
    work(kind, Path(desk_arg), Path(folder_arg), float(seconds_arg), int(seed_arg))
