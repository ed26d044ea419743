"""Reading W3C Web Annotations into a desk: ours, or another tool's.

Any JSON holding ``TextQuoteSelector`` annotations is read: an ``AnnotationCollection`` (its
embedded pages), an ``AnnotationPage``, a plain array, one annotation, or Hypothesis's
``{"rows": [...]}``. Each annotation goes onto the article its target names when the desk
has it and the quote is there, else onto the one article where the quote with its prefix and
suffix is found; those that fit nowhere are reported, never dropped silently.

Fields: ``TextualBody`` bodies with purpose ``tagging`` become tags, ``commenting`` (or no
purpose, and Hypothesis's ``text``) the note, ``classifying`` the status (our statuses or
the ClaimReview rating names); ``claimSource`` and ``claimFigure`` (see
:mod:`desk.interchange`) the source and figure; the ``creator`` the claim's editor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.errors import DeskError, SpanError
from desk.formats.interchange import DESK_VOCAB, RATINGS, is_uuid
from desk.model import STATUSES

if TYPE_CHECKING:
    from desk.facade import Desk


@dataclass
class AnnotationImport:
    """What :func:`import_annotations` did: claims added, repeats skipped, misfits."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (annotation, why)

    def lines(self) -> list[str]:
        """The outcome as lines of text (misfits first, one each)."""
        lines = [f"not placed: {label}: {why}" for label, why in self.unplaced]
        lines.append(f"{len(self.added)} claims added, {len(self.skipped)} already in the "
                     f"desk, {len(self.unplaced)} not placed")
        return lines


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Quote:
    exact: str
    prefix: str
    suffix: str
    start: int | None


def read_annotations(data: Any) -> list[dict[str, Any]]:
    """The annotations in parsed JSON: a collection, a page, a list, one annotation, or
    Hypothesis's ``{"rows": [...]}``."""
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if not isinstance(data, dict):
        raise DeskError("The file holds no annotations (expected a JSON object or array).")
    if "rows" in data and isinstance(data["rows"], list):
        return read_annotations(data["rows"])
    if "items" in data and isinstance(data["items"], list):
        return read_annotations(data["items"])
    first = data.get("first")
    if isinstance(first, dict):
        found, page = [], first
        while isinstance(page, dict):
            found.extend(read_annotations(page.get("items", [])))
            page = page.get("next")
        return found
    if data.get("type") == "Annotation" or "target" in data:
        return [data]
    raise DeskError("The file holds no annotations (no items, rows or target found).")


def without_lone_surrogates(data: Any) -> Any:
    """Parsed JSON with every lone surrogate (``"\\ud800"`` is valid JSON, but no UTF-8 text can
    hold it: SQLite and the terminal refuse it) replaced by U+FFFD, in keys and values."""
    def clean(text: str) -> str:
        return _SURROGATE.sub("\ufffd", text) if not text.isascii() else text

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return clean(value)
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return {clean(k) if isinstance(k, str) else k: v for k, v in value.items()}
        return value

    root = [fix(data)]
    todo: list[list[Any] | dict[Any, Any]] = [root]
    while todo:  # a loop, not recursion: the file may be nested as deep as json allows
        container = todo.pop()
        keys = range(len(container)) if isinstance(container, list) else list(container)
        for key in keys:
            value = container[key] = fix(container[key])  # type: ignore[index]
            if isinstance(value, (list, dict)):
                todo.append(value)
    return root[0]


