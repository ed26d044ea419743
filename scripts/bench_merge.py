"""Measure merging two desks of N claims each (default 50,000; target ≤ 3 s).

Two cases: the fieldwork routine (a copy of the desk edited on a laptop: 10% of its claims
get a new note, 2% are deleted) and two unrelated desks (every claim new). The desks are
built in a temporary folder with bulk inserts; only ``merge_desks`` is timed.

    python scripts/bench_merge.py [--claims 50000] [--per-article 100]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk import ArticleDraft, Desk  # noqa: E402
from desk.clock import now_iso  # noqa: E402
from desk.fieldwork.merge import merge_desks  # noqa: E402

SENTENCE = "The ministry said {n} people were affected in region {r}, officials confirmed. "


def build(path: Path, claims: int, per_article: int, seed: int) -> list[str]:
    """A desk of ``claims`` claims, ``per_article`` in each article; returns the claim ids."""
    ids: list[str] = []
    with Desk.open(path, editor="bench") as desk:
        now = now_iso()
        tag_id = desk.db["tags"].lookup({"name": "bench"})
        rows, edits, tags = [], [], []
        for number in range(claims // per_article):
            body = f"Article {seed}-{number}\n\n" + "".join(
                SENTENCE.format(n=i * 7 + number, r=i) for i in range(per_article))
            article_id = desk.add_article(ArticleDraft(
                f"Article {seed}-{number}", body, f"a{seed}-{number}.txt")).article_id
            at = 0
            for _ in range(per_article):
                start = body.index("said ", at) + 5
                end = at = body.index(" people", start) + 7
                claim_id = str(uuid.uuid4())
                ids.append(claim_id)
                rows.append({"id": claim_id, "article_id": article_id, "start_char": start,
                             "end_char": end, "quote": body[start:end],
                             "prefix": body[max(0, start - 32):start],
                             "suffix": body[end:end + 32], "source": "The ministry",
                             "editor": "bench", "created_at": now, "updated_at": now})
                edits.extend({"claim_id": claim_id, "field": f, "edited_at": now,
                              "editor": "bench"} for f in ("source", "figure", "status",
                                                           "note", "tags"))
                tags.append({"claims_id": claim_id, "tags_id": tag_id, "added_at": now,
                             "editor": "bench"})
        with desk.db.atomic():
            desk.db["claims"].insert_all(rows, batch_size=1000)
            desk.db["claim_edits"].insert_all(edits, batch_size=1000)
            desk.db["claims_tags"].insert_all(tags, batch_size=1000)
    return ids


def field_edits(path: Path, ids: list[str]) -> None:
    """A laptop's work: new notes on 10% of the claims, 2% deleted."""
    chosen = random.Random(1).sample(ids, len(ids) // 10 + len(ids) // 50)
    notes, deletes = chosen[:len(ids) // 10], chosen[len(ids) // 10:]
    time.sleep(0.01)
    with Desk.open(path, editor="laptop") as desk, desk.db.atomic():
        now = now_iso()
        conn = desk.db.conn
        conn.executemany("UPDATE claims SET note = 'checked', updated_at = ?, editor = 'laptop' "
                         "WHERE id = ?", [(now, c) for c in notes])
        conn.executemany("UPDATE claim_edits SET edited_at = ?, editor = 'laptop' "
                         "WHERE claim_id = ? AND field = 'note'", [(now, c) for c in notes])
        conn.executemany("UPDATE claims SET deleted_at = ?, updated_at = ? WHERE id = ?",
                         [(now, now, c) for c in deletes])
        conn.executemany("INSERT INTO claim_edits VALUES (?, 'deleted_at', ?, 'laptop')",
                         [(c, now) for c in deletes])


def timed_merge(target: Path, other: Path) -> tuple[float, list[str]]:
    with Desk.open(target, editor="lead") as desk:
        start = time.perf_counter()
        summary = merge_desks(desk, [other], backup=False)
        return time.perf_counter() - start, summary.lines()


def main() -> None:
    """Build the desks, merge, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--per-article", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        office = folder / "office.desk"
        ids = build(office, args.claims, args.per_article, seed=0)
        laptop = folder / "laptop.desk"
        shutil.copyfile(office, laptop)
        field_edits(laptop, ids)
        other = folder / "other.desk"
        build(other, args.claims, args.per_article, seed=1)
        for label, source in (("copy edited in the field", laptop), ("unrelated desk", other)):
            target = folder / f"target-{source.name}"
            shutil.copyfile(office, target)
            seconds, lines = timed_merge(target, source)
            again, _ = timed_merge(target, source)
            print(f"{label}: {args.claims:,} + {args.claims:,} claims merged in {seconds:.2f} s "
                  f"(again, nothing to do: {again:.2f} s) — {'; '.join(lines[2:4])}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
