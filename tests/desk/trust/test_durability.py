"""Durability: a process editing a desk is killed with SIGKILL at random moments, many times.

After every kill the desk passes ``PRAGMA integrity_check`` and our invariants, and every
change the process acknowledged (it prints a line only after the call returned, i.e. after
the commit) is there. Bounded in time (about 20 s). SIGKILL tests a crash of the process;
a power cut cannot be simulated here, so another test traces the system calls (strace) and
checks that the WAL is flushed to disk (``fdatasync``) before every acknowledgement — what
``synchronous=FULL`` promises. A crash while a new desk is being created is tested too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desk import Desk
from desk.trust.check import check_desk

ROOT = Path(__file__).resolve().parents[3]
#: Stop starting new rounds after this many seconds; at least MIN_KILLS rounds must run.
TIME_BUDGET_S = 20.0
MIN_KILLS = 10
MAX_KILLS = 60

WORKER = r"""
import random, sys
sys.path.insert(0, sys.argv[1])
from desk import ArticleDraft, Desk, STATUSES

path, counter, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
with Desk.open(path, editor="worker") as desk:
    assert desk.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    articles = desk.articles()
    print("READY", flush=True)
    while True:
        counter += 1
        live = desk.claims()
        roll = rng.random()
        if roll < 0.05:
            body = f"Late story {counter}\n\nSomebody said {counter} people came."
            result = desk.add_article(ArticleDraft(f"Late story {counter}", body, "late.txt"))
            articles.append(desk.article(result.article_id))
            print(f"ART {result.article_id} {counter}", flush=True)
        elif roll < 0.5 or not live:
            article = rng.choice(articles)
            start = rng.randrange(0, len(article.body) - 40)
            while not article.body[start:start + 30].strip():
                start += 1
            claim = desk.add_claim(article.id, start, start + rng.randint(5, 30),
                                   note=str(counter), source=f"source {counter}",
                                   tags=[f"tag{counter % 5}"])
            print(f"ADD {claim.id} {counter}", flush=True)
        elif roll < 0.9:
            claim = rng.choice(live)
            status = rng.choice(STATUSES)
            desk.update_claim(claim.id, note=str(counter), status=status,
                              tags=[f"tag{counter % 7}"])
            print(f"EDIT {claim.id} {counter} {status}", flush=True)
        else:
            claim = rng.choice(live)
            desk.delete_claim(claim.id)
            print(f"DEL {claim.id} {counter}", flush=True)
