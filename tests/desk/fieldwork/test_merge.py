"""Merging desks: three laptops in the field, tombstones, tags, updated articles, conflicts,
and the properties (idempotent, order-independent, nothing lost, never into itself)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, DeskError
from desk.cli import run
from desk.fieldwork.merge import MergeCancelled, merge_desks
from desk.trust.check import check_desk

FLOOD = ("Flood relief pledged\n\n"
         "The UN human rights office said 249 civilians were killed in the region. "
         "Officials said $350 million was pledged by donors on Friday. "
         "The ministry said nearly 500 homes were damaged by the water. "
         "Volunteers handed out 9,000 meals in the first week.")
REPORT = ("Hospital report\n\n"
          "Doctors treated 1,200 patients for smoke inhalation last month, the health "
          "board said. About 40% of them were children, according to the report.")


def tick() -> None:
    """Let the millisecond clock move on, so that 'later' is later."""
    time.sleep(0.003)


def claim_on(desk: Desk, article_id: str, needle: str, **fields):
    body = desk.article(article_id).body
    start = body.index(needle)
    return desk.add_claim(article_id, start, start + len(needle), **fields)


def copy_desk(source: Path, target: Path) -> Path:
    """A laptop's copy of a closed desk file, as a file copy (the routine in the field)."""
    assert not Path(f"{source}-wal").exists() or Path(f"{source}-wal").stat().st_size == 0
    shutil.copyfile(source, target)
    return target


def snapshot(path: Path) -> dict[str, tuple]:
    """Every claim's values, its article named by text, and live tags (ids of articles may
    differ between merge orders when the same text was imported twice)."""
    with Desk.open(path, read_only=True) as desk:
        shas = {a.id: a.body_sha256 for a in desk.articles()}
        return {c.id: (shas[c.article_id], c.start_char, c.end_char, c.quote, c.source,
                       c.figure, c.figure_value, c.status, c.note, c.deleted_at is None,
                       c.anchor_status, tuple(c.tags))
                for c in desk.claims(include_deleted=True)}


def dump(path: Path) -> dict[str, list]:
    """The merge-relevant tables, whole, for 'nothing changed' checks."""
    conn = sqlite3.connect(path)
    try:
        return {table: sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
                for table in ("articles", "claims", "claim_edits", "claims_tags", "tags",
                              "article_revisions", "merge_conflicts", "dismissed_suggestions")}
    finally:
        conn.close()


def conflicts(desk: Desk) -> list[tuple]:
    return list(desk.db.execute(
        "SELECT claim_id, field, kept_value, other_value, kept_editor, other_editor "
        "FROM merge_conflicts ORDER BY id"))


@pytest.fixture
def office(tmp_path: Path) -> dict:
    """The office desk: two articles and five claims, closed and ready to be copied."""
    path = tmp_path / "office.desk"
    with Desk.open(path, editor="lead") as desk:
        flood = desk.add_article(ArticleDraft("Flood relief pledged", FLOOD, "flood.txt",
                                              url="https://news.example/flood")).article_id
        report = desk.add_article(ArticleDraft("Hospital report", REPORT, "report.txt")).article_id
        claims = {
            "civilians": claim_on(desk, flood, "249 civilians", source="UN human rights office",
                                  figure="249", tags=["casualties"]),
            "pledge": claim_on(desk, flood, "$350 million", source="Officials",
                               figure="$350 million"),
            "homes": claim_on(desk, flood, "nearly 500 homes", source="The ministry",
                              figure="nearly 500", tags=["housing", "damage"]),
            "meals": claim_on(desk, flood, "9,000 meals", figure="9,000"),
            "patients": claim_on(desk, report, "1,200 patients", source="health board",
                                 figure="1,200"),
        }
        ids = {name: claim.id for name, claim in claims.items()}
    return {"path": path, "flood": flood, "report": report, "claims": ids}


def laptops(office: dict, tmp_path: Path, *names: str) -> list[Path]:
    return [copy_desk(office["path"], tmp_path / f"{name}.desk") for name in names]


