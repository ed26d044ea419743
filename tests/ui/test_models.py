"""The model adapters: qtmodeltester on each, and change events turned into row signals."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desk import Desk
from ui.models import COUNT_ROLE, ID_ROLE, ArticleListModel, ClaimsTableModel


def vaccine(desk: Desk):
    return next(a for a in desk.articles() if "Vaccination" in a.title)


def add(desk: Desk, phrase: str, **fields):
    article = vaccine(desk)
    start = article.body.index(phrase)
    return desk.add_claim(article.id, start, start + len(phrase), **fields)


def test_article_list_model_passes_qtmodeltester(qtmodeltester, seeded_desk: Desk) -> None:
    add(seeded_desk, "1,342 confirmed measles cases")
    model = ArticleListModel(seeded_desk)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(seeded_desk.articles()) == 5
    counts = {model.index(r).data(ID_ROLE): model.index(r).data(COUNT_ROLE)
              for r in range(model.rowCount())}
    assert counts[vaccine(seeded_desk).id] == 1


def test_article_list_filters_by_title_and_text(qtmodeltester, seeded_desk: Desk) -> None:
    model = ArticleListModel(seeded_desk)
    model.set_query("measles")  # in the vaccine article's text, not its title
    assert [model.summary(r).title for r in range(model.rowCount())] == [vaccine(seeded_desk).title]
    qtmodeltester.check(model, force_py=True)
    model.set_query("nothing-like-this-anywhere")
    assert model.rowCount() == 0
    model.set_query("")
    assert model.rowCount() == 5


def test_article_list_follows_claim_counts(qtbot, seeded_desk: Desk) -> None:
    model = ArticleListModel(seeded_desk)
    seeded_desk.subscribe(model.on_change)
    row = model.row_of(vaccine(seeded_desk).id)
    with qtbot.waitSignal(model.dataChanged):
        claim = add(seeded_desk, "1,342 confirmed measles cases")
    assert model.summary(row).claim_count == 1
    with qtbot.waitSignal(model.dataChanged):
        seeded_desk.delete_claim(claim.id)
    assert model.summary(row).claim_count == 0


def test_claims_table_model_passes_qtmodeltester(qtmodeltester, seeded_desk: Desk) -> None:
    add(seeded_desk, "1,342 confirmed measles cases", source="Agency", figure="1,342",
        status="verified", tags=["health", "measles"])
    add(seeded_desk, "£45 million", figure="£45 million")
    model = ClaimsTableModel(seeded_desk, lambda *_: True)
    model.show_article(vaccine(seeded_desk).id)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2
    assert model.index(0, 3).data() == "Verified"  # status named, not only coloured
    assert model.index(0, 4).data() == "health, measles"
    model.set_whole_desk(True)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2


def test_claims_table_follows_changes_row_by_row(qtbot, seeded_desk: Desk) -> None:
    model = ClaimsTableModel(seeded_desk)
    model.show_article(vaccine(seeded_desk).id)
    seeded_desk.subscribe(model.on_change)
    later = add(seeded_desk, "£45 million")
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        earlier = add(seeded_desk, "1,342 confirmed measles cases")
    assert inserted.args[1] == 0  # inserted in text order, before the later claim
    assert [c.id for c in model.claims()] == [earlier.id, later.id]
    with qtbot.waitSignal(model.dataChanged):
        seeded_desk.update_claim(later.id, source="Health minister")
    assert model.index(1, 1).data() == "Health minister"
    with qtbot.waitSignal(model.rowsRemoved):
        seeded_desk.delete_claim(earlier.id)
    assert [c.id for c in model.claims()] == [later.id]
    other = next(a for a in seeded_desk.articles() if "Wildfire" in a.title)
    seeded_desk.add_claim(other.id, 0, 8)  # another article: not shown
    assert model.rowCount() == 1


def test_attention_and_conflict_models_pass_qtmodeltester(qtmodeltester, seeded_desk: Desk,
                                                           tmp_path) -> None:
    import shutil

    from desk import ArticleDraft
    from desk.fieldwork.merge import merge_desks
    from ui.attention import AttentionModel
    from ui.conflicts_dialog import ConflictsModel

    article = next(a for a in seeded_desk.articles() if "Ukraine" in a.title)
    sentence = "Russia finally confirmed military casualties on Wednesday"
    start = article.body.index(sentence)
    lost = seeded_desk.add_claim(article.id, start, start + len(sentence))
    kept = seeded_desk.add_claim(article.id, 0, 6)
    seeded_desk.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "laptop.desk"
    shutil.copy(seeded_desk.path, copy)
    with Desk.open(copy, editor="laptop") as laptop:
        laptop.update_claim(kept.id, note="from the field")
    seeded_desk.update_claim(kept.id, note="from the office")
    merge_desks(seeded_desk, [copy], backup=False)
    seeded_desk.update_article(ArticleDraft(
        title=article.title, body=article.body.replace(article.body[start:start + 200], ""),
        source_file=article.source_file, url=article.url))

    attention = AttentionModel(seeded_desk)
    assert attention.rowCount() == 1 and attention.index(0, 0).data(
        Qt.ItemDataRole.UserRole) == lost.id
    qtmodeltester.check(attention, force_py=True)
    conflicts = ConflictsModel(seeded_desk)
    assert conflicts.rowCount() == 1 and conflicts.headerData(
        1, Qt.Orientation.Horizontal) == "Field"
    qtmodeltester.check(conflicts, force_py=True)
