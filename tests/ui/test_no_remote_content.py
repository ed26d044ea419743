"""Nothing is fetched from elsewhere: an article's HTML full of remote addresses (images,
style sheets, scripts, frames, a refresh, a base address) and claims whose text is HTML and
Markdown pointing at a server are imported, shown in the window, reported (article and desk,
HTML and PDF), printed and exported, and the server, listening on this machine, is never
asked for anything. The exports are written to the chosen files only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desk import Desk
from ui import create_window


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that notes every request; its address and the list."""
    asked: list[str] = []

    class Noting(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the handler's own name
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Noting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def hostile_page(url: str) -> str:
    return f"""<!DOCTYPE html><html><head><title>Remote everything</title>
<base href="{url}/base/"><meta http-equiv="refresh" content="0;url={url}/refresh">
<link rel="stylesheet" href="{url}/style.css"><link rel="icon" href="{url}/icon.png">
<style>@import url({url}/import.css); p {{ background: url({url}/background.png) }}</style>
<script src="{url}/script.js"></script></head><body>
<article><h1>Remote everything</h1>
<p>The council said 5,000 people came <img src="{url}/inline.png" srcset="{url}/2x.png 2x">
to the fair, up 12% on last year.</p>
<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>
<video poster="{url}/poster.png" src="{url}/video.mp4"></video>
<p>Officials said <a href="{url}/link">the fair</a> cost $2 million.</p>
<p><img src="relative.png"> A third paragraph about the fair's 40 stalls.</p>
</article></body></html>"""


def test_no_remote_content_is_fetched(qtbot, tmp_path: Path,
                                      server: tuple[str, list[str]]) -> None:
    url, asked = server
    from urllib.request import urlopen

    urlopen(f"{url}/probe", timeout=10).close()  # the server does note what it is asked
    assert asked == ["/probe"]
    asked.clear()
    page = tmp_path / "remote.html"
    page.write_text(hostile_page(url), encoding="utf-8")
    desk_path = tmp_path / "remote.desk"
    with Desk.open(desk_path, editor="tester") as desk:
        [result] = desk.import_path(page)
        assert result.status == "imported", result
        article = desk.article(result.article_id)
        start = article.body.index("5,000 people")
        desk.add_claim(article.id, start, start + 12, source=f'<img src="{url}/source.png">',
                       note=f'![chart]({url}/markdown.png) <img src="{url}/note.png"> '
                            f'<link rel="stylesheet" href="{url}/note.css">',
                       tags=[f'<img src="{url}/tag.png">'], figure="5,000")
        desk.set_setting("organisation", f'<img src="{url}/organisation.png">')
    window = create_window(desk_path)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.article_pane.choose(article.id)
        claim = window.desk.claims(article.id)[0]
        window.select_claim(claim.id)
        window.reports.open_dashboard()
        outputs = tmp_path / "out"
        outputs.mkdir()
        for name in ("article.pdf", "article.html"):
            assert window.reports.export_report(outputs / name) == outputs / name
        for name in ("desk.pdf", "desk.html"):
            assert window.reports.export_report(outputs / name, whole_desk=True)
        document = window.reports.document()
        assert document.toPlainText()
        for fmt in ("csv", "json", "claimreview"):
            from desk.cli import run

            assert run(["export", str(desk_path), "--format", fmt, "-o",
                        str(outputs / f"claims.{fmt}")]) == 0
        deadline_ms = 1500  # anything queued would have been sent by now
        qtbot.wait(deadline_ms)
        QApplication.processEvents()
    finally:
        window.close()
    assert asked == [], f"the server was asked for {asked}"
    assert sorted(p.name for p in outputs.iterdir()) == sorted(
        ["article.pdf", "article.html", "desk.pdf", "desk.html", "claims.csv", "claims.json",
         "claims.claimreview"])
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*")}
    assert written <= {"remote.html", "remote.desk", "remote.desk-wal", "remote.desk-shm",
                       "remote.desk-instances", "backups", "out", "settings"}, written