def field_work(office: dict, tmp_path: Path) -> dict:
    """Three reporters edit their copies with overlapping changes, deletes, and the same
    new article imported on two laptops; one laptop updates an article's text."""
    ana, ben, cat = laptops(office, tmp_path, "ana", "ben", "cat")
    c = office["claims"]
    new_article = ArticleDraft("Bridge reopens", "Bridge reopens\n\nThe bridge carried "
                               "12,000 vehicles a day before it closed, the council said.",
                               "bridge.txt")
    tick()
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(c["civilians"], note="Matches the UN statement of 3 March.")
        desk.update_claim(c["pledge"], status="verified")
        desk.delete_claim(c["meals"])
        desk.update_claim(c["homes"], tags=["housing", "damage", "priority"])
        bridge = desk.add_article(new_article).article_id
        ana_bridge = claim_on(desk, bridge, "12,000 vehicles", source="the council",
                              figure="12,000").id
        ana_new = claim_on(desk, office["flood"], "Volunteers", note="who organised them?").id
    tick()
    with Desk.open(ben, editor="ben") as desk:
        desk.update_claim(c["civilians"], status="checking")
        desk.update_claim(c["pledge"], status="false")          # later than ana's: wins
        desk.update_claim(c["homes"], tags=["housing"])         # removes "damage"
        tick()
        desk.update_claim(c["meals"], note="Confirmed by the food bank.")  # after ana's delete
        desk.delete_claim(c["patients"])
        bridge_b = desk.add_article(new_article).article_id     # the same text, another id
        ben_bridge = claim_on(desk, bridge_b, "the council said", source="the council").id
    tick()
    with Desk.open(cat, editor="cat") as desk:
        updated = desk.update_article(ArticleDraft(
            "Flood relief pledged",
            FLOOD.replace("Officials said", "Officials confirmed on Thursday that")
            .replace("Volunteers", "Volunteers from three towns"),
            "flood.txt", url="https://news.example/flood"))
        assert updated.status == "updated", updated
        cat_new = claim_on(desk, office["flood"], "confirmed on Thursday", source="Officials").id
    return {"ana": ana, "ben": ben, "cat": cat, "ana_bridge": ana_bridge,
            "ben_bridge": ben_bridge, "ana_new": ana_new, "cat_new": cat_new}


def test_three_laptops_merge_into_the_office_desk(office: dict, tmp_path: Path) -> None:
    work = field_work(office, tmp_path)
    c = office["claims"]
    with Desk.open(office["path"], editor="lead") as desk:
        summary = merge_desks(desk, [work["ana"], work["ben"], work["cat"]])
        claims = {cl.id: cl for cl in desk.claims(include_deleted=True)}
        flood = desk.article(office["flood"])
        # A note typed on one laptop and a status set on another both survive.
        assert claims[c["civilians"]].note == "Matches the UN statement of 3 March."
        assert claims[c["civilians"]].status == "checking"
        # Both set the pledge's status: the later edit wins, the other is a conflict.
        assert claims[c["pledge"]].status == "false"
        found = conflicts(desk)
        assert (c["pledge"], "status", "false", "verified", "ben", "ana") in found
        # Deleted on ana's laptop, edited later on ben's: it comes back, with a conflict.
        assert claims[c["meals"]].deleted_at is None
        assert claims[c["meals"]].note == "Confirmed by the food bank."
        assert any(row[0] == c["meals"] and row[1] == "deleted_at" for row in found)
        # Deleted on ben's laptop and touched nowhere else: stays deleted (a tombstone).
        assert claims[c["patients"]].deleted_at is not None
        # Tags as a set: ana's addition and ben's removal both travel.
        assert claims[c["homes"]].tags == ["housing", "priority"]
        # The same article imported on two laptops is one article, with both claims on it.
        bridges = [a for a in desk.articles() if a.title == "Bridge reopens"]
        assert len(bridges) == 1
        assert claims[work["ana_bridge"]].article_id == bridges[0].id
        assert claims[work["ben_bridge"]].article_id == bridges[0].id
        # Cat's updated text replaced the older one; the others' claims are re-anchored.
        assert "confirmed on Thursday" in flood.body
        for claim in desk.claims(office["flood"]):
            assert flood.body[claim.start_char:claim.end_char] == claim.quote
        assert claims[c["meals"]].quote == "9,000 meals"
        assert all(claim.anchor_status == "anchored" for claim in claims.values())
        assert claims[work["ana_new"]].quote == "Volunteers"
        assert claims[work["cat_new"]].article_id == office["flood"]
        revisions = [r[0] for r in desk.db.execute(
            "SELECT body FROM article_revisions WHERE article_id = ?", [office["flood"]])]
        assert FLOOD in revisions
        assert claims[c["civilians"]].editor in {"ana", "ben"}
        assert summary.articles_added == 1 and summary.articles_updated == 1
        assert summary.claims_added == 4
        assert summary.claims_deleted == 1
        assert summary.conflicts == len(found) >= 2
        assert summary.backup is not None and summary.backup.exists()
    assert check_desk(office["path"]).sound