def import_annotations(desk: Desk, source: str | Path | Any) -> AnnotationImport:
    """Add claims for W3C annotations read from a file (or parsed JSON) to ``desk``.

    Each annotation goes onto the article its target names (``deskArticle``, a
    ``urn:uuid:`` or the article URL) when the desk has it and the quote is there, else
    onto the one article of the desk where the quote with its prefix and suffix is found.
    Annotations that fit nowhere are reported, not dropped silently. An annotation whose
    ``urn:uuid:`` id is already a claim of the desk is skipped, so importing twice adds
    nothing. The whole import is one transaction, and a short one: every annotation is
    placed first (reading only), and the write lock is taken only to add the claims (other
    writers, the window's edits above all, wait for it; see :func:`_write_one`).
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise DeskError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DeskError(f"{path.name} is not a JSON file ({exc}).") from exc
        except RecursionError as exc:
            raise DeskError(f"{path.name} is nested too deeply to be annotations.") from exc
        except ValueError as exc:  # a name no file can have (a NUL, a lone surrogate)
            raise DeskError(f"Cannot read {ascii(str(path))}: {exc}.") from exc
    else:
        data = source
    data = without_lone_surrogates(data)
    result = AnnotationImport()
    by_id = {a.id: a for a in desk.articles()}
    by_url = _by_url(by_id)
    known = {row[0] for row in desk.db.execute("SELECT id FROM claims")}
    planned = []
    for number, item in enumerate(read_annotations(data), start=1):
        label = str(item.get("id") or f"annotation {number}")
        plan = _plan_one(desk, item, label, by_id, by_url, known, result)
        if plan is not None:
            planned.append(plan)
    if not planned:
        return result
    saved_editor = desk.editor
    try:
        with desk.writing():
            for plan in planned:
                _write_one(desk, plan, known, result, saved_editor)
    finally:
        desk.editor = saved_editor
    return result


@dataclass
class _Plan:
    """An annotation placed before the write lock is taken: the claim it will add."""

    label: str
    item: dict[str, Any]
    claim_id: str | None
    article: Any
    start: int
    end: int
    fields: dict[str, Any]


def _plan_one(desk: Desk, item: dict[str, Any], label: str, by_id: dict[str, Any],
              by_url: dict[str, list[Any]], known: set[str],
              result: AnnotationImport) -> _Plan | None:
    """Place one annotation (reading only); None when it is skipped or not placed."""
    claim_id = _uuid_of(item.get("id"))
    if claim_id and claim_id in known:
        result.skipped.append(label)
        return None
    placed = _placement(desk, item, label, by_id, by_url, result)
    if placed is None:
        return None
    article, start, end = placed
    return _Plan(label, item, claim_id, article, start, end, _fields(item))


def _placement(desk: Desk, item: dict[str, Any], label: str, by_id: dict[str, Any],
               by_url: dict[str, list[Any]],
               result: AnnotationImport) -> tuple[Any, int, int] | None:
    targets = item.get("target")
    targets = targets if isinstance(targets, list) else [targets]
    placed = None
    for target in targets:
        named, quote = _read_target(target, by_id, by_url)
        if quote is None:
            continue
        placed = _place(desk, quote, named)
        if placed:
            break
    if placed is None:
        why = ("it has no TextQuoteSelector" if all(_read_target(t, by_id, by_url)[1] is None
                                                    for t in targets)
               else "its quote is in no article of the desk")
        result.unplaced.append((label, why))
        return None
    if isinstance(placed, str):
        result.unplaced.append((label, placed))
        return None
    return placed


def _write_one(desk: Desk, plan: _Plan, known: set[str], result: AnnotationImport,
               editor: str, *, again: bool = True) -> None:
    """Add one planned claim, inside the import's transaction. What another process wrote
    since the plan counts: the same claim id or the same claim is skipped, and an
    annotation whose article got a new text is placed again."""
    claim_id, article = plan.claim_id, plan.article
    if claim_id and (claim_id in known or desk.conn.execute(
            "SELECT 1 FROM claims WHERE id = ?", [claim_id]).fetchone()):
        result.skipped.append(plan.label)
        return
    if not claim_id and _duplicate(desk, article.id, plan.start, plan.end, plan.fields["source"]):
        result.skipped.append(plan.label)
        return
    creator = plan.item.get("creator") or plan.item.get("user")
    name = creator.get("name") if isinstance(creator, dict) else creator
    desk.editor = str(name).removeprefix("acct:") if name else editor
    try:
        claim = desk.add_claim(article.id, plan.start, plan.end, claim_id=claim_id,
                               quote=article.body[plan.start:plan.end], **plan.fields)
    except SpanError as exc:
        if again and desk.article(article.id).body != article.body:
            articles = {a.id: a for a in desk.articles()}
            placed = _placement(desk, plan.item, plan.label, articles, _by_url(articles),
                                result)
            if placed is not None:
                _write_one(desk, _Plan(plan.label, plan.item, claim_id, *placed, plan.fields),
                           known, result, editor, again=False)
            return
        result.unplaced.append((plan.label, str(exc)))
        return
    known.add(claim.id)
    result.added.append(claim.id)


def _by_url(by_id: dict[str, Any]) -> dict[str, list[Any]]:
    by_url: dict[str, list[Any]] = {}
    for article in by_id.values():
        if article.url:
            by_url.setdefault(article.url, []).append(article)
    return by_url


def _uuid_of(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("urn:uuid:") and is_uuid(value[9:]):
        return value[9:].lower()
    return None


def _read_target(target: Any, by_id: dict[str, Any],
                 by_url: dict[str, list[Any]]) -> tuple[list[Any], _Quote | None]:
    """The articles a target names and its quote (None without a TextQuoteSelector)."""
    if not isinstance(target, dict):
        return [], None
    named: list[Any] = []
    for key in ("deskArticle", "cd:deskArticle"):
        article_id = _uuid_of(target.get(key))
        if article_id in by_id:
            named.append(by_id[article_id])
    iri = target.get("source")
    if isinstance(iri, str):
        article_id = _uuid_of(iri)
        if article_id in by_id:
            named.append(by_id[article_id])
        named.extend(by_url.get(iri, []))
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    flat: list[dict[str, Any]] = []
    for selector in selectors:
        while isinstance(selector, dict):
            flat.append(selector)
            selector = selector.get("refinedBy")
    quote = next((s for s in flat if s.get("type") == "TextQuoteSelector"
                  and isinstance(s.get("exact"), str) and s["exact"].strip()), None)
    if quote is None:
        return named, None
    position = next((s for s in flat if s.get("type") == "TextPositionSelector"), None)
    start = position.get("start") if position else None
    return named, _Quote(quote["exact"], str(quote.get("prefix") or ""),
                         str(quote.get("suffix") or ""),
                         start if isinstance(start, int) else None)


def _place(desk: Desk, quote: _Quote, named: list[Any]) -> tuple[Any, int, int] | str | None:
    """Where a quote goes: (article, start, end); a reason (str) when ambiguous; or None."""
    for article in dict.fromkeys(named):
        span = _find(article.body, quote, need_context=False)
        if span:
            return article, span[0], span[1]
    longest_word = max(quote.exact.split(), key=len)
    candidates = [desk.article(row[0]) for row in desk.db.execute(
        "SELECT id FROM articles WHERE instr(body, ?) > 0", [longest_word])]
    found = [(a, span) for a in candidates if (span := _find(a.body, quote, need_context=True))]
    if len(found) == 1:
        article, span = found[0]
        return article, span[0], span[1]
    if len(found) > 1:
        titles = "; ".join(f"“{a.title}”" for a, _ in found[:3])
        return f"its quote fits {len(found)} articles ({titles})"
    return None


def _find(body: str, quote: _Quote, *, need_context: bool) -> tuple[int, int] | None:
    """The best occurrence of the quote in ``body`` (by prefix and suffix, then position)."""
    exact = quote.exact
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(exact), body)]
    if not spans:
        words = exact.split()
        pattern = r"\s+".join(re.escape(w) for w in words)
        spans = [(m.start(), m.end()) for m in re.finditer(pattern, body)] if words else []
    best, best_key = None, None
    for start, end in spans:
        before, after = body[:start], body[end:]
        prefix_ok = _ends_alike(before, quote.prefix)
        suffix_ok = _starts_alike(after, quote.suffix)
        if need_context and not (prefix_ok and suffix_ok):
            continue
        near = abs(start - quote.start) if quote.start is not None else 0
        key = (-(prefix_ok + suffix_ok), near, start)
        if best_key is None or key < best_key:
            best, best_key = (start, end), key
    return best


def _squash(text: str) -> str:
    return " ".join(text.split())


def _ends_alike(text: str, prefix: str) -> bool:
    prefix = _squash(prefix)
    return not prefix or _squash(text[-(len(prefix) * 2 + 8):]).endswith(prefix)


def _starts_alike(text: str, suffix: str) -> bool:
    suffix = _squash(suffix)
    return not suffix or _squash(text[:len(suffix) * 2 + 8]).startswith(suffix)


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    """source, figure, status, note and tags from an annotation's bodies and our terms."""
    listed = item.get("tags")
    tags: list[str] = [t for t in listed if isinstance(t, str)] if isinstance(listed, list) else []
    notes: list[str] = [item["text"]] if isinstance(item.get("text"), str) and item["text"] else []
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    status = "unchecked"
    bodies = item.get("body") or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    default_purpose = {"tagging": "tagging", "classifying": "classifying"}.get(
        str(item.get("motivation")), "commenting")
    for body in bodies:
        if isinstance(body, str):
            body = {"value": body}
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        value, purpose = body["value"], body.get("purpose") or default_purpose
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "classifying" and _status_of(value):
            status = _status_of(value)  # type: ignore[assignment]
        elif purpose == "classifying":
            tags.append(value)
        else:
            notes.append(value)
    return {
        "source": _term(item, "claimSource"),
        "figure": _term(item, "claimFigure"),
        "status": status,
        "note": "\n\n".join(n for n in notes if n.strip()),
        "tags": tags,
    }


def _term(item: dict[str, Any], name: str) -> str:
    value = item.get(name, item.get(f"cd:{name}", item.get(DESK_VOCAB + name, "")))
    return value if isinstance(value, str) else ""


def _status_of(value: str) -> str | None:
    word = value.strip().lower()
    if word in STATUSES:
        return word
    by_rating = {name.lower(): status for status, (name, _v) in RATINGS.items()}
    return by_rating.get(word)


def _duplicate(desk: Desk, article_id: str, start: int, end: int, source: str) -> bool:
    row = desk.db.execute(
        "SELECT 1 FROM claims WHERE article_id = ? AND start_char = ? AND end_char = ? "
        "AND source = ? AND deleted_at IS NULL", [article_id, start, end, source]).fetchone()
    return row is not None
