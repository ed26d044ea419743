"""Find a news article's text and metadata in an HTML page, built on trafilatura.

trafilatura (pinned in pyproject.toml: its output changes between releases) does the heavy work;
this module uses it in the way that measured best on real news pages
(``scripts/eval_extraction.py`` scores it against a public benchmark), then tidies what it
leaves:

1. **Hidden elements** (``display:none``, ``visibility:hidden``, the ``hidden`` attribute) are
   pruned before extraction: pages hide schema.org metadata blocks, duplicated headlines and
   pop-ups there, and a reader never sees them.
2. **Two passes**: trafilatura's balanced mode and its ``favor_precision`` mode. The precise
   pass drops more boilerplate (related links, newsletter boxes, footers) but sometimes loses
   real text, so it is kept only while it holds at least :data:`PRECISION_KEEPS` of the balanced
   pass's text; otherwise the balanced pass is used. If both find nothing, the ``favor_recall``
   pass and then trafilatura's ``baseline`` extractor are tried.
3. **Continuation blocks**: articles split into several sibling containers of the same kind
   (``<div class="article-body">`` … an ad … ``<div class="article-body">``) often come out with
   only the first one. Paragraphs of the other containers with the same tag and class are
   added back, in page order; so are embedded tweets and Instagram posts that sit inside the
   article (trafilatura drops them, yet they are often the claim the article reports).
4. **Clean-up**: short paragraphs that are (almost) one link (related-story teasers,
   "READ MORE: …"; prose linking several phrases stays), the short label introducing such a run
   ("DON'T MISS"), lines that are only a web or e-mail address or a timestamp, calls to
   subscribe to a newsletter, wire-style credit lines at the end ("Reporting by …",
   "… contributed to this report."), kicker lines above the headline, and a repeat of the
   headline are dropped.

Everything here is pure Python (lxml and trafilatura), no Qt.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

#: The precise pass is kept while it holds at least this share of the balanced pass's text.
PRECISION_KEEPS = 0.5
#: A paragraph whose longest link covers at least this share of its letters is a link …
LINK_SHARE = 0.7
#: … when it has at most this many words (long linked paragraphs are kept) …
LINK_PARAGRAPH_MAX_WORDS = 30
#: … and at least this many (a one-word link like "[Reuters]" cites a source).
LINK_PARAGRAPH_MIN_WORDS = 3
#: A label introducing a run of links ("Related", "DON'T MISS") has at most this many words.
LABEL_MAX_WORDS = 3
#: Lines above the headline with at most this many words are kickers ("BREAKING", "Politics").
KICKER_MAX_WORDS = 5
#: A continuation container is merged only if it brings at least this many characters.
CONTINUATION_MIN_CHARS = 150
#: Paragraphs longer than this are never taken for a call to subscribe.
SIGN_UP_MAX_CHARS = 400
#: Credit lines are looked for among this many last paragraphs.
CREDIT_TAIL = 3

HIDDEN_XPATH = (
    "//*[contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(translate(@style, ' ', ''), 'visibility:hidden')"
    " or @hidden]"
)
_EMBED_XPATH = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed')]"
)

_WORD = re.compile(r"\w+")
_BARE_URL = re.compile(r"^https?://\S+$", re.I)
_BARE_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
#: Wire-style credit lines at the end of a story ("Reporting by …; Editing by …",
#: "X contributed to this report."): bylines, not article text.
_CREDIT = re.compile(
    r"^((additional |editing |writing )?reporting by|editing by|writing by|contributing:"
    r"|.{0,80}\bcontributed( reporting| to this report)\b)", re.I)
#: A call to subscribe ("Sign up for our free daily newsletter", "Join … Members get …").
_SIGN_UP = re.compile(
    r"\b(sign(ing)? up|subscrib\w*|join)\b.{0,120}\b(newsletter|inbox|membership|members)\b"
    r"|\b(newsletter|inbox)\b.{0,120}\b(sign(ing)? up|subscrib\w*)\b", re.I)
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", ":", "…")


@dataclass
class Extraction:
    """What :func:`extract_article` found: the headline, the paragraphs and the metadata."""

    title: str
    paragraphs: list[str]
    url: str = ""
    byline: str = ""
    published_at: str = ""
    #: Which trafilatura pass produced the text ("balanced", "precision", "recall", "baseline").
    strategy: str = ""
    #: How many paragraphs the continuation step added, and the clean-up removed.
    added: int = 0
    removed: list[str] = field(default_factory=list)


class NoArticle(ValueError):
    """The page could not be parsed, or holds no article text."""


def extract_article(html: str, *, clean: bool = True, merge: bool = True) -> Extraction:
    """Extract the article of one HTML page, raising :class:`NoArticle` if there is none.

    ``clean`` and ``merge`` switch off the clean-up and the continuation step (for measuring
    what each brings).
    """
    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        raise NoArticle("this is not an HTML page that can be read")
    meta_doc, paragraphs, strategy = _best_pass(tree)
    result = Extraction(
        title=_clean_line(getattr(meta_doc, "title", None) or ""),
        paragraphs=paragraphs,
        url=(getattr(meta_doc, "url", None) or "").strip(),
        byline=(getattr(meta_doc, "author", None) or "").strip(),
        published_at=(getattr(meta_doc, "date", None) or "").strip(),
        strategy=strategy,
    )
    if not paragraphs:
        raise NoArticle("no article text found in the page")
    if merge:
        result.paragraphs, result.added = _add_continuations(tree, result.paragraphs)
    if clean:
        result.paragraphs, result.removed = _clean(tree, result.paragraphs)
    result.title, result.paragraphs = _split_headline(result.title, result.paragraphs)
    if not result.paragraphs:
        raise NoArticle("no article text found in the page")
    return result


def _run(tree, **options) -> tuple[object | None, list[str]]:
    """One trafilatura pass over (a copy of) the parsed page: its document and paragraphs."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        tree, include_comments=False, include_tables=True, include_images=False,
        include_links=False, include_formatting=False, deduplicate=False,
        prune_xpath=HIDDEN_XPATH, **options,
    )
    if doc is None:
        return None, []
    return doc, [line.strip() for line in (doc.text or "").split("\n") if line.strip()]