def test_merge_is_idempotent(office: dict, tmp_path: Path) -> None:
    work = field_work(office, tmp_path)
    others = [work["ana"], work["ben"], work["cat"]]
    with Desk.open(office["path"], editor="lead") as desk:
        merge_desks(desk, others)
    before = dump(office["path"])
    with Desk.open(office["path"], editor="lead") as desk:
        again = merge_desks(desk, others)
    assert dump(office["path"]) == before
    assert (again.articles_added, again.articles_updated, again.claims_added,
            again.claims_updated, again.claims_deleted, again.claims_restored,
            again.conflicts) == (0, 0, 0, 0, 0, 0, 0)


def test_merge_order_does_not_change_the_result(office: dict, tmp_path: Path) -> None:
    work = field_work(office, tmp_path)
    ana, ben, cat = work["ana"], work["ben"], work["cat"]
    results = []
    for number, order in enumerate([(ana, ben, cat), (cat, ben, ana), (ben, ana, cat)]):
        target = copy_desk(office["path"], tmp_path / f"result{number}.desk")
        with Desk.open(target, editor="lead") as desk:
            for path in order:  # one at a time, so that each step is its own merge
                merge_desks(desk, [path], backup=False)
        results.append(snapshot(target))
    assert results[0] == results[1] == results[2]
    # A+B and B+A: merging ben's laptop into ana's gives what ana's into ben's gives.
    ab = copy_desk(ana, tmp_path / "ab.desk")
    ba = copy_desk(ben, tmp_path / "ba.desk")
    with Desk.open(ab) as desk:
        merge_desks(desk, [ben], backup=False)
    with Desk.open(ba) as desk:
        merge_desks(desk, [ana], backup=False)
    assert snapshot(ab) == snapshot(ba)
    with Desk.open(ab) as a, Desk.open(ba) as b:
        assert sorted(conflicts(a)) == sorted(conflicts(b))


def test_nothing_is_lost(office: dict, tmp_path: Path) -> None:
    """Every claim of every input is in the result; every value an input holds is in the
    result, or recorded as overruled, or is the value the claim was created with."""
    original = snapshot(copy_desk(office["path"], tmp_path / "original.desk"))
    work = field_work(office, tmp_path)
    inputs = [work["ana"], work["ben"], work["cat"]]
    before = {path: snapshot(path) for path in inputs}
    with Desk.open(office["path"], editor="lead") as desk:
        merge_desks(desk, inputs)
        overruled = {(row[0], row[1], row[3]) for row in conflicts(desk)}
    after = snapshot(office["path"])
    for path, claims in before.items():
        for claim_id, values in claims.items():
            assert claim_id in after, f"{claim_id} of {path.name} is missing"
            for index, name in ((4, "source"), (5, "figure"), (7, "status"), (8, "note")):
                if values[index] != after[claim_id][index]:
                    assert ((claim_id, name, values[index]) in overruled
                            or values[index] == original[claim_id][index]), \
                        (path.name, claim_id, name, values[index])


