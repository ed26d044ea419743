"""Turn article files (.txt, .md, .html) into :class:`ArticleDraft` objects.

Every format follows one rule: **the body starts with the headline** (headlines make claims
too), followed by a blank line and the article's paragraphs, separated by blank lines.

- ``.txt``/``.text``: the first non-empty line is the title.
- ``.md``/``.markdown``: the first heading (or first line) is the title; Markdown marks
  (headings, emphasis, links, images) are reduced to their text.
- ``.html``/``.htm``: :mod:`desk.html_extract` (built on trafilatura) extracts the article text
  and its metadata (title, byline, date, canonical URL), dropping navigation, scripts and
  boilerplate.

Lines that are only web boilerplate ("Source link", "Leave a Comment", …) are dropped from
every format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from desk.errors import ImportFailed
from desk.model import ArticleDraft, ImportResult
from desk.text.textio import decode, read_file_bytes

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES

#: Whole lines that are web boilerplate, compared case-insensitively without end punctuation.
BOILERPLATE_LINES = frozenset(
    {
        "source link", "leave a comment", "leave a reply", "advertisement", "share this",
        "share this article", "share on facebook", "share on twitter", "click to share",
        "related", "related articles", "read more", "subscribe", "sign up for our newsletter",
        "skip to content", "skip to main content", "print", "email", "comments",
    }
)


def is_supported(path: Path) -> bool:
    """True for a file whose type the desk imports."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_article(path: Path) -> ArticleDraft:
    """Read one article file, raising :class:`ImportFailed` with the reason if it cannot."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFailed(
            f"{path.name}: not an article file (the desk imports "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    data = read_file_bytes(path)
    if suffix in HTML_SUFFIXES:
        draft = parse_html(decode(data, path.name, html=True), path.name)
    elif suffix in MARKDOWN_SUFFIXES:
        draft = parse_markdown(decode(data, path.name), path.name)
    else:
        draft = parse_text(decode(data, path.name), path.name)
    if not draft.body.strip():
        raise ImportFailed(f"{path.name}: no article text found")
    return draft


def parse_text(text: str, source_file: str) -> ArticleDraft:
    """A plain-text article: the first non-empty line is its title."""
    blocks = _clean_blocks(_paragraphs(text))
    if not blocks:
        raise ImportFailed(f"{source_file}: no article text found")
    return ArticleDraft(title=blocks[0].split("\n")[0].strip(), body=_join(blocks),
                        source_file=source_file)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE = re.compile(r"^\s{0,3}([-*_]\s*){3,}$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")


def parse_markdown(text: str, source_file: str) -> ArticleDraft:
    """A Markdown article, reduced to plain text; its first heading is the title."""
    plain: list[str] = []
    title = ""
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
            title = title or line.strip()
        if _MD_RULE.match(line):
            line = ""
        line = _MD_QUOTE.sub("", line)
        line = _MD_IMAGE.sub(r"\1", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        plain.append(line)
    lines = _clean_blocks(_paragraphs("\n".join(plain)))
    if not lines:
        raise ImportFailed(f"{source_file}: no article text found")
    title = title or lines[0].split("\n")[0].strip()
    if lines[0].split("\n")[0].strip() != title:
        lines.insert(0, title)
    return ArticleDraft(title=title, body=_join(lines), source_file=source_file)


def parse_html(html: str, source_file: str) -> ArticleDraft:
    """An HTML page: the article text and metadata, found by :mod:`desk.html_extract`.

    The headline (the article's own headline line when it repeats the page title, else the
    page title) leads the body, once.
    """
    from desk.text.html_extract import NoArticle, extract_article

    try:
        found = extract_article(html)
    except NoArticle as exc:
        raise ImportFailed(f"{source_file}: {exc}") from exc
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise ImportFailed(f"{source_file}: the HTML could not be read ({exc})") from exc
    lines = _clean_blocks(found.paragraphs)
    title = found.title.strip()
    if not lines:
        raise ImportFailed(f"{source_file}: no article text found in the page")
    if not title:
        title = lines[0].split("\n")[0].strip()
    if lines[0].strip() != title:
        lines.insert(0, title)
    return ArticleDraft(
        title=title,
        body=_join(lines),
        source_file=source_file,
        url=found.url,
        byline=found.byline,
        published_at=found.published_at,
    )


def _paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines."""
    return re.split(r"\n[ \t]*\n", text)


def _clean_blocks(blocks: list[str]) -> list[str]:
    """Drop boilerplate lines, trailing spaces and empty paragraphs."""
    kept = []
    for block in blocks:
        lines = [
            line.rstrip()
            for line in block.split("\n")
            if line.strip() and not _is_boilerplate(line)
        ]
        if lines:
            kept.append("\n".join(lines))
    return kept


def _is_boilerplate(line: str) -> bool:
    return line.strip().rstrip(".:!…").strip().lower() in BOILERPLATE_LINES


def _join(paragraphs: list[str]) -> str:
    """Paragraphs separated by one blank line, as the reader shows them."""
    return "\n\n".join(paragraphs)


def walk_folder(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` (recursively), leaving out hidden files and folders."""
    for path in folder.rglob("*"):
        if path.is_file() and not any(part.startswith(".") for part in
                                      path.relative_to(folder).parts):
            yield path


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[ImportResult]]:
    """The article files to import from files and folders (folders recursively), and a
    result for each path left out: another type inside a folder, a missing path."""
    results: list[ImportResult] = []
    todo: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(walk_folder(path)):
                if is_supported(child):
                    todo.append(child)
                else:
                    results.append(ImportResult(str(child), "passed over", "not an article file"))
        elif path.exists():
            todo.append(path)
        else:
            results.append(ImportResult(str(path), "failed", f"{path.name}: no such file or folder"))
    return todo, results
