"""Where a crowded desk's writers spend their time: with ``CROWD_TRACE=FOLDER`` set, every
top-level write transaction of a process appends one JSON line to ``FOLDER/trace-PID.jsonl``:
what wrote (the calling function), when it asked for the write lock, how long it waited for
it, how long it held it before ``COMMIT`` and how long the ``COMMIT`` took (sync and any
checkpoint). A diagnostic for ``scripts/load.py --trace``; nothing imports it otherwise."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desk.errors import DeskError


def install(folder: Path, who: str) -> None:
    """Wrap this process's write transactions so that each is timed into ``folder``."""
    from desk.store import connection

    original = connection.write_transaction
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / f"trace-{os.getpid()}.jsonl", "a", encoding="utf-8")  # noqa: SIM115

    @contextmanager
    def traced(conn: Any, path: Path, savepoint: Any, *, prompt: bool = False,
               on_commit: Any = None, turns: Any = None) -> Iterator[None]:
        if conn.in_transaction:
            with original(conn, path, savepoint, prompt=prompt, on_commit=on_commit,
                          turns=turns):
                yield
            return
        caller = sys._getframe(2).f_code.co_name  # noqa: SLF001
        asked = time.time()
        started = time.perf_counter()
        try:
            connection.begin_write(conn, path, prompt=prompt, turns=turns)
            got = time.perf_counter()
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            body_done = time.perf_counter()
            before = _stamp(path)
            conn.execute("COMMIT")
            if on_commit is not None:
                on_commit()
        except sqlite3.OperationalError as exc:
            raise DeskError(connection.write_failure_message(path, exc)) from exc
        done = time.perf_counter()
        log.write(json.dumps({"who": who, "what": caller, "at": asked, "wait": got - started,
                              "hold": body_done - got, "commit": done - body_done,
                              "checkpoint": _stamp(path) != before}) + "\n")
        log.flush()

    connection.write_transaction = traced


def _stamp(path: Path) -> int:
    """The desk file's change time: a checkpoint (copying pages out of the WAL) moves it."""
    return os.stat(path).st_mtime_ns


def summary(folder: Path) -> list[str]:
    """One line per (process, writing function): how many, and the wait, hold and commit
    times' medians, 99th percentiles and maxima in milliseconds."""
    rows = [json.loads(line) for path in sorted(folder.glob("trace-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["who"], row["what"]), []).append(row)

    def figures(values: list[float]) -> str:
        values = sorted(values)
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        return (f"{values[len(values) // 2] * 1000:.0f}/{p99 * 1000:.0f}/"
                f"{values[-1] * 1000:.0f}")

    lines = ["who / what: n, wait, hold, commit (ms: p50/p99/max)"]
    for (who, what), group in sorted(groups.items()):
        checkpoints = [r["commit"] for r in group if r.get("checkpoint")]
        lines.append(f"{who} / {what}: {len(group)}, {figures([r['wait'] for r in group])}, "
                     f"{figures([r['hold'] for r in group])}, "
                     f"{figures([r['commit'] for r in group])}; desk file written during "
                     f"{len(checkpoints)} commits"
                     + (f" ({figures(checkpoints)})" if checkpoints else ""))
    return lines