def test_a_desk_is_never_merged_into_itself(office: dict, tmp_path: Path) -> None:
    path = office["path"]
    link = tmp_path / "link.desk"
    link.symlink_to(path)
    hard = tmp_path / "hard.desk"
    os.link(path, hard)
    before = dump(path)
    with Desk.open(path) as desk:
        for other in (path, Path(os.path.relpath(path)), link, hard):
            with pytest.raises(DeskError, match="never merged into itself"):
                merge_desks(desk, [other])
    assert dump(path) == before
    # A copy shares the desk's id and merges like any desk (here: nothing new).
    copy = copy_desk(path, tmp_path / "copy.desk")
    with Desk.open(path) as desk, Desk.open(copy) as other:
        assert desk.desk_id == other.desk_id
    with Desk.open(path) as desk:
        summary = merge_desks(desk, [copy])
    assert summary.merged == [str(copy)]
    assert dump(path) == before


def test_an_error_leaves_the_desk_as_it_was(office: dict, tmp_path: Path) -> None:
    work = field_work(office, tmp_path)
    # A foreign desk whose last claim breaks our rules (written behind the app's back).
    bad = copy_desk(work["ben"], tmp_path / "bad.desk")
    conn = sqlite3.connect(bad)
    conn.execute("DROP TRIGGER claims_status_insert")
    article = conn.execute("SELECT id, substr(body, 1, 6) FROM articles LIMIT 1").fetchone()
    conn.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote, status) "
                 "VALUES ('zzzz', ?, 0, 6, ?, 'bogus')", article)
    conn.commit()
    conn.close()
    junk = tmp_path / "junk.desk"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    before = dump(office["path"])
    with Desk.open(office["path"]) as desk:
        with pytest.raises(DeskError):
            merge_desks(desk, [work["ana"], junk])
        with pytest.raises(DeskError, match="unchanged"):
            merge_desks(desk, [work["ana"], bad], backup=False)
        with pytest.raises(MergeCancelled):
            merge_desks(desk, [work["ana"], work["cat"]], backup=False,
                        cancelled=lambda: len(desk.db.execute(
                            "SELECT 1 FROM claims").fetchall()) > 5)
    assert dump(office["path"]) == before


def test_claims_follow_an_article_updated_on_either_side(office: dict, tmp_path: Path) -> None:
    """One laptop updates the text, the other adds a claim in the old text: whichever way
    the merge goes, the newer text stays and the claim is re-anchored onto it."""
    old, new = laptops(office, tmp_path, "old", "new")
    tick()
    with Desk.open(old) as desk:
        added = claim_on(desk, office["flood"], "handed out", note="where?").id
    tick()
    with Desk.open(new) as desk:
        desk.update_article(ArticleDraft(
            "Flood relief pledged", "Update: roads are closed.\n\n" + FLOOD, "flood.txt",
            url="https://news.example/flood"))
    for receiver, giver in ((old, new), (new, old)):
        target = copy_desk(receiver, tmp_path / f"into-{receiver.name}")
        with Desk.open(target) as desk:
            merge_desks(desk, [giver], backup=False)
            body = desk.article(office["flood"]).body
            assert body.startswith("Update: roads are closed.")
            claim = desk.claim(added)
            assert body[claim.start_char:claim.end_char] == "handed out"
            assert claim.anchor_status == "anchored" and claim.note == "where?"
            assert [r[0] for r in desk.db.execute(
                "SELECT body FROM article_revisions")] == [FLOOD]
        assert check_desk(target).sound