def pick_pass(balanced: list[str], precise: list[str]) -> tuple[list[str], str]:
    """The precise pass's paragraphs while it kept enough of the balanced pass's text.

    Returns the paragraphs and the pass's name ("precision", "balanced", or "" for none).
    """
    if precise and _chars(precise) >= PRECISION_KEEPS * _chars(balanced):
        return precise, "precision"
    if balanced:
        return balanced, "balanced"
    return [], ""


def _best_pass(tree) -> tuple[object | None, list[str], str]:
    """Balanced and precise passes compared; recall and baseline when both find nothing."""
    meta_doc, balanced = _run(tree, with_metadata=True)
    _, precise = _run(tree, favor_precision=True)
    paragraphs, strategy = pick_pass(balanced, precise)
    if paragraphs:
        return meta_doc, paragraphs, strategy
    _, recall = _run(tree, favor_recall=True)
    if recall:
        return meta_doc, recall, "recall"
    import trafilatura

    _, text, _ = trafilatura.baseline(tree)
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    return meta_doc, lines, "baseline"


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _key(text: str) -> str:
    """Text reduced to its lower-case words: how paragraphs are matched to page elements."""
    return " ".join(_WORD.findall(text.lower()))


def _word_letters(text: str) -> int:
    return sum(len(w) for w in _WORD.findall(text))


def _is_hidden(element) -> bool:
    """True if the element or one of its ancestors is hidden from the reader."""
    for node in (element, *element.iterancestors()):
        style = (node.get("style") or "").replace(" ", "").lower()
        if ("display:none" in style or "visibility:hidden" in style
                or node.get("hidden") is not None):
            return True
    return False