"""


def _read_lines(stream, lines: list[str], ready: threading.Event) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
        if line.startswith("READY"):
            ready.set()


def test_acknowledged_edits_survive_sigkill(seeded_desk: Desk, desk_path: Path):
    seeded_desk.close()
    rng = random.Random(1234)
    added: set[str] = set()
    articles: set[str] = set()
    deleted: set[str] = set()
    last_edit: dict[str, tuple[int, str | None]] = {}
    counter = 0
    kills = 0
    started = time.monotonic()
    while kills < MAX_KILLS and (time.monotonic() - started < TIME_BUDGET_S or kills < MIN_KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(ROOT), str(desk_path), str(counter),
             str(rng.randrange(1 << 30))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        lines: list[str] = []
        ready = threading.Event()
        reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines, ready))
        reader.start()
        if kills % 4 == 3:
            time.sleep(rng.uniform(0.0, 0.6))  # sometimes while it starts and opens the desk
        else:
            assert ready.wait(30), proc.stderr.read() if proc.poll() is not None else "slow"
            time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is not None:
            pytest.fail(f"the worker stopped by itself: {proc.stderr.read()}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join()
        proc.stderr.close()
        kills += 1
        for line in lines[1:]:
            kind, item, number, *rest = line.split()
            counter = max(counter, int(number))
            if kind == "ADD":
                added.add(item)
                last_edit[item] = (int(number), None)
            elif kind == "EDIT":
                last_edit[item] = (int(number), rest[0])
            elif kind == "DEL":
                deleted.add(item)
            else:
                articles.add(item)
        counter += 1000  # an unacknowledged, committed change may have used the next numbers

        report = check_desk(desk_path)
        assert report.sound, (kills, report.problems)
        with Desk.open(desk_path) as desk:
            claims = {c.id: c for c in desk.claims(include_deleted=True)}
            missing = added - claims.keys()
            assert not missing, f"after kill {kills}: acknowledged claims lost: {missing}"
            for claim_id, (number, status) in last_edit.items():
                claim = claims[claim_id]
                assert int(claim.note) >= number, (kills, claim_id, claim.note, number)
                if int(claim.note) == number and status is not None:
                    assert claim.status == status
            for claim_id in deleted:
                assert claims[claim_id].deleted_at is not None, (kills, claim_id)
            have = {a.id for a in desk.articles()}
            assert articles <= have, f"after kill {kills}: articles lost: {articles - have}"
    assert kills >= MIN_KILLS
    assert len(added) > 20, "the worker acknowledged too few changes to test anything"


CREATOR = r"""
import sys
sys.path.insert(0, sys.argv[1])
from desk import Desk
print("STARTING", flush=True)
Desk.open(sys.argv[2]).close()
"""


def test_a_crash_while_creating_a_desk_never_leaves_a_file_that_is_refused(tmp_path: Path):
    rng = random.Random(99)
    for round_ in range(12):
        path = tmp_path / f"new-{round_}.desk"
        proc = subprocess.Popen([sys.executable, "-c", CREATOR, str(ROOT), str(path)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "STARTING"
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        with Desk.open(path) as desk:  # either the whole new desk, or it is created now
            assert desk.counts() == (0, 0)
        assert check_desk(path).sound
    assert not [p.name for p in tmp_path.iterdir() if "creating" in p.name]


SYNCER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from desk import Desk
with Desk.open(sys.argv[2], editor="syncer") as desk:
    if len(sys.argv) > 3:
        desk.db.execute(f"PRAGMA synchronous = {sys.argv[3]}")
    article = desk.articles()[0]
    claim = desk.add_claim(article.id, 0, 5)
    sys.stdout.write("ACK\n")
    sys.stdout.flush()
    for n in range(8):
        desk.update_claim(claim.id, note=str(n))
        sys.stdout.write("ACK\n")
        sys.stdout.flush()
"""


def _acks_without_flush(desk_path: Path, tmp_path: Path, *mode: str) -> tuple[int, int]:
    """(acknowledgements, those not preceded by a flush of the WAL since the last one)."""
    log = tmp_path / "strace.log"
    result = subprocess.run(
        ["strace", "-f", "-y", "-e", "trace=fsync,fdatasync,write", "-o", str(log),
         sys.executable, "-c", SYNCER, str(ROOT), str(desk_path), *mode],
        capture_output=True, text=True, timeout=60)
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    acks = unflushed = 0
    flushed = False
    for line in log.read_text().splitlines():
        if ("fdatasync(" in line or "fsync(" in line) and "-wal>" in line and "= 0" in line:
            flushed = True
        elif "write(1" in line and "ACK" in line:
            acks += 1
            unflushed += not flushed
            flushed = False
    return acks, unflushed


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_every_acknowledged_commit_is_flushed_to_disk_first(seeded_desk: Desk, tmp_path: Path):
    """What a power cut needs: the WAL is fsync'd before each call returns (synchronous=FULL).

    The same check on a connection switched to synchronous=NORMAL finds commits that
    returned without a flush, which shows that the check can fail.
    """
    seeded_desk.close()
    acks, unflushed = _acks_without_flush(seeded_desk.path, tmp_path)
    assert acks == 9 and unflushed == 0
    acks, unflushed = _acks_without_flush(seeded_desk.path, tmp_path, "NORMAL")
    assert acks == 9 and unflushed >= 8