def test_cli_merge_prints_a_summary(office: dict, tmp_path: Path, capsys) -> None:
    work = field_work(office, tmp_path)
    assert run(["merge", str(office["path"]), str(work["ana"]), str(work["ben"]),
                "--editor", "lead"]) == 0
    out = capsys.readouterr().out
    assert "articles: 1 added, 0 updated" in out
    assert "claims: 3 added" in out and "conflicts: 2" in out
    assert run(["merge", str(office["path"]), str(office["path"])]) == 1
    assert "never merged into itself" in capsys.readouterr().err
    other = tmp_path / "notes.txt"
    other.write_text("not a desk")
    assert run(["merge", str(office["path"]), str(other)]) == 1
    assert "not a Claims Desk file" in capsys.readouterr().err


# -- properties, on random field work -------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NOTES = ("", "call back", "checked with the ministry", "see the PDF")
SOURCES = ("UN", "the ministry", "Officials", "health board")
FIGURES = ("249", "$350 million", "nearly 500", "")
TAGS = ("casualties", "housing", "money", "priority")
STATUS_CHOICES = ("checking", "verified", "false", "misleading")
WORDS = ("civilians", "pledged", "homes", "meals", "patients", "children", "Doctors")

Operation = st.tuples(
    st.integers(0, 2),                                   # which laptop
    st.sampled_from(("note", "status", "source", "figure", "tag", "untag", "delete", "add")),
    st.integers(0, 7),                                   # which claim
    st.integers(0, 6),                                   # which value
)


@pytest.fixture(scope="module")
def base_desk(tmp_path_factory) -> Path:
    """An office desk built once for all the property examples (copied per example)."""
    folder = tmp_path_factory.mktemp("base")
    path = folder / "base.desk"
    with Desk.open(path, editor="lead") as desk:
        flood = desk.add_article(ArticleDraft("Flood", FLOOD, "flood.txt")).article_id
        report = desk.add_article(ArticleDraft("Report", REPORT, "report.txt")).article_id
        for article_id, needle in ((flood, "249 civilians"), (flood, "$350 million"),
                                   (flood, "nearly 500 homes"), (report, "1,200 patients")):
            claim_on(desk, article_id, needle, tags=["casualties"])
    return path


def _apply(path: Path, editor: str, operations: list[tuple[int, str, int, int]]) -> None:
    with Desk.open(path, editor=editor) as desk:
        for _laptop, kind, which, value in operations:
            tick()
            claims = desk.claims(include_deleted=True)
            claim = claims[which % len(claims)]
            if kind == "add":
                article = desk.articles()[value % 2]
                word = next(w for w in WORDS[value:] + WORDS if w in article.body)
                claim_on(desk, article.id, word, note=f"{editor}'s find")
            elif claim.deleted_at is not None:
                continue
            elif kind == "delete":
                desk.delete_claim(claim.id)
            elif kind in ("tag", "untag"):
                tag = TAGS[value % len(TAGS)]
                tags = set(claim.tags) | {tag} if kind == "tag" else set(claim.tags) - {tag}
                desk.update_claim(claim.id, tags=sorted(tags))
            else:
                choices = {"note": NOTES, "status": STATUS_CHOICES, "source": SOURCES,
                           "figure": FIGURES}[kind]
                desk.update_claim(claim.id, **{kind: choices[value % len(choices)]})


def _tag_rows(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    conn = sqlite3.connect(path)
    try:
        return {(c, n): (a, d) for c, n, a, d in conn.execute(
            "SELECT ct.claims_id, t.name, ct.added_at, ct.deleted_at FROM claims_tags ct "
            "JOIN tags t ON t.id = ct.tags_id")}
    finally:
        conn.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(Operation, max_size=14))
