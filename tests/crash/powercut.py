"""A power-cut simulator: record every write and sync of real desk edits, then build the disk
images a power cut could leave and open each with the app.

**Recording.** :mod:`tests.crash.edits` runs in a child process under ``strace``, which logs
each ``pwrite64``/``write`` (with its bytes), ``ftruncate``, ``fsync``/``fdatasync``, file
creation, rename and unlink in the desk's folder, and the moment each edit was acknowledged
(a write to the acks file after the call returned).

**Images.** A power cut after event *k* leaves, for each file, what its last sync made
durable plus any subset of the writes and truncations since (each kept or lost on its own),
and a kept write may be torn: only some of its 512-byte sectors reach the disk. File
creation, renames and unlinks are kept in order (a journaling file system). The shared
memory file (``-shm``) is not kept: SQLite rebuilds it.

**Checks.** Each image must open as a desk (:meth:`desk.Desk.open`), pass ``claims-desk
check`` (``integrity_check``, foreign keys, the desk's rules), and hold every acknowledged
edit: its state is the state after the last acknowledged edit, or after the one in flight.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk import Desk, DeskError
from desk.model import ArticleDraft

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SECTOR = 512
TRACED = ("openat,creat,pwrite64,write,pwritev,pwritev2,writev,fsync,fdatasync,ftruncate,"
          "unlink,unlinkat,rename,renameat,renameat2")
_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s+= (?P<result>-?\d+)(?:<(?P<path>[^>]*)>)?")


@dataclass
class Recording:
    """What one traced run did: events in order, the folder's files before, the states."""

    folder: Path
    before: dict[str, bytes]
    events: list[tuple[Any, ...]]
    states: list[dict[str, Any]]
    initial: dict[str, Any]

    @property
    def acks(self) -> int:
        return sum(1 for e in self.events if e[0] == "ack")


@dataclass
class Outcome:
    """What opening the images found."""

    images: int = 0
    losses: int = 0
    unopenable: int = 0
    unsound: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"images: {self.images}, losses: {self.losses}, unopenable: "
                f"{self.unopenable}")


# -- recording --------------------------------------------------------------------------

def prepare(work: Path) -> tuple[Path, dict[str, Any]]:
    """The desk (seed articles, a few claims), a laptop's copy with edits to merge, an
    annotation file and an article file to import. Returns the desk's path and state."""
    from desk.formats.interchange import write_json
    from tests.crash.edits import state

    inputs, folder = work / "inputs", work / "desk"
    inputs.mkdir(parents=True)
    folder.mkdir()
    path = folder / "newsroom.desk"
    with Desk.open(path, editor="base") as desk:
        desk.import_path(SEEDS)
        for article in desk.articles()[:3]:
            desk.add_claim(article.id, 0, 5, source="base")
    shutil.copy(path, inputs / "laptop.desk")
    with Desk.open(inputs / "laptop.desk", editor="laptop") as laptop:
        for number, article in enumerate(laptop.articles()):
            laptop.add_claim(article.id, 6, 12, source=f"laptop {number}")
        for claim in laptop.claims()[:2]:
            laptop.update_claim(claim.id, note="edited on the laptop")
    with Desk.open(work / "annotations-source.desk", editor="elsewhere") as other:
        other.import_path(SEEDS)
        for article in other.articles():
            other.add_claim(article.id, 13, 20, source="from annotations")
        write_json(other, inputs / "annotations.json")
    (inputs / "late-article.txt").write_text(
        "A late article\n\nThe council said 12,000 people came, up 4% on last year.\n",
        encoding="utf-8")
    with Desk.open(path, read_only=True) as desk:
        initial = json.loads(json.dumps(state(desk)))
    for leftover in folder.glob("*-shm"):
        leftover.unlink()
    return path, initial


