"""The finder learns from the desk: reviewed marks, the decisions they and claims and
dismissals make, the desk's adjusted model, its storage, merges and the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desk import Desk, NotFoundError, ReadOnlyDeskError
from desk.cli.commands import run
from desk.finder import learning
from desk.finder.engine import sentence_cues
from desk.finder.model import shipped
from desk.finder.reviewed import is_reviewed, reviewed_ids
from desk.finder.suggestions import dismiss_suggestion, suggestions_for_article
from desk.fieldwork.merge import merge_desks
from desk.model import ArticleDraft

#: Sentences of a made-up wire service: sports results, which this newsroom never checks,
#: and budget figures, which it always does.
SPORT = ["{team} beat the visitors {a} to {b} at the stadium on Saturday.",
         "{team} scored {a} goals in the second half of the match.",
         "{team} won the cup for the {a}th time after a penalty shoot-out."]
BUDGET = ["The council said it spent {a} million pounds on {team} housing last year.",
          "Officials said unemployment in {team} rose to {a} percent in March.",
          "The ministry estimated that {a},000 families in {team} lost benefits."]
TEAMS = ["Harlow", "Dunmore", "Kesteven", "Ashby", "Morden", "Tilbury", "Lowick", "Brora"]


def wire_article(index: int) -> ArticleDraft:
    """An article mixing sport and budget sentences (all different)."""
    team = TEAMS[index % len(TEAMS)]
    lines = [f"Wire roundup {index}", ""]
    for n, (sport, budget) in enumerate(zip(SPORT, BUDGET)):
        a = 3 + index + n
        lines += [sport.format(team=team, a=a, b=a - 2), "",
                  budget.format(team=team, a=a * 2 + 1), ""]
    body = "\n".join(lines).strip()
    return ArticleDraft(title=f"Wire roundup {index}", body=body, source_file=f"wire{index}.txt")


def fill(desk: Desk, count: int) -> list[str]:
    """Import ``count`` wire articles; return their ids."""
    return [desk.add_article(wire_article(i)).article_id for i in range(count)]


def decide_like_an_editor(desk: Desk, article_id: str) -> None:
    """Tag the budget sentences, dismiss the sport suggestions, mark the article reviewed."""
    body = desk.article(article_id).body
    for found in suggestions_for_article(desk, article_id, min_score=0.0):
        if any(word in found.quote for word in ("council", "unemployment", "ministry")):
            desk.add_claim(article_id, found.start, found.end, source="x")
        elif found.score >= 0.5:
            dismiss_suggestion(desk, found)
    assert body
    desk.mark_reviewed(article_id)


def test_mark_reviewed_and_clear(seeded_desk: Desk) -> None:
    article = seeded_desk.articles()[0]
    changes = []
    seeded_desk.subscribe(changes.append)
    assert not is_reviewed(seeded_desk, article.id)
    seeded_desk.mark_reviewed(article.id)
    assert is_reviewed(seeded_desk, article.id)
    assert reviewed_ids(seeded_desk) == {article.id}
    assert changes[-1].kind == "article_reviewed" and changes[-1].article_id == article.id
    seeded_desk.mark_reviewed(article.id, reviewed=False)
    assert not is_reviewed(seeded_desk, article.id)
    with pytest.raises(NotFoundError):
        seeded_desk.mark_reviewed("no-such-article")


def test_a_read_only_desk_cannot_be_marked(seeded_desk: Desk) -> None:
    article_id = seeded_desk.articles()[0].id
    seeded_desk.close()
    with Desk.open(seeded_desk.path, read_only=True) as desk, pytest.raises(ReadOnlyDeskError):
        desk.mark_reviewed(article_id)


def test_decisions_come_from_claims_dismissals_and_reviewed_articles(desk: Desk) -> None:
    first, second = fill(desk, 2)
    body = desk.article(first).body
    budget = body.index("Officials said")
    claim = desk.add_claim(first, budget, body.index(".", budget) + 1)
    sport = suggestions_for_article(desk, second, min_score=0.0)[0]
    dismiss_suggestion(desk, sport)
    assert learning.decisions(desk) == [(claim.quote, True), (sport.quote, False)]
    desk.mark_reviewed(first)
    examples = learning.decisions(desk)
    negatives = [text for text, gold in examples if not gold]
    assert claim.quote not in negatives  # tagged: not a negative
    assert len(negatives) == 1 + 5  # the dismissal, and the first article's 5 other sentences
    assert "Wire roundup 0" not in negatives  # the headline is too short to teach anything


def test_too_few_decisions_leave_the_shipped_model(desk: Desk) -> None:
    ids = fill(desk, 2)
    decide_like_an_editor(desk, ids[0])
    model, learned = learning.desk_model(desk)
    assert model is shipped() and not learned.used
    assert "too few" in learned.describe()


def test_the_desk_learns_what_its_editors_dismiss(desk: Desk) -> None:
    ids = fill(desk, 12)
    sport = "Kesteven beat the visitors 40 to 38 at the stadium on Saturday."
    budget = "Officials said unemployment in Kesteven rose to 41 percent in March."
    before_sport = shipped().score(sport, sentence_cues(sport))
    before_budget = shipped().score(budget, sentence_cues(budget))
    for article_id in ids[:8]:
        decide_like_an_editor(desk, article_id)
    model, learned = learning.desk_model(desk)
    assert learned.used and learned.positives == 24 and learned.negatives >= 24
    assert learned.describe() == f"learned from {learned.decisions} decisions in this desk"
    after_sport = model.score(sport, sentence_cues(sport))
    assert after_sport < before_sport and after_sport < 0.5
    assert model.score(budget, sentence_cues(budget)) >= min(before_budget, 0.5)
    # The window's and the command's suggestions use the desk's model.
    found = suggestions_for_article(desk, ids[10])
    assert found and not any("stadium" in s.quote for s in found)
    assert any("unemployment" in s.quote for s in found)


def test_the_adjustment_is_stored_and_refitted_when_decisions_change(desk: Desk) -> None:
    ids = fill(desk, 10)
    for article_id in ids[:8]:
        decide_like_an_editor(desk, article_id)
    learning.desk_model(desk)
    stored = desk.conn.execute("SELECT fingerprint FROM finder_learning").fetchone()[0]
    assert stored == learning.fingerprint(desk)
    desk.mark_reviewed(ids[8])
    assert learning.fingerprint(desk) != stored
    learning.desk_model(desk)
    assert desk.conn.execute("SELECT fingerprint FROM finder_learning").fetchone()[0] \
        == learning.fingerprint(desk)


def test_learning_can_be_turned_off(desk: Desk) -> None:
    ids = fill(desk, 10)
    for article_id in ids[:8]:
        decide_like_an_editor(desk, article_id)
    assert learning.desk_model(desk)[1].used
    learning.set_learning(desk, False)
    model, learned = learning.desk_model(desk)
    assert model is shipped() and learned.describe() == "shipped model (learning is off)"


def test_reviewed_marks_travel_in_a_merge(tmp_path: Path) -> None:
    ana, ben = tmp_path / "ana.desk", tmp_path / "ben.desk"
    with Desk.open(ana, editor="ana") as desk:
        ids = fill(desk, 3)
        desk.mark_reviewed(ids[2])
    shutil.copyfile(ana, ben)
    with Desk.open(ben, editor="ben") as desk:
        desk.mark_reviewed(ids[0])
        desk.mark_reviewed(ids[2], reviewed=False)  # later than ana's mark
    with Desk.open(ana, editor="ana") as desk:
        merge_desks(desk, [ben])
        assert reviewed_ids(desk) == {ids[0]}
        merge_desks(desk, [ben])  # idempotent
        assert reviewed_ids(desk) == {ids[0]}


def test_command_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "wire.desk"
    with Desk.open(path, editor="ana") as desk:
        ids = fill(desk, 10)
        for article_id in ids[:7]:
            decide_like_an_editor(desk, article_id)
    assert run(["reviewed", str(path), ids[7]]) == 0
    assert "marked reviewed" in capsys.readouterr().out
    assert run(["learning", str(path)]) == 0
    assert "learned from" in capsys.readouterr().out
    assert run(["learning", str(path), "--off"]) == 0
    assert "learning is off" in capsys.readouterr().out
    assert run(["reviewed", str(path), "nope"]) == 1
    assert run(["learning", str(tmp_path / "missing.desk")]) == 1


def test_decisions_that_teach_nothing_leave_the_shipped_model() -> None:
    """Labels by coin flip: the adjustment cannot beat the shipped model beyond noise."""
    import random

    flip = random.Random(7).random
    examples = [(budget.format(team=team, a=n, b=n - 1), flip() < 0.3)
                for n in range(3, 12) for team in TEAMS for budget in BUDGET + SPORT]
    assert learning.learn(shipped(), examples) is None


def test_only_the_latest_decisions_are_learned_from(desk: Desk, monkeypatch) -> None:
    ids = fill(desk, 4)
    for article_id in ids:
        decide_like_an_editor(desk, article_id)
    monkeypatch.setattr(learning, "MAX_EACH", 2)
    monkeypatch.setattr(learning, "MAX_REVIEWED", 1)
    examples = learning.decisions(desk)
    latest = [c.quote for c in desk.claims(ids[-1])]
    assert [text for text, gold in examples if gold] == sorted(latest[-2:], key=latest.index)
    last_body = desk.article(ids[-1]).body
    others = [text for text, gold in examples if not gold and text not in last_body]
    assert len(others) <= 2  # only the two latest dismissals come from other articles