def test_merge_properties(base_desk: Path, tmp_path_factory, operations) -> None:
    """Idempotent, order-independent, nothing lost — on random edits of three copies."""
    folder = tmp_path_factory.mktemp("example")
    copies = [copy_desk(base_desk, folder / f"laptop{n}.desk") for n in range(3)]
    for number, path in enumerate(copies):
        _apply(path, f"editor{number}", [op for op in operations if op[0] == number])
    # Order independence: one order, the reverse, and A+B against B+A.
    results = []
    for name, order in (("forward", copies), ("backward", copies[::-1])):
        target = copy_desk(base_desk, folder / f"{name}.desk")
        with Desk.open(target) as desk:
            for path in order:
                merge_desks(desk, [path], backup=False)
        results.append(target)
    assert snapshot(results[0]) == snapshot(results[1])
    ab = copy_desk(copies[0], folder / "ab.desk")
    ba = copy_desk(copies[1], folder / "ba.desk")
    with Desk.open(ab) as desk:
        merge_desks(desk, [copies[1]], backup=False)
    with Desk.open(ba) as desk:
        merge_desks(desk, [copies[0]], backup=False)
    assert snapshot(ab) == snapshot(ba)
    # Idempotence: merging the same desks again changes nothing at all.
    before = dump(results[0])
    with Desk.open(results[0]) as desk:
        merge_desks(desk, copies, backup=False)
    assert dump(results[0]) == before
    # The two orders' results merge into each other without changing a value.
    values = snapshot(results[0])
    with Desk.open(results[0]) as desk:
        merge_desks(desk, [results[1]], backup=False)
    assert snapshot(results[0]) == values
    # Nothing lost: claims, values (or their conflict records) and tags.
    original = snapshot(base_desk)
    after = snapshot(results[0])
    tags_after = _tag_rows(results[0])
    with Desk.open(results[0], read_only=True) as desk:
        overruled = {(row[0], row[1], row[3]) for row in conflicts(desk)}
    inputs = {path: snapshot(path) for path in copies}
    for path in copies:
        for claim_id, values in inputs[path].items():
            assert claim_id in after
            for index, name in ((4, "source"), (5, "figure"), (7, "status"), (8, "note")):
                if values[index] != after[claim_id][index]:
                    assert ((claim_id, name, values[index]) in overruled
                            or values[index] == original.get(claim_id, values)[index])
            if values[9] and not after[claim_id][9]:  # deleted only if deleted somewhere
                assert any(not inputs[p].get(claim_id, values)[9] for p in copies)
        for key, (added, deleted) in _tag_rows(path).items():
            assert key in tags_after
            if deleted is None and tags_after[key][1] is not None:
                assert tags_after[key][1] >= added
    assert check_desk(results[0]).sound


def test_the_anchor_guard_is_back_after_a_bulk_merge(office: dict, tmp_path: Path) -> None:
    """The merge sets the per-row anchor trigger aside for its checked bulk insert; the
    desk keeps refusing a claim whose quote does not match, after success and failure."""
    work = field_work(office, tmp_path)
    marks: list[tuple[int, int]] = []
    with Desk.open(office["path"]) as desk:
        merge_desks(desk, [work["ana"]], backup=False,
                    progress=lambda done, total, _name: marks.append((done, total)))
        assert marks[0] == (0, 3) and marks[-1] == (3, 3)
        with pytest.raises(MergeCancelled):
            merge_desks(desk, [work["ben"]], backup=False, cancelled=lambda: len(marks) > 5,
                        progress=lambda done, total, _name: marks.append((done, total)))
        triggers = {row[0] for row in desk.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"claims_span_insert", "claims_span_update"} <= triggers
        with pytest.raises(sqlite3.IntegrityError, match="does not match"):
            desk.db.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
                            "VALUES ('x', ?, 0, 5, 'nope!')", [office["flood"]])