def record(work: Path, seed: int, edits: int = 24, synchronous: str = "",
           prompt: bool = False) -> Recording:
    """Run ``edits`` edits on a fresh desk under strace and return what they wrote
    (``synchronous`` overrides the desk's setting: the simulator's own test). With
    ``prompt`` the desk writes as the window's does (:attr:`desk.Desk.prompt`): its
    checkpoints run on a background thread, here at once after every commit, so that they
    interleave with the next edits (strace follows the thread)."""
    path, initial = prepare(work)
    folder = path.parent
    before = {str(p.resolve()): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    trace = work / "trace.txt"
    command = ["strace", *(["-f"] if prompt else []), "-y", "-xx", "-s", "100000000", "-o",
               str(trace), "-e", f"trace={TRACED}", sys.executable, "-m", "tests.crash.edits",
               str(path), str(work), str(seed), str(edits)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POWERCUT_SYNCHRONOUS": synchronous,
           "POWERCUT_PROMPT": "1" if prompt else ""}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the traced edits failed: {done.stderr[-2000:]}")
    events = parse_trace(trace.read_text(encoding="ascii", errors="replace"), folder)
    states = [json.loads(line) for line in
              (work / "states.jsonl").read_text(encoding="utf-8").splitlines()]
    trace.unlink()
    return Recording(folder.resolve(), before, events, states, initial)


# -- images -----------------------------------------------------------------------------

@dataclass
class _File:
    synced: bytearray
    pending: list[tuple[Any, ...]] = field(default_factory=list)


def _apply(data: bytearray, op: tuple[Any, ...], sectors: set[int] | None = None) -> None:
    if op[0] == "truncate":
        del data[op[1]:]
        return
    offset, chunk = op[1], op[2]
    if len(data) < offset + len(chunk):
        data.extend(bytes(offset + len(chunk) - len(data)))
    if sectors is None:
        data[offset:offset + len(chunk)] = chunk
        return
    for index in range(0, len(chunk), SECTOR):  # a torn write: some sectors only
        if (offset + index) // SECTOR in sectors:
            data[offset + index:offset + index + SECTOR] = chunk[index:index + SECTOR]


def build_image(recording: Recording, cut: int, rng: random.Random) -> tuple[dict[str, bytes], int]:
    """The files a power cut after ``cut`` events could leave, and how many edits had been
    acknowledged by then."""
    files = {path: _File(bytearray(data)) for path, data in recording.before.items()}
    acked = 0
    for event in recording.events[:cut]:
        kind = event[0]
        if kind == "ack":
            acked += 1
        elif kind == "create":
            if event[1] not in files or event[2]:
                files[event[1]] = _File(bytearray())
        elif kind == "write":
            files.setdefault(event[1], _File(bytearray())).pending.append(
                ("write", event[2], event[3]))
        elif kind == "append":
            entry = files.setdefault(event[1], _File(bytearray()))
            size = len(entry.synced)
            for op in entry.pending:
                size = op[1] if op[0] == "truncate" else max(size, op[1] + len(op[2]))
            entry.pending.append(("write", size, event[2]))
        elif kind == "truncate":
            files.setdefault(event[1], _File(bytearray())).pending.append(("truncate", event[2]))
        elif kind == "sync" and event[1] in files:
            entry = files[event[1]]
            for op in entry.pending:
                _apply(entry.synced, op)
            entry.pending.clear()
        elif kind == "unlink":
            files.pop(event[1], None)
        elif kind == "rename" and event[1] in files:
            files[event[2]] = files.pop(event[1])
    keep = rng.random()
    image = {}
    for path, entry in files.items():
        data = bytearray(entry.synced)
        for op in entry.pending:
            if rng.random() >= keep:
                continue  # this write never reached the disk
            torn = None
            if op[0] == "write" and len(op[2]) > SECTOR and rng.random() < 0.2:
                first, last = op[1] // SECTOR, (op[1] + len(op[2]) - 1) // SECTOR
                torn = {s for s in range(first, last + 1) if rng.random() < 0.5}
            _apply(data, op, torn)
        image[path] = bytes(data)
    return image, acked


def check_image(recording: Recording, image: dict[str, bytes], acked: int, where: Path,
                outcome: Outcome, label: str) -> None:
    """Write ``image`` under ``where``, open it as the app would and compare its state."""
    from desk.trust.check import check_desk
    from tests.crash.edits import state

    if where.exists():
        shutil.rmtree(where)
    desk_path = where / "newsroom.desk"
    for path, data in image.items():
        if path.endswith("-shm"):
            continue
        target = where / os.path.relpath(path, recording.folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    outcome.images += 1
    try:
        with Desk.open(desk_path, editor="after the cut") as desk:
            found = json.loads(json.dumps(state(desk)))
    except (DeskError, sqlite3.DatabaseError) as exc:  # refused, or damaged when read
        outcome.unopenable += 1
        outcome.notes.append(f"{label}: did not open or read: {exc}")
        return
    report = check_desk(desk_path)
    if not report.sound:
        outcome.unsound += 1
        outcome.notes.append(f"{label}: not sound: {report.problems[:2]}")
    states = [recording.initial, *recording.states]
    allowed = states[acked:acked + 2]  # the last acknowledged, or the one in flight
    if found not in allowed:
        outcome.losses += 1
        outcome.notes.append(f"{label}: {acked} edits acknowledged, the desk holds another "
                             "state (an acknowledged edit was lost)")


def run_images(recording: Recording, images: int, seed: int, where: Path) -> Outcome:
    """Build and check ``images`` images at seeded random cut points."""
    rng = random.Random(seed)
    outcome = Outcome()
    total = len(recording.events)
    for number in range(images):
        cut = rng.randint(0, total)
        image, acked = build_image(recording, cut, rng)
        check_image(recording, image, acked, where / "image", outcome,
                    f"image {number} (cut after event {cut} of {total})")
    return outcome


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.strip().strip('"').replace("\\x", ""))


def _split(args: str) -> list[str]:
    """strace's arguments (with -xx no string holds a comma or a quote)."""
    return [a.strip() for a in args.split(", ")]


def _fd_path(arg: str) -> str | None:
    match = re.search(r"<([^>]*)>", arg)
    return _hex(match.group(1)).decode("utf-8", "replace") if match else None


_PID = re.compile(r"^(\d+) +")
_RESUMED = re.compile(r"^<\.\.\. \w+ resumed>")


def _whole_calls(text: str) -> list[str]:
    """The trace's calls one a line: with ``strace -f`` each line starts with its thread's
    id, and a call another thread interrupted is split into ``… <unfinished ...>`` and
    ``<... name resumed> …``; it is put together where it ended (when it took effect)."""
    calls: list[str] = []
    started: dict[str, str] = {}
    for line in text.splitlines():
        pid_match = _PID.match(line)
        pid = pid_match.group(1) if pid_match else ""
        line = line[pid_match.end():] if pid_match else line
        if line.endswith(" <unfinished ...>"):
            started[pid] = line[:-len(" <unfinished ...>")]
            continue
        resumed = _RESUMED.match(line)
        if resumed:
            line = started.pop(pid, "") + line[resumed.end():]
        calls.append(line)
    return calls


def parse_trace(text: str, folder: Path, acks_name: str = "acks.log") -> list[tuple[Any, ...]]:
    """Events in the desk's folder (and the acknowledgements) from an ``strace -y -xx`` log."""
    inside = str(folder.resolve()) + os.sep
    events: list[tuple[Any, ...]] = []
    for line in _whole_calls(text):
        match = _CALL.match(line)
        if not match or match.group("result").startswith("-"):
            continue
        name, args = match.group("name"), _split(match.group("args"))
        if name in ("openat", "creat"):
            path = _hex(match.group("path")).decode("utf-8", "replace") if match.group(
                "path") else None
            flags = args[2] if name == "openat" else "O_CREAT|O_TRUNC"
            if path and path.startswith(inside) and ("O_CREAT" in flags or "O_TRUNC" in flags):
                events.append(("create", path, "O_TRUNC" in flags))
            continue
        path = _fd_path(args[0]) if args else None
        if name in ("unlink", "rename"):
            paths = [_hex(a).decode("utf-8", "replace") for a in args[:2]]
        elif name in ("unlinkat", "renameat", "renameat2"):
            pairs = [(args[0], args[1])] + ([(args[2], args[3])] if name != "unlinkat" else [])
            paths = [os.path.join(_fd_path(d) or "", _hex(p).decode("utf-8", "replace"))
                     for d, p in pairs]
        else:
            paths = []
        if name in ("unlink", "unlinkat"):
            if paths[0].startswith(inside):
                events.append(("unlink", paths[0]))
        elif name.startswith("rename"):
            if paths[1].startswith(inside):
                events.append(("rename", paths[0], paths[1]))
        elif path and path.endswith(os.sep + acks_name) and name == "write":
            events.append(("ack",))
        elif not path or not path.startswith(inside):
            continue
        elif name == "pwrite64":
            events.append(("write", path, int(args[3]), _hex(args[1])))
        elif name == "write":
            events.append(("append", path, _hex(args[1])))
        elif name == "ftruncate":
            events.append(("truncate", path, int(args[1])))
        elif name in ("fsync", "fdatasync"):
            events.append(("sync", path))
        elif name in ("pwritev", "pwritev2", "writev"):
            raise RuntimeError(f"{name} is not simulated: {line[:200]}")
    return events