def _add_continuations(tree, paragraphs: list[str]) -> tuple[list[str], int]:
    """Add what the extractor left out inside the article, in page order.

    Two kinds of text are added: paragraphs of sibling containers like the one most of the
    article came from (same tag and class), and embedded social-media posts (tweets,
    Instagram posts: often the very claim an article reports) lying between the article's first
    and last paragraph.
    """
    by_key: dict[str, object] = {}
    for p in tree.iter("p"):
        key = _key(p.text_content())
        if key:
            by_key.setdefault(key, p)
    matched = [by_key.get(_key(text)) for text in paragraphs]
    order = {el: i for i, el in enumerate(tree.iter())}
    known = {_key(text) for text in paragraphs}
    additions = _sibling_blocks(tree, matched, known, order)
    additions += _embedded_posts(tree, matched, known, order)
    if not additions:
        return paragraphs, 0
    positioned: list[tuple[int, int, str]] = []
    last = -1
    for seq, (text, el) in enumerate(zip(paragraphs, matched)):
        if el is not None:
            last = order[el]
        positioned.append((last, seq, text))
    positioned.extend((pos, len(paragraphs) + i, text) for i, (pos, text) in enumerate(additions))
    positioned.sort()
    return [text for _, _, text in positioned], len(additions)


def _sibling_blocks(tree, matched: list, known: set[str], order: dict) -> list[tuple[int, str]]:
    """Paragraphs of the other containers with the tag and class the article text came from."""
    parents = Counter(
        (el.getparent().tag, el.getparent().get("class"))
        for el in matched if el is not None and el.getparent() is not None
    )
    if not parents:
        return []
    (tag, css_class), count = parents.most_common(1)[0]
    if count < 2 or not css_class or not isinstance(tag, str):
        return []
    used = {el.getparent() for el in matched if el is not None}
    additions: list[tuple[int, str]] = []
    for container in tree.iter(tag):
        if container.get("class") != css_class or container in used or _is_hidden(container):
            continue
        found = [(order[el], text) for el, text in _block_lines(container)
                 if _key(text) not in known]
        prose = [text for el, text in _block_lines(container) if _link_share(el) < LINK_SHARE]
        if found and _chars(prose) >= CONTINUATION_MIN_CHARS:
            additions.extend(found)
    return additions


def _block_lines(container) -> list[tuple[object, str]]:
    """The text lines of a container's blocks, formatted as trafilatura's text output is.

    Paragraphs, headings and quotes give one line each, list items ``- item``, table rows
    ``| cell | cell |``. Link paragraphs are kept here: the clean-up decides about them.
    """
    lines: list[tuple[object, str]] = []
    for child in container.iterchildren("p", "h2", "h3", "h4", "h5", "blockquote", "ul", "ol",
                                        "table"):
        if child.tag in ("ul", "ol"):
            lines += [(li, "- " + _clean_line(li.text_content())) for li in child.iter("li")]
        elif child.tag == "table":
            for row in child.iter("tr"):
                cells = [_clean_line(cell.text_content()) for cell in row.iter("td", "th")]
                lines.append((row, "| " + " | ".join(cells) + " |"))
        elif child.tag == "blockquote":  # its paragraphs and attribution, kept apart
            lines.append((child, _clean_line(" ".join(child.itertext()))))
        else:
            lines.append((child, _clean_line(child.text_content())))
    return [(el, text) for el, text in lines if _key(text)]


def _embedded_posts(tree, matched: list, known: set[str], order: dict) -> list[tuple[int, str]]:
    """Embedded tweets and Instagram posts placed between the article's first and last paragraph."""
    positions = [order[el] for el in matched if el is not None]
    if len(positions) < 2:
        return []
    first, last = min(positions), max(positions)
    everything = " ".join(known)
    additions = []
    for post in tree.xpath(_EMBED_XPATH):
        text = _clean_line(" ".join(post.itertext()))
        lead = post.find(".//p")
        # its first words, enough to tell whether the extractor already kept the post
        probe = " ".join(_key(lead.text_content() if lead is not None else text).split()[:6])
        if (first < order[post] < last and probe and probe not in everything
                and not _is_hidden(post)):
            additions.append((order[post], text))
    return additions