def test_an_article_imported_twice_then_updated_on_one_laptop(office: dict,
                                                              tmp_path: Path) -> None:
    """Ana and Ben import the same new article independently; Ben then updates its text.
    Ana's copy matches Ben's earlier text (a revision): one article, the newer text."""
    ana, ben = laptops(office, tmp_path, "ana", "ben")
    body = "Dam report\n\nEngineers found 14 cracks in the dam wall, the agency said."
    draft = ArticleDraft("Dam report", body, "dam.txt")
    with Desk.open(ana, editor="ana") as desk:
        dam = desk.add_article(draft).article_id
        cracks = claim_on(desk, dam, "14 cracks", source="the agency").id
    with Desk.open(ben, editor="ben") as desk:
        desk.add_article(draft)
        tick()
        desk.update_article(ArticleDraft(
            "Dam report", body.replace("Engineers found", "On Monday engineers found"),
            "dam.txt"))
    for receiver, giver in ((ana, ben), (ben, ana)):
        target = copy_desk(receiver, tmp_path / f"dam-{receiver.name}")
        with Desk.open(target) as desk:
            merge_desks(desk, [giver], backup=False)
            dams = [a for a in desk.articles() if a.title == "Dam report"]
            assert len(dams) == 1 and dams[0].body.startswith("Dam report\n\nOn Monday")
            claim = desk.claim(cracks)
            assert claim.article_id == dams[0].id
            assert dams[0].body[claim.start_char:claim.end_char] == "14 cracks"
        assert check_desk(target).sound


def test_conflicts_and_their_resolution_travel(office: dict, tmp_path: Path) -> None:
    """A conflict found on a laptop (in a merge there) reaches the office, and marking it
    resolved on the laptop marks it resolved in the office too."""
    ana, ben = laptops(office, tmp_path, "ana", "ben")
    claim_id = office["claims"]["pledge"]
    tick()
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(claim_id, note="ana's note")
    tick()
    with Desk.open(ben, editor="ben") as desk:
        desk.update_claim(claim_id, note="ben's note")
        merge_desks(desk, [ana], backup=False)
        assert [row[1:4] for row in conflicts(desk)] == [("note", "ben's note", "ana's note")]
        assert desk.db.execute("SELECT other_desk FROM merge_conflicts").fetchone()[0] == \
            "ana.desk"
    with Desk.open(office["path"]) as desk:
        summary = merge_desks(desk, [ben], backup=False)
        assert summary.conflicts == 1 and desk.claim(claim_id).note == "ben's note"
    with Desk.open(ben) as desk:
        desk.db.execute("UPDATE merge_conflicts SET resolved_at = '2026-11-25T20:00:00.000Z'")
        desk.db.conn.commit()
    with Desk.open(office["path"]) as desk:
        merge_desks(desk, [ben, ana], backup=False)
        assert [row[0] for row in desk.db.execute(
            "SELECT resolved_at FROM merge_conflicts")] == ["2026-11-25T20:00:00.000Z"]


