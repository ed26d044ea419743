"""The scale benchmark: every figure beside the fastest the same machine does, in the same run.

    python tests/bench.py [--quick] [--json] [--pages PATH/article-extraction]

Builds a synthetic newsroom desk (10,000 articles, 100,000 claims, a few 1 MB articles; with
``--quick`` a small one) in a temporary folder and measures each figure as the median of
several runs next to its baseline. Prints one table (or JSON with ``--json``) and the machine.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gzip
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
from desk.formats.csv_export import EXPORT_SQL  # noqa: E402
from desk.store.reads import fts_query  # noqa: E402
from tests.benchdata import DISTRICTS, FULL, QUICK, build_desk  # noqa: E402

PROBE = ROOT / "tests" / "bench_probe.py"


@dataclass
class Figure:
    """One line of the table: our time, the baseline's, their ratio, the target and verdict."""

    name: str
    ours: float | None
    baseline: float | None
    unit: str
    target: str
    passed: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def judge(ours: float, baseline: float | None, max_ratio: float | None,
          max_ms: float | None) -> bool:
    """Whether a figure meets its ratio and absolute targets."""
    ok = True
    if max_ratio is not None and baseline:
        ok &= ours / baseline <= max_ratio
    if max_ms is not None:
        ok &= ours <= max_ms
    return ok


def bench_filter(desk_path: Path, runs: int) -> Figure:
    """Filter the article list by a word: the window's query (the first page of matching
    articles, with what the list shows of each) vs the raw FTS5 MATCH."""
    from ui.models import PAGE_SIZE

    word = DISTRICTS[7]  # in about 25 of 10,000 articles, as a real filter word would be
    with Desk.open(desk_path, read_only=True) as desk:
        ours = median_time(lambda: desk.article_page(word, None, PAGE_SIZE), runs)
    raw = sqlite3.connect(desk_path)
    match = fts_query(word)
    base = median_time(lambda: raw.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [match]).fetchall(), runs)
    raw.close()
    return Figure("article list page matching a word (core, FTS5)", ours, base, "ms", "≤ 1.5×",
                  judge(ours, base, 1.5, None))


