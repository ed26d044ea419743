"""Every parser of outside input, as a fuzz target: a Hypothesis strategy of hostile inputs and
a function that feeds one input to the desk's real code.

A target passes an input when the call returns or raises :class:`desk.DeskError` (a message
for people); any other exception is a traceback the user would see. ``tests/fuzz/test_fuzz.py``
runs a few hundred inputs per target in the suite; ``scripts/fuzz.py`` runs as many as asked.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from desk import Desk, DeskError
from desk.model import ArticleDraft

#: Characters that hostile files like: NUL, controls, lone surrogates, right-to-left and
#: zero-width marks, combining marks, quotes and separators of the formats we write.
HOSTILE_CHARS = ("\x00", "\x1f", "\x7f", "\ud800", "\udfff", "\u202e", "\u2066", "\u200b",
                 "\ufeff", "\u0301", "\ufffd", "\"", "'", ",", ";", "\n", "\r", "\t", "<",
                 "&", "=", "+", "-", "@", "\\", "/", "..", "💉", "€", "$", "%")


def hostile_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Text mixing any code points (surrogates included) with the hostile characters."""
    return st.lists(st.one_of(st.text(st.characters(codec=None), max_size=8),
                              st.sampled_from(HOSTILE_CHARS)),
                    max_size=max_size // 4).map("".join)


def hostile_bytes(max_size: int = 400) -> st.SearchStrategy[bytes]:
    """Bytes: random, or hostile text in an encoding (invalid UTF-8 and BOMs included)."""
    encoded = st.tuples(hostile_text(max_size), st.sampled_from(
        ["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig"])).map(
        lambda pair: pair[0].encode(pair[1], "surrogatepass" if "utf" in pair[1] else "replace"))
    return st.one_of(st.binary(max_size=max_size), encoded,
                     st.tuples(encoded, st.binary(max_size=8)).map(lambda p: p[0] + p[1]))


def json_values(leaves: int = 30) -> st.SearchStrategy[Any]:
    """Any JSON value, and annotation-shaped ones with hostile fields."""
    scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                       hostile_text(40))
    anything = st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text(10), inner, max_size=4)),
        max_leaves=leaves)
    words = st.sampled_from(["Hello", "world", "5 million", "people", "said", ""])
    selector = st.fixed_dictionaries(
        {"type": st.sampled_from(["TextQuoteSelector", "TextPositionSelector", "x"])},
        optional={"exact": st.one_of(words, anything), "prefix": anything, "suffix": anything,
                  "start": anything, "refinedBy": anything})
    target = st.fixed_dictionaries({}, optional={
        "selector": st.one_of(selector, st.lists(selector, max_size=3), anything),
        "source": anything, "deskArticle": anything})
    annotation = st.fixed_dictionaries({"target": st.one_of(target, st.lists(target, max_size=2),
                                                             anything)}, optional={
        "id": anything, "body": anything, "bodyValue": anything, "tags": anything,
        "text": anything, "creator": anything, "user": anything, "motivation": anything,
        "claimSource": anything, "claimFigure": anything})
    shaped = st.one_of(annotation, st.lists(annotation, max_size=3),
                       st.fixed_dictionaries({"rows": st.lists(annotation, max_size=3)}),
                       st.fixed_dictionaries({"first": st.fixed_dictionaries(
                           {"items": st.lists(annotation, max_size=3)})}))
    return st.one_of(shaped, anything)


def html_pages() -> st.SearchStrategy[str]:
    """Pages: article-like markup with hostile text, broken tags, entities and scripts."""
    tag = st.sampled_from(["p", "div", "article", "h1", "title", "script", "style", "a",
                           "table", "td", "br", "img", "iframe", "svg", "math", "template",
                           "noscript", "meta", "base", "object"])
    piece = st.one_of(
        hostile_text(60),
        st.tuples(tag, hostile_text(40)).map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>"),
        tag.map(lambda t: f"<{t} src='http://x/y' href='javascript:1' style='x'>"),
        st.sampled_from(["<!DOCTYPE html>", "<?xml version='1.0'?>", "<!--", "-->",
                         "<![CDATA[", "]]>", "&amp;", "&#0;", "&#xD800;", "&nbsp;", "&bogus;",
                         "</html>", "<head>", "<body>", "<html xmlns='http://www.w3.org/1999/xhtml'>",
                         "<meta charset='utf-16'>"]))
    return st.lists(piece, max_size=40).map("".join)


@dataclass(frozen=True)
class Target:
    """One parser: its inputs and how to feed one to the desk."""

    name: str
    inputs: Callable[[], st.SearchStrategy[Any]]
    feed: Callable[[Any, Path], object]
    #: The suite's number of inputs (the script takes more).
    suite_inputs: int = 200