def _link_share(element) -> float:
    """Share of an element's letters in its longest link (1.0 inside a link).

    The longest single link, not all links together: a teaser is one linked headline, while
    prose may link several of its phrases and still be prose.
    """
    if any(node.tag == "a" for node in element.iterancestors()):
        return 1.0
    total = _word_letters(element.text_content())
    if not total:
        return 0.0
    return max((_word_letters(a.text_content()) for a in element.iter("a")), default=0) / total


class _LinkIndex:
    """How much of a paragraph is link text, looked up from the page it came from."""

    def __init__(self, tree) -> None:
        self.shares: dict[str, float] = {}
        for element in tree.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span",
                                 "dd", "a"):
            key = _key(element.text_content())
            if key and key not in self.shares:
                self.shares[key] = _link_share(element)
        self.anchors = {key for a in tree.iter("a")
                        if (key := _key(a.text_content())).count(" ") >= 2}

    def share(self, text: str) -> float:
        """The share for a paragraph, also when it is one line of a larger element.

        A line cut from a bigger block (links separated by ``<br>``) has no element of its
        own; then the longest link text it contains decides.
        """
        key = _key(text)
        if not key:
            return 0.0
        if key in self.shares:
            return self.shares[key]
        longest = max((len(a) for a in self.anchors if a in key), default=0)
        return longest / len(key)


def _clean(tree, paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Drop link teasers (and their label), bare addresses, timestamps, trailing credits."""
    links = _LinkIndex(tree)
    shares = [links.share(text) for text in paragraphs]
    drop = [False] * len(paragraphs)
    for i, text in enumerate(paragraphs):
        words = len(_WORD.findall(text))
        share = shares[i]
        if not words or (share >= LINK_SHARE
                         and LINK_PARAGRAPH_MIN_WORDS <= words <= LINK_PARAGRAPH_MAX_WORDS):
            drop[i] = True
        elif _BARE_URL.match(text) or _BARE_EMAIL.match(text) or _TIMESTAMP.match(text):
            drop[i] = True
        elif len(text) <= SIGN_UP_MAX_CHARS and _SIGN_UP.search(text):
            drop[i] = True
    for i in range(len(paragraphs) - 1):
        text = paragraphs[i]
        if (drop[i + 1] and not drop[i] and len(text.split()) <= LABEL_MAX_WORDS
                and not text.rstrip().endswith(_SENTENCE_END)
                and shares[i] < LINK_SHARE and shares[i + 1] >= LINK_SHARE):
            drop[i] = True
    for i in [i for i, d in enumerate(drop) if not d][-CREDIT_TAIL:]:
        if len(paragraphs[i]) < 300 and _CREDIT.match(paragraphs[i]):
            drop[i] = True
    kept = [p for p, d in zip(paragraphs, drop) if not d]
    removed = [p for p, d in zip(paragraphs, drop) if d]
    return kept, removed


def _clean_line(text: str) -> str:
    return " ".join(text.split())


def _split_headline(title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """The headline once: a leading paragraph repeating the page title becomes the title.

    Page titles often carry the site's name ("Headline | Site"); the article's own headline
    paragraph is then the better title. Short lines above the headline ("BREAKING", a section
    name) are kickers and go with it. Without any title, the first paragraph is used.
    """
    title_key = _key(title)
    for i, text in enumerate(paragraphs[:3]):
        key = _key(text)
        if not key or len(text) > 300:
            continue
        if key == title_key or (title_key.startswith(key + " ")
                                and len(key) >= 0.4 * len(title_key)):
            before = [p for p in paragraphs[:i] if len(p.split()) > KICKER_MAX_WORDS]
            return _clean_line(text), before + paragraphs[i + 1:]
    if not title_key and paragraphs:
        return _clean_line(paragraphs[0]), paragraphs[1:]
    return title, paragraphs