def bench_export(desk_path: Path, tmp: Path, runs: int) -> Figure:
    """Export every claim to CSV vs csv.writer over a raw cursor of the same rows (the
    baseline has no figure_conflict column). The note: ours against csv.writer writing the
    same rows *with* their figure_conflict cells (worked out before timing), and how many
    times the baseline's bytes the export writes."""
    from desk.across.rebuild import current_conflicts

    out = tmp / "claims.csv"
    with Desk.open(desk_path, read_only=True) as desk:
        ours = median_time(lambda: desk.export_csv(out), runs)
        cells = current_conflicts(desk)
    raw = sqlite3.connect(desk_path)

    def baseline() -> None:
        with open(tmp / "raw.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(raw.execute(EXPORT_SQL))

    def same_bytes() -> None:
        with open(tmp / "raw-cells.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(row + (cells.get(row[0], ""),)
                                         for row in raw.execute(EXPORT_SQL))

    base = median_time(baseline, runs)
    floor = median_time(same_bytes, runs)
    raw.close()
    size = out.stat().st_size / (tmp / "raw.csv").stat().st_size
    return Figure("export all claims to CSV", ours, base, "ms", "≤ 1.3×", judge(ours, base, 1.3, None),
                  f"{ours / floor:.2f}× csv.writer of the same rows with their conflict cells; "
                  f"{size:.1f}× the baseline's bytes")


def bench_import_pages(pages: Path | None, tmp: Path) -> Figure:
    """Import real news pages through the app's importer: pages per second."""
    if pages is None or not (pages / "html").is_dir():
        return Figure("import real news pages", None, None, "pages/s", "reported", None,
                      "skipped: no --pages path")
    folder = tmp / "pages"
    folder.mkdir()
    for gz in sorted((pages / "html").glob("*.html.gz")):
        (folder / gz.name[:-3]).write_bytes(gzip.decompress(gz.read_bytes()))
    count = len(list(folder.iterdir()))
    with Desk.open(tmp / "pages.desk") as desk:
        start = time.perf_counter()
        results = desk.import_path(folder)
        seconds = time.perf_counter() - start
    imported = sum(r.status == "imported" for r in results)
    return Figure("import real news pages", count / seconds, None, "pages/s", "reported", True,
                  f"{imported}/{count} imported")


def bench_finder(desk_path: Path, ids: dict[str, str], runs: int) -> Figure:
    """Suggest claims in the big article with the trained model, in seconds per MB of text,
    vs the rules-only finder on the same text (the model file is read before timing; its
    first read is in the note)."""
    from desk.finder.engine import suggest
    from desk.finder.model import shipped

    with Desk.open(desk_path, read_only=True) as desk:
        text = desk.article(ids["big"]).body
    megabytes = len(text.encode("utf-8")) / 1_000_000
    start = time.perf_counter()
    shipped()
    load_ms = (time.perf_counter() - start) * 1000
    ours = median_time(lambda: suggest(text), runs) / 1000 / megabytes
    base = median_time(lambda: suggest(text, rules_only=True), runs) / 1000 / megabytes
    return Figure("suggest claims with the trained model, per MB of text", ours, base, "s/MB",
                  "≤ 1 s/MB", ours <= 1.0,
                  f"model read in {load_ms:.0f} ms; baseline: the rules-only finder")


def run_probe(*args: str) -> dict:
    """Run the window probe in a fresh process and return what it measured."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                          env=env, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    """A one-line description of the machine this ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores, {cpu}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def print_table(figures: list[Figure], build_seconds: float, spec_name: str) -> None:
    """The human-readable table."""
    print(f"Machine: {machine()}")
    print(f"Desk: {spec_name} (built in {build_seconds:.1f} s)\n")
    rows = [("figure", "ours", "baseline", "ratio", "target", "pass")]
    for f in figures:
        rows.append((
            f.name,
            "—" if f.ours is None else f"{f.ours:.1f} {f.unit}",
            "—" if f.baseline is None else f"{f.baseline:.1f} {f.unit}",
            "—" if f.ratio is None else f"{f.ratio:.2f}×",
            f.target,
            {True: "pass", False: "FAIL", None: "—"}[f.passed] + (f" ({f.note})" if f.note else ""),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for index, row in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main(argv: list[str] | None = None) -> int:
    """Build the desk, measure every figure, print the table; exit 1 if a target failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small desk, fewer runs")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument("--pages", type=Path, default=None,
                        help="the article-extraction benchmark folder (optional)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the built desk here")
    parser.add_argument("--claims", type=int, default=None,
                        help="claims on the benchmark desk (default 100,000; --quick 3,000)")
    args = parser.parse_args(argv)
    spec = QUICK if args.quick else FULL
    if args.claims:  # the same shape, scaled: ten claims an article
        spec = dataclasses.replace(spec, claims=args.claims,
                                   articles=max(spec.articles, args.claims // 10))
    runs = 3 if args.quick else 7
    tmp = Path(tempfile.mkdtemp(prefix="claims-bench-"))
    try:
        desk_path = tmp / "bench.desk"
        start = time.perf_counter()
        ids = build_desk(desk_path, spec)
        build_seconds = time.perf_counter() - start
        figures = collect(desk_path, ids, tmp, runs, args)
        if args.keep:
            shutil.copy(desk_path, args.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps({
            "machine": machine(),
            "figures": [{"name": f.name, "ours": f.ours, "baseline": f.baseline,
                         "ratio": f.ratio, "target": f.target, "pass": f.passed,
                         "unit": f.unit, "note": f.note} for f in figures],
        }, indent=2))
    else:
        print_table(figures, build_seconds, "quick" if args.quick else "full")
    return 0 if all(f.passed is not False for f in figures) or args.quick else 1


def bench_startup(desk_path: Path, tmp: Path, runs: int) -> list[Figure]:
    """``main.py DESK`` to the first painted window vs a bare PySide6 window, and vs the floor
    (the same Qt classes and widgets, no desk: tests/bench_floor.py), fresh processes,
    interleaved so that all three see the machine as it is.

    Our modules are byte-compiled first, as an installed application's are (PySide6's are,
    by pip), even where PYTHONDONTWRITEBYTECODE keeps Python from writing them itself.
    """
    import compileall

    for package in ("desk", "ui", "tests"):
        compileall.compile_dir(ROOT / package, quiet=1)

    def launch(*args: str) -> float:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True,
                              text=True, env=env, timeout=300)
        if "painted" not in done.stdout:
            raise RuntimeError(f"startup probe failed: {done.stderr[-2000:]}")
        return (time.perf_counter() - start) * 1000

    spec = tmp / "window-spec.json"
    launch("startup-spec", str(desk_path), str(spec))  # also warms the file cache
    kinds = {"ours": ("startup", str(desk_path)), "bare": ("startup-bare",),
             "floor": ("startup-floor", str(spec))}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind, args in kinds.items():
        launch(*args)
    for _ in range(runs):
        for kind, args in kinds.items():
            times[kind].append(launch(*args))
    ours, bare, floor = (statistics.median(times[k]) for k in ("ours", "bare", "floor"))
    return [
        Figure("start main.py DESK to first paint", ours, bare, "ms", "≤ 1.5×",
               judge(ours, bare, 1.5, None)),
        Figure("start main.py DESK to first paint, vs the same widgets with no desk", ours,
               floor, "ms", "≤ 1.2×", judge(ours, floor, 1.2, None),
               f"floor {floor / bare:.2f}× the bare window"),
    ]


def bench_window(desk_path: Path, ids: dict[str, str], runs: int) -> list[Figure]:
    """The window's figures, measured in one fresh process on a copy of the desk."""
    w = run_probe("window", str(desk_path), ids["big"], str(runs))
    w.update(run_probe("plain", str(desk_path), ids["big"], str(runs)))
    return [
        Figure(f"switch to the big article ({int(w['big_claims'])} claims), painted",
               w["switch"], w["switch_baseline"], "ms", "≤ 3×, ≤ 60 ms",
               judge(w["switch"], w["switch_baseline"], 3, 60)),
        Figure("add a claim through the action, durable and painted", w["add_claim"],
               w["add_claim_baseline"], "ms", "≤ 4× (≤ 10 ms)",
               judge(w["add_claim"], w["add_claim_baseline"], 4, None),
               f"{w['add_claim']:.1f} ms" + ("" if w["add_claim"] <= 10 else " > 10 ms")),
        Figure("add a claim in the core (desk.add_claim, durable, not painted)",
               w["add_claim_core"], w["add_claim_baseline"], "ms", "≤ 4×",
               judge(w["add_claim_core"], w["add_claim_baseline"], 4, None)),
        Figure("filter the article list by a word, painted", w["filter"], w["filter_baseline"],
               "ms", "≤ 1.5×, ≤ 30 ms", judge(w["filter"], w["filter_baseline"], 1.5, 30),
               "baseline: the same rows by one raw query in a plain QListView, painted"),
        Figure(f"whole desk's claims in the table ({int(w['whole_desk_rows'])} rows loaded), "
               "first paint", w["whole_desk_table"], None, "ms", "≤ 100 ms",
               judge(w["whole_desk_table"], None, None, 100)),
        Figure("peak memory of the window process", w["peak_rss_mb"], None, "MB", "≤ 400 MB",
               w["peak_rss_mb"] <= 400),
    ]


def bench_dashboard(desk_path: Path, runs: int) -> Figure:
    """The dashboard opened to its first paint with every chart drawn, in a fresh process."""
    d = run_probe("dashboard", str(desk_path), str(runs))
    return Figure(f"dashboard of {int(d['dashboard_claims']):,} claims, opened to charts painted",
                  d["dashboard"], d["dashboard_baseline"], "ms", "≤ 300 ms",
                  judge(d["dashboard"], None, None, 300),
                  "baseline: one GROUP BY status reading every claim, fresh connection")


def bench_merge(spec_claims: int, tmp: Path, runs: int) -> Figure:
    """Merge two desks of ``spec_claims`` claims each (different articles and claims)."""
    from desk.fieldwork.merge import merge_desks
    from tests.benchdata import DeskSpec

    half = DeskSpec(articles=max(50, spec_claims // 10), claims=spec_claims, big_articles=0,
                    big_size=0, claims_on_big=0)
    first, second = tmp / "merge-a.desk", tmp / "merge-b.desk"
    build_desk(first, half, seed=1)
    build_desk(second, half, seed=2)
    times, floor = [], []
    for run in range(runs):  # interleaved, so that both see the machine as it is
        target = tmp / f"merge-target-{run}.desk"
        shutil.copy(first, target)
        with Desk.open(target, editor="bench") as desk:
            start = time.perf_counter()
            merge_desks(desk, [second], backup=False)
            times.append((time.perf_counter() - start) * 1000)
            assert desk.counts()[1] == 2 * spec_claims
        target.unlink()
        shutil.copy(first, target)
        floor.append(raw_copy(target, second))
        assert sqlite3.connect(target).execute("SELECT count(*) FROM claims").fetchone()[0] \
            == 2 * spec_claims
    ours, base = statistics.median(times) / 1000, statistics.median(floor) / 1000
    return Figure(f"merge two desks of {spec_claims:,} claims each", ours, base, "s", "≤ 3 s",
                  ours <= 3, f"{ours / base:.2f}× the raw copy")


def raw_copy(target: Path, other: Path) -> float:
    """The floor of a merge of unrelated desks: their rows copied into ``target`` by plain
    ``INSERT … SELECT`` (new articles and their full-text index, claims, edit records, tag
    states), durable as the desk's commits are, no merge rules. Milliseconds."""
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -65536")  # as the merge's (merge_bulk.MERGE_CACHE_KIB)
    start = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS other", [f"{other.resolve().as_uri()}?mode=ro"])
    conn.execute("BEGIN IMMEDIATE")
    for name in ("articles_ai", "claims_span_insert", "claims_status_insert"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("INSERT INTO main.articles SELECT * FROM other.articles ORDER BY rowid")
    conn.execute("INSERT INTO articles_fts (rowid, title, body) SELECT rowid, title, body "
                 "FROM main.articles WHERE id IN (SELECT id FROM other.articles) ORDER BY rowid")
    conn.execute("INSERT INTO main.claims SELECT * FROM other.claims ORDER BY id")
    conn.execute("INSERT INTO main.claim_edits SELECT * FROM other.claim_edits "
                 "ORDER BY claim_id, field")
    conn.execute("INSERT INTO main.claims_tags SELECT * FROM other.claims_tags")
    conn.execute("COMMIT")
    seconds = (time.perf_counter() - start) * 1000
    conn.close()
    return seconds


def collect(desk_path: Path, ids: dict[str, str], tmp: Path, runs: int,
            args: argparse.Namespace) -> list[Figure]:
    """Every figure of the table, in order."""
    figures = bench_startup(desk_path, tmp, runs)
    probe_copy = tmp / "probe.desk"
    shutil.copy(desk_path, probe_copy)
    # Flush the 250 MB copy now: its write-back would otherwise share the disk with the
    # window's durable commits (an ext4 journal commit waits for it), which the raw-insert
    # baseline, measured later, would not.
    os.sync()
    figures.extend(bench_window(probe_copy, ids, runs))
    figures.append(bench_dashboard(desk_path, runs))
    figures.append(bench_filter(desk_path, runs))
    from tests.bench_across import bench_across

    across_figures = bench_across(desk_path, tmp, runs, args.quick)  # rebuilds the index
    figures.append(bench_export(desk_path, tmp, runs))  # which the export reads
    figures.extend(across_figures)
    figures.append(bench_import_pages(args.pages, tmp))
    figures.append(bench_merge(5_000 if args.quick else 50_000, tmp, 1 if args.quick else 3))
    figures.extend(bench_team(desk_path, tmp, args.quick))
    figures.append(bench_finder(desk_path, ids, runs))
    from tests.bench_load import crowded_figures

    figures.extend(Figure(*row) for row in crowded_figures(args.quick))
    return figures


def bench_team(desk_path: Path, tmp: Path, quick: bool) -> list[Figure]:
    """The team desk's figures against a throwaway PostgreSQL server (tests/bench_team.py)."""
    from tests.bench_team import team_figures

    return [Figure(*row) for row in team_figures(desk_path, tmp, quick)]


if __name__ == "__main__":
    sys.exit(main())