def _desk(folder: Path) -> Desk:
    """A small desk in ``folder`` with one article (made once, reused by every input)."""
    path = folder / "fuzz.desk"
    fresh = not path.exists()
    desk = Desk.open(path, editor="fuzz")
    if fresh:
        desk.add_article(ArticleDraft(title="Hello", body="Hello world: 5 million people said "
                                      "so, up 3% from €1.2 billion.", source_file="a.txt"))
    return desk


def feed_file(suffix: str) -> Callable[[bytes, Path], object]:
    """Import bytes as a file of this type into a desk."""
    def feed(data: bytes, folder: Path) -> object:
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        with _desk(folder) as desk:
            before = desk.counts()
            results = desk.import_path(path)
            assert len(results) == 1
            if results[0].status == "failed":
                assert "could not be imported" not in results[0].message, results[0].message
                assert desk.counts() == before  # never a partial write
            return results
    return feed


def feed_html(page: str, folder: Path) -> object:
    """Extract an article from a page (the importer's HTML path, without decoding)."""
    from desk.text.importers import parse_html

    return parse_html(page, "page.html")


def feed_annotations(data: Any, folder: Path) -> object:
    """Import parsed annotations, and the same written to a file."""
    from desk.formats.annotation_import import import_annotations

    with _desk(folder) as desk:
        if isinstance(data, str):  # a str is taken for a file name: through a file only
            result = None
        else:
            result = import_annotations(desk, data)
            "\n".join(result.lines()).encode("utf-8")
        path = folder / "annotations.json"
        path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
        import_annotations(desk, path)
        return result


def feed_figure(text: str, folder: Path) -> object:
    """Parse a figure and find the figures in a text."""
    from desk.text.figures import figure_columns, find_figures

    columns = figure_columns(text)
    return columns, find_figures(text)


def feed_claim_and_exports(fields: tuple[str, str, str, list[str], str], folder: Path) -> object:
    """A claim with hostile fields and settings, then every export: each must write its one
    file (nothing beside it) and read back."""
    source, figure, note, tags, organisation = (_storable(fields[0]), _storable(fields[1]),
                                                _storable(fields[2]),
                                                [_storable(t) for t in fields[3]],
                                                _storable(fields[4]))
    with _desk(folder) as desk:
        article = desk.articles()[0]
        desk.set_setting("organisation", organisation)
        desk.set_setting("review_url", organisation)
        claim = desk.add_claim(article.id, 0, 5, source=source, figure=figure, note=note,
                               tags=tags)
        out = folder / "out"
        out.mkdir(exist_ok=True)
        try:
            desk.export_csv(out / "claims.csv")
            from desk.formats.interchange import write_json

            write_json(desk, out / "claims.json", "json")
            write_json(desk, out / "reviews.json", "claimreview")
            assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "claims.json",
                                                             "reviews.json"]
            rows = list(csv.reader(io.StringIO((out / "claims.csv").read_text("utf-8"))))
            assert len(rows) == 1 + len(desk.claims())
            json.loads((out / "claims.json").read_text("utf-8"))
            json.loads((out / "reviews.json").read_text("utf-8"))
        finally:
            desk.delete_claim(claim.id)
            for path in out.iterdir():
                path.unlink()
        return claim


def _storable(text: str) -> str:
    """Text without lone surrogates (the desk refuses those; see :func:`feed_setting`)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def feed_setting(pair: tuple[str, str], folder: Path) -> object:
    """A desk setting written and read back unchanged (or refused)."""
    key, value = pair
    with _desk(folder) as desk:
        desk.set_setting(key, value)
        assert desk.setting(key) == value
        return value


_ADDRESSES = ("src", "href", "action", "srcset", "data", "poster", "background")


def _addresses(html: str) -> list[str]:
    """Every address in the HTML's elements (parsed as Qt would: text stays text)."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    return [value for element in tree.iter() if isinstance(element.tag, str)
            for name, value in element.attrib.items() if name.lower() in _ADDRESSES]


def feed_reports(fields: tuple[str, str, str, str], folder: Path) -> object:
    """Hostile text (an editor's or an article's) in the desk and article reports: it stays
    text. Every address in the report's HTML is a chart of ours or the article's own link, so
    that showing or printing it (Qt's rich text loads ``src``) fetches nothing."""
    from desk.reports.article_report import article_report_html
    from desk.reports.html_report import desk_report_html

    source, note, title, organisation = (_storable(f) for f in fields)
    with _desk(folder) as desk:
        article_id = desk.articles()[0].id
        desk.set_setting("organisation", organisation)
        claim = desk.add_claim(article_id, 0, 5, source=source, note=note, figure=title,
                               tags=[title])
        try:
            for report in (desk_report_html(desk, images=True),
                           article_report_html(desk, article_id)):
                for address in _addresses(report.html):
                    assert address.startswith(("chart:", "#")), address
                assert "<script" not in report.html.lower()
        finally:
            desk.delete_claim(claim.id)
        return claim