def test_a_foreign_desk_with_strange_values_is_refused_cleanly(office: dict,
                                                               tmp_path: Path) -> None:
    """Offsets stored as text by another tool: a message for people, the desk unchanged."""
    (odd,) = laptops(office, tmp_path, "odd")
    conn = sqlite3.connect(odd)
    for name in ("claims_span_insert", "claims_span_update"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE claims SET start_char = 'abc', quote = 'x', updated_at = 'z'")
    conn.commit()
    conn.close()
    before = dump(office["path"])
    with Desk.open(office["path"]) as desk:
        with pytest.raises(DeskError, match="unchanged"):
            merge_desks(desk, [odd], backup=False)
    assert dump(office["path"]) == before


def test_reviewing_conflicts(office: dict, tmp_path: Path) -> None:
    """The review list: accept the kept value, or take the overruled one back (a new edit
    that then wins in later merges); resolved records leave the list."""
    from desk.fieldwork.conflicts import list_conflicts, resolve_conflict

    work = field_work(office, tmp_path)
    c = office["claims"]
    with Desk.open(office["path"], editor="lead") as desk:
        merge_desks(desk, [work["ana"], work["ben"]], backup=False)
        found = {(x.claim_id, x.field): x for x in list_conflicts(desk)}
        pledge = found[(c["pledge"], "status")]
        assert (pledge.kept_value, pledge.other_value) == ("false", "verified")
        assert (pledge.kept_editor, pledge.other_editor) == ("ben", "ana")
        assert pledge.other_desk == "office.desk"  # where it was when overruled (ana's)
        resolve_conflict(desk, pledge.id, take_other=True)
        assert desk.claim(c["pledge"]).status == "verified"
        meals = found[(c["meals"], "deleted_at")]
        resolve_conflict(desk, meals.id, take_other=True)      # ana's delete after all
        assert desk.claim(c["meals"]).deleted_at is not None
        assert list_conflicts(desk) == []
        assert len(list_conflicts(desk, include_resolved=True)) == 2
        with pytest.raises(DeskError):
            resolve_conflict(desk, 999)
    with Desk.open(office["path"], editor="lead") as desk:  # the decisions stand
        merge_desks(desk, [work["ana"], work["ben"]], backup=False)
        assert desk.claim(c["pledge"]).status == "verified"
        assert desk.claim(c["meals"]).deleted_at is not None


@pytest.mark.parametrize("share", [0.0, 2.0])
def test_reading_some_or_all_of_the_desk_gives_the_same_merge(office: dict, tmp_path: Path,
                                                              monkeypatch, share: float) -> None:
    """The desk's claims are read all at once or only those taking part: same result."""
    from desk.fieldwork import merge_file

    work = field_work(office, tmp_path)
    inputs = [work["ana"], work["ben"], work["cat"]]
    reference = copy_desk(office["path"], tmp_path / "reference.desk")
    with Desk.open(reference) as desk:
        merge_desks(desk, inputs, backup=False)
    monkeypatch.setattr(merge_file, "FULL_LOAD_SHARE", share)
    with Desk.open(office["path"]) as target:
        merge_desks(target, inputs, backup=False)
    assert snapshot(office["path"]) == snapshot(reference)


def test_cancel_inside_a_large_merge(tmp_path: Path) -> None:
    """Cancel is heard while thousands of claims are merged, not only between steps."""
    body = "Counts\n\n" + "".join(f"Region {n} reported {n * 3} cases. " for n in range(6000))
    source = tmp_path / "big.desk"
    with Desk.open(source, editor="bulk") as desk:
        article_id = desk.add_article(ArticleDraft("Counts", body, "counts.txt")).article_id
        rows, at = [], 0
        for _ in range(6000):
            start = body.index("reported ", at) + 9
            end = at = body.index(" cases", start)
            rows.append({"id": f"claim-{start}", "article_id": article_id, "start_char": start,
                         "end_char": end, "quote": body[start:end]})
        with desk.db.atomic():
            desk.db["claims"].insert_all(rows)
    target = tmp_path / "target.desk"
    with Desk.open(target) as desk:
        desk.add_article(ArticleDraft("Other", "Other\n\nNothing here.", "other.txt"))
    before = dump(target)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= 3          # 1: before articles, 2: before claims, 3: in the loop

    with Desk.open(target) as desk:
        with pytest.raises(MergeCancelled):
            merge_desks(desk, [source], backup=False, cancelled=cancelled)
    assert len(calls) == 3 and dump(target) == before
    with Desk.open(target) as desk:
        assert merge_desks(desk, [source], backup=False).claims_added == 6000
    assert check_desk(target).sound


def test_a_reattached_claim_travels(office: dict, tmp_path: Path) -> None:
    """An editor re-attaches a claim to other words on a laptop: the later anchor wins in
    the office, whichever way round the merge goes, and the other fields still merge."""
    ana, ben = laptops(office, tmp_path, "ana", "ben")
    claim_id = office["claims"]["pledge"]
    tick()
    with Desk.open(ana, editor="ana") as desk:
        body = desk.article(office["flood"]).body
        start = body.index("$350 million was pledged")
        desk.reattach_claim(claim_id, start, start + len("$350 million was pledged"))
    tick()
    with Desk.open(ben, editor="ben") as desk:
        desk.update_claim(claim_id, note="pledged, not paid")
    for receiver, giver in ((ana, ben), (ben, ana)):
        target = copy_desk(receiver, tmp_path / f"re-{receiver.name}")
        with Desk.open(target) as desk:
            merge_desks(desk, [giver], backup=False)
            claim = desk.claim(claim_id)
            assert claim.quote == "$350 million was pledged"
            assert claim.note == "pledged, not paid"
