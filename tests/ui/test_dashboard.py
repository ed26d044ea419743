"""The dashboard and the report actions: counted on a worker, drawn, clickable, exported."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from desk.paths import open_desk
from ui.dashboard import Dashboard
from ui.dashboard_models import ClaimListModel
from ui.reports_controller import ReportsController


@pytest.fixture
def sample_desk(tmp_path: Path):
    """The first-run desk: seeds, sample articles and the 13 sample claims."""
    desk = open_desk(tmp_path / "newsroom.desk", seed=True)
    yield desk
    desk.close()


@pytest.fixture
def dashboard(qtbot, sample_desk):
    view = Dashboard(sample_desk)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.painted, timeout=20000):
        view.open_view()
    qtbot.waitUntil(lambda: not view.jobs, timeout=20000)
    yield view
    view.shutdown()


def test_the_charts_show_the_desk(dashboard):
    figures = dashboard.figures
    assert figures.total == 13
    weeks = dashboard.charts["weeks"].bars
    assert sum(bar.total for bar in weeks) == 13 and len(weeks) >= 4
    assert [b.label for b in dashboard.charts["editors"].bars][0] == "Ana Lima"
    assert "13" in dashboard.summary.text() and "4</b> waiting" in dashboard.summary.text()
    assert dashboard.disagree_button.text() == "Figures that disagree: 2 claims"
    # Readable without colour: the chart says in words what it shows.
    assert "Ana Lima: 5 (4 verified, 1 false)" in \
        dashboard.charts["editors"].accessibleDescription()
    assert dashboard.last_paint_seconds < 5


def test_clicking_a_bar_lists_its_claims(qtbot, dashboard):
    chart = dashboard.charts["sources"]
    chart.repaint()
    rect, label, status, count = next(h for h in chart._hits  # noqa: SLF001
                                      if h[1] == "UN human rights office" and h[2] == "false")
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert dashboard.model.total() == 1
    assert dashboard.model.data(dashboard.model.index(0, 0)) == "False"
    assert "UN human rights office, false" in dashboard.list_label.text()
    with qtbot.waitSignal(dashboard.claimChosen) as chosen:
        dashboard.table.doubleClicked.emit(dashboard.model.index(0, 1))
    assert chosen.args[0] == dashboard.model.claim_id(0)
    dashboard.list_disagreeing()
    assert dashboard.model.total() == 2
    dashboard.backlog_button.click()
    assert dashboard.model.total() == 4
    assert not chart.rect().contains(QPoint(-5, -5))


def test_filters_count_again(qtbot, dashboard):
    index = dashboard.tag_box.findData("harlow")
    assert index > 0
    dashboard.tag_box.setCurrentIndex(index)
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        dashboard.tag_box.activated.emit(index)
    assert dashboard.figures.total == 2
    assert {b.label for b in dashboard.charts["outlets"].bars} == {
        "dailyledger.example", "northernherald.example"}
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        dashboard.reset_filters()
    assert dashboard.figures.total == 13


def test_a_change_to_the_desk_counts_again(qtbot, dashboard, sample_desk):
    claim = sample_desk.claims()[0]
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        sample_desk.update_claim(claim.id, status="false")
    assert dashboard.figures.totals["false"] == 2


def test_claim_list_model(qtmodeltester, sample_desk):
    model = ClaimListModel(sample_desk)
    model.set_ids([c.id for c in sample_desk.claims()])
    qtmodeltester.check(model)
    assert model.rowCount() == 13


def _controller(qtbot, desk, article=None):
    parent = QWidget()
    qtbot.addWidget(parent)
    shown, told = [], []
    controller = ReportsController(desk, parent, current_article=lambda: article,
                                   show_claim=shown.append, report=told.append)
    return controller, shown, told


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (.ci/run)")
def test_export_report_from_the_window(qtbot, sample_desk, tmp_path):
    controller, _shown, told = _controller(qtbot, sample_desk)
    controller.ask_path = lambda suggested: str(tmp_path / "desk.pdf")
    controller.actionExportDeskReport.trigger()
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "desk.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Fact-check report" in text and "Figures that disagree (1)" in text
    assert not told
    html = controller.export_report(tmp_path / "desk.html")
    assert html and "<svg" in html.read_text("utf-8")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (.ci/run)")
def test_print_the_article_report(qtbot, sample_desk, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    article = next(a for a in sample_desk.articles() if "Harlow death" in a.title)
    controller, _shown, _told = _controller(qtbot, sample_desk, article.id)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert controller.print_report(printer)
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "printed.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Nearly 300 people were killed" in text and "False" in text


def test_dashboard_action_opens_it(qtbot, sample_desk):
    controller, shown, _told = _controller(qtbot, sample_desk)
    controller.actionDashboard.trigger()
    view = controller.dashboard
    qtbot.waitUntil(lambda: view.figures is not None and not view.jobs, timeout=20000)
    view.claimChosen.emit("some-id")
    assert shown == ["some-id"]
    controller.shutdown()


def test_window_menus_hold_the_report_actions(open_window, tmp_path, qtbot):
    from desk import Desk
    from tests.conftest import SEEDS

    path = tmp_path / "w.desk"
    with Desk.open(path) as desk:
        desk.import_path(SEEDS)
    window = open_window(path)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    file_names = [a.objectName() for a in menus["File"].actions()]
    assert file_names.index("actionExportReport") < file_names.index("actionQuit")
    assert "actionPrintReport" in file_names and "actionExportDeskReport" in file_names
    assert "actionDashboard" in [a.objectName() for a in menus["View"].actions()]
    assert window.registry.actionDashboard.shortcut().toString() == "Ctrl+Shift+B"
    window.registry.actionDashboard.trigger()
    view = window.reports.dashboard
    qtbot.waitUntil(lambda: view.figures is not None and not view.jobs, timeout=20000)
    assert view.figures.total == 0 and view.charts["sources"].message == "No claims match."


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (.ci/run)")
def test_dashboard_exports_the_desk_report_it_shows(qtbot, sample_desk, tmp_path):
    article = sample_desk.articles()[0]
    controller, _shown, _told = _controller(qtbot, sample_desk, article.id)
    controller.ask_path = lambda suggested: str(tmp_path / "harlow.pdf")
    view = controller.open_dashboard()
    qtbot.waitUntil(lambda: view.figures is not None and not view.jobs, timeout=20000)
    view.tag_box.setCurrentIndex(view.tag_box.findData("harlow"))
    view.findChild(QWidget, "dashboardExport").click()
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "harlow.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "tag “harlow”" in text and "2 claims in 2 articles" in " ".join(text.split())
    controller.shutdown()


def test_set_article_url_from_the_window(qtbot, sample_desk):
    article = next(a for a in sample_desk.articles() if not a.url)
    controller, _shown, told = _controller(qtbot, sample_desk, article.id)
    controller.ask_url = lambda current: "https://herald.example/story"
    controller.actionArticleUrl.trigger()
    assert sample_desk.article(article.id).url == "https://herald.example/story"
    controller.ask_url = lambda current: "nonsense"
    assert not controller.set_article_url()
    assert told and "web address" in told[-1]


def test_the_window_draws_every_pattern_of_the_palette():
    from desk.reports.palette import PATTERNS
    from ui.charts import BRUSHES

    assert {p for p in PATTERNS.values() if p} <= set(BRUSHES)


def test_set_article_url_from_the_article_lists_context_menu(open_window, tmp_path, qtbot):
    """A right click on an article picks it; its context menu sets the article's URL."""
    from desk import Desk
    from tests.conftest import SEEDS

    path = tmp_path / "w.desk"
    with Desk.open(path) as desk:
        desk.import_path(SEEDS)
    window = open_window(path)
    window.later()  # the report actions come just after the first paint
    view = window.findChild(QWidget, "articleList")
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert window.reports.actionArticleUrl in view.actions()
    index = view.model().index(1, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton,
                     pos=view.visualRect(index).center())
    article_id = window.article_id
    assert article_id == view.model().summary(1).id
    window.reports.ask_url = lambda current: "https://herald.example/picked"
    window.reports.actionArticleUrl.trigger()
    assert window.desk.article(article_id).url == "https://herald.example/picked"