TARGETS: list[Target] = [
    Target("text file", lambda: hostile_bytes(), feed_file(".txt")),
    Target("markdown file", lambda: hostile_bytes(), feed_file(".md")),
    Target("html file", lambda: st.one_of(hostile_bytes(), html_pages().map(
        lambda page: page.encode("utf-8", "surrogatepass"))), feed_file(".html"), 100),
    Target("html extraction", html_pages, feed_html, 100),
    Target("annotation json", json_values, feed_annotations),
    Target("figure", lambda: hostile_text(80), feed_figure, 300),
    Target("claim fields and exports", lambda: st.tuples(
        hostile_text(40), hostile_text(30), hostile_text(60), st.lists(hostile_text(12),
                                                                        max_size=4),
        hostile_text(30)), feed_claim_and_exports, 100),
    Target("desk setting", lambda: st.tuples(hostile_text(20), hostile_text(60)),
           feed_setting, 100),
    Target("reports", lambda: st.tuples(*(st.one_of(hostile_text(40), st.sampled_from([
        '<img src="http://example.org/x.png">', "<script>alert(1)</script>",
        '<a href="file:///etc/passwd">x</a>', "\"><img src=x>", "&lt;img src=x&gt;"]))
        for _ in range(4))), feed_reports, 60),
]


def run_one(target: Target, value: Any, folder: Path) -> None:
    """Feed one input; a :class:`DeskError` is a fine answer, anything else propagates."""
    try:
        target.feed(value, folder)
    except DeskError as exc:
        str(exc).encode("utf-8", "surrogatepass")


def feed_annotation_file(data: bytes, folder: Path) -> object:
    """Import an annotation file's bytes."""
    from desk.formats.annotation_import import import_annotations

    path = folder / "annotations.json"
    path.write_bytes(data)
    with _desk(folder) as desk:
        before = desk.counts()
        try:
            return import_annotations(desk, path)
        except DeskError:
            assert desk.counts() == before
            raise


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Laughs</title></head>
<body><article><h1>Laughs</h1><p>The council said 5 million people &lol9; came.</p>
<p>Another paragraph of the article, long enough to be kept by the extractor.</p>
</article></body></html>"""


def classics(scale: float = 1.0) -> list[tuple[str, Callable[[bytes, Path], object], bytes]]:
    """The classic hostile inputs: (name, feed, bytes). ``scale`` 1.0 is the full size (a
    100 MB JSON line, a million nested tags); the suite runs them smaller."""
    nested = int(1_000_000 * scale)
    one_line = int(100 * 1048576 * scale)
    item = '{"target":{"selector":{"type":"TextQuoteSelector","exact":"Hello"}},"bodyValue":"'
    big_json = ("[" + item + "x" * max(0, one_line - len(item) - 6) + '"}]').encode()
    invalid_utf8 = (b'{"id":"\xff","target":{"source":"\xfe\xff","selector":{"type":'
                    b'"TextQuoteSelector","exact":"Hel\xc0\x80lo","prefix":"\xed\xa0\x80"}},'
                    b'"claimSource":"\xf8\x88\x80\x80\x80","bodyValue":"\x80"}')
    rtl = json.dumps([{"target": {"selector": {"type": "TextQuoteSelector", "exact": "Hello"}},
                       "claimSource": "\u202eevil.exe\u202c \ud800 \x00 gpj.txt",
                       "creator": {"name": "\u202e\x00"}}]).encode()
    return [
        ("deeply nested JSON", feed_annotation_file, b"[" * nested + b"]" * nested),
        (f"{one_line / 1048576:.0f} MB single-line JSON", feed_annotation_file, big_json),
        ("invalid UTF-8 in every field", feed_annotation_file, invalid_utf8),
        ("NUL, lone surrogates, right-to-left override", feed_annotation_file, rtl),
        ("billion laughs in XHTML", feed_file(".html"),
         BILLION_LAUGHS),
        (f"{nested:,} nested HTML tags", feed_file(".html"),
         b"<html><body>" + b"<div>" * nested + b"5 million people" + b"</div>" * nested),
        ("NUL bytes in a text file", feed_file(".txt"), b"Title\n\nBody \x00 text\x00." * 50),
        ("RTL override in a file's text", feed_file(".txt"),
         "Title \u202e\n\nSaid \u202e5 million\u202c people.".encode()),
    ]
