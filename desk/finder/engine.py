"""The claim finder: suggest the check-worthy claims of an article, with source and figure.

``suggest(text)`` splits the text into sentences (and a sentence into clauses when each
clause carries its own figure), finds the figure and the source of each, and scores it with
a trained logistic model (:mod:`desk.finder.model`, shipped in the repository: no download)
over words, word pieces and hand-written cues (figures, statistics words, reporting verbs,
factual past tense; minus questions, opinions, promises and small talk). Sources and figures
are found by rules.

Offsets are Python code points into ``text``; a suggestion's ``quote`` is
``text[start:end]``. The desk-level functions (suggestions for an article, dismiss, accept)
are in :mod:`desk.suggestions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from desk.finder import scoring
from desk.finder.attribution import Attribution, SourceContext, find_attribution
from desk.finder.segment import Span, clauses, sentences
from desk.text.figures import (
    Figure,
    FigureMatch,
    find_figures,
    number_end,
    parse_figure,
)

#: Suggestions scoring below this are dropped by :func:`suggest` (0–1 scale).
DEFAULT_MIN_SCORE = 0.5


#: Keys of :meth:`Suggestion.as_dict` (and columns of ``claims-desk suggest --format csv``).
SUGGESTION_COLUMNS: tuple[str, ...] = (
    "article_id", "start_char", "end_char", "quote", "source", "figure", "figure_value",
    "figure_unit", "figure_qualifier", "score", "reasons",
)


@dataclass(frozen=True)
class Suggestion:
    """One candidate claim: a sentence or clause worth checking, with what the finder found.

    ``start``/``end`` are code-point offsets into the text (``quote == text[start:end]``);
    ``article_id`` is set by the desk-level functions of :mod:`desk.suggestions`.
    """

    start: int
    end: int
    quote: str
    figure: str  # as written ("more than 9,000"), '' when the claim has none
    figure_value: float | None
    figure_unit: str | None
    figure_qualifier: str | None
    source: str  # '' when the text names none
    score: float  # 0–1: how check-worthy
    reasons: tuple[str, ...] = field(default_factory=tuple)
    article_id: str = ""

    def as_dict(self) -> dict[str, object]:
        """The suggestion as a plain dict with the keys of :data:`SUGGESTION_COLUMNS`."""
        return {
            "article_id": self.article_id, "start_char": self.start, "end_char": self.end,
            "quote": self.quote, "source": self.source, "figure": self.figure,
            "figure_value": self.figure_value, "figure_unit": self.figure_unit,
            "figure_qualifier": self.figure_qualifier, "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


_MONTH_AFTER = re.compile(
    r"\s*(?:(?:and|to|-|–)\s*\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NUMBER_RUN = re.compile(r"\d+")
#: A "sentence" with more numbers than this is a table: its figures are not looked at.
MAX_NUMBERS = 40
#: Words without which a sentence holds no figure that has no digit (a set lookup is much
#: faster than asking the figure finder).
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion trillion dozen half lakh crore percent cent
    dollar dollars euro euros pounds sterling yen rupees hryvnia hryvnias roubles rubles
    francs yuan usd eur gbp jpy inr uah rub chf cny""".split())
_MONTH_NOUN = re.compile(r"\s+(?:August|May|March)\b")
_VAGUE_FIGURE = re.compile(
    r"\b(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)|hundreds|thousands|millions|"
    r"billions|trillions|dozens)\b", re.IGNORECASE)


class Scorer(Protocol):
    """What scores a candidate: the trained model (:class:`desk.finder.model.Model`)."""

    def score(self, text: str, cues: dict[str, float],  # noqa: D102
              words: list[str] | None = None) -> float: ...

    def reasons(self, text: str, cues: dict[str, float]) -> list[str]: ...  # noqa: D102


def suggest(text: str, *, min_score: float = DEFAULT_MIN_SCORE, model: Scorer | None = None,
            rules_only: bool = False) -> list[Suggestion]:
    """Candidate claims in ``text``, in text order, each a sentence or clause (never more).

    Only candidates scoring at least ``min_score`` (0–1) are returned. They are scored by
    ``model`` (a desk's learned model), else by the shipped trained model (read on first
    use); ``rules_only`` scores with the hand-weighted cues alone, as before the model.
    """
    if rules_only:
        scorer: Scorer | None = None
    elif model is not None:
        scorer = model
    else:
        from desk.finder.model import shipped
        scorer = shipped()
    context = SourceContext()
    found: list[Suggestion] = []
    paragraph, previous, curly, straight = -1, None, 0, 0
    for sentence in sentences(text):
        if sentence.paragraph != paragraph:  # quotations and "she said" end with a paragraph
            paragraph, previous, curly, straight = sentence.paragraph, None, 0, 0
        sentence_text = text[sentence.start:sentence.end]
        words = scoring.tokens(sentence_text)
        vocabulary = set(words)
        in_sentence = _useful_figures(text, sentence, sentence_text, vocabulary)
        parts = clauses(text, sentence, [f.start for f in in_sentence])
        whole = find_attribution(sentence_text, context, words=vocabulary)
        if whole is None and (curly > 0 or straight % 2):
            whole = _quote_speaker(text, sentence, context)
        if whole is None and _is_quote(sentence_text):
            whole = previous  # “…” after "Zelenskyy said …" in the same paragraph
        for part in parts:
            part_figures = [f for f in in_sentence if part.start <= f.start < part.end]
            attribution = (find_attribution(text[part.start:part.end], context)
                           if len(parts) > 1 else whole) or whole
            item = _score(text, part, part_figures, attribution, min_score,
                          words if part is sentence else None, scorer)
            if item is not None:
                found.append(item)
        if whole is not None:
            context.remember(whole.source.split(" (via ")[0], whole.document)
        context.remember_mentions(sentence_text)
        previous = whole
        curly += sentence_text.count("“") - sentence_text.count("”")
        straight += sentence_text.count('"')
    return found


def _useful_figures(text: str, sentence: Span, sentence_text: str,
                    vocabulary: set[str]) -> list[FigureMatch]:
    """Figures of a sentence (offsets in ``text``), without the dates ("9 August") that the
    figure finder lets through. Sentences without a digit or a number word are skipped
    unread (most sentences: this is what keeps long articles fast)."""
    if not _DIGIT.search(sentence_text) and _NUMBER_WORDS.isdisjoint(vocabulary):
        return []
    if len(_NUMBER_RUN.findall(sentence_text)) > MAX_NUMBERS:
        return []  # a table or a list of numbers, not a sentence that states a figure
    useful = []
    shift = sentence.start
    for found in find_figures(sentence_text):
        match = FigureMatch(found.start + shift, found.end + shift, found.text, found.figure)
        if match.figure.unit is None and _MONTH_AFTER.match(text, match.end):
            continue
        if match.figure.unit is None and _MONTH_NOUN.match(
                text, match.start + len(match.text.split()[0])):
            continue
        useful.append(match)
    return useful


_RANGE_AFTER = re.compile(r"\s*(?:to|and|-|–|in|out\s+of|of(?:\s+the)?)\s*")
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w\-]*)")
_NOUN_STOP = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been had has
    have do did will would could should may might can that this these those who which when
    where while after before since than then per each its their his her our your over under
    above below during within less into about around across against between through
    since up down out off last next same another year years day days week weeks
    month months time times""".split()
)
_NOT_NOUNS_ALONE = frozenset("over under more less additional confirmed small new other".split())


def _figure_phrase(text: str, first: FigureMatch, last: FigureMatch) -> str:
    """The figure as an editor would note it: its number (or range), and the noun it counts."""
    start = first.start
    if first is not last:
        if text[max(0, start - 8):start].lower() == "between ":
            start -= 8
        if last.figure.unit:
            return text[start:_unit_end(text, last)].strip()
        return text[start:_counted_noun(text, _number_end(text, last), last.end)].strip()
    if first.figure.unit:
        end = _unit_end(text, first)
    else:
        end = _counted_noun(text, _number_end(text, first), first.end)
    phrase = text[start:end].strip()
    if phrase.lower().startswith("at ") and not phrase.lower().startswith(("at least",
                                                                           "at most")):
        return phrase[3:]  # "put the toll at 17": the figure is "17"
    return phrase


def _unit_end(text: str, match: FigureMatch) -> int:
    """Money and percentages end at their unit ("£4.3 million", not "£4.3 million over")."""
    if re.search(r"(?:%|percent|cent|points|euros?|dollars|pounds|yen|rupees|"
                 r"illion|[kmn]|\d)$", match.text, re.IGNORECASE):
        return match.end
    return _number_end(text, match)


def _groups(text: str, figures: list[FigureMatch]) -> list[tuple[FigureMatch, FigureMatch]]:
    """Figures joined into ranges and ratios ("between €3 billion and €4.5 billion",
    "31 to 14", "three in four residents"): (first, last) of each group."""
    groups: list[tuple[FigureMatch, FigureMatch]] = []
    for match in figures:
        if groups:
            first, last = groups[-1]
            gap = _RANGE_AFTER.fullmatch(text, _number_end(text, last), match.start)
            between = text[max(0, first.start - 8):first.start].lower() == "between "
            if gap and (between or gap.group(0).strip() != "and") and last is first:
                groups[-1] = (first, match)
                continue
        groups.append((match, match))
    return groups


def _number_end(text: str, match: FigureMatch) -> int:
    end = number_end(text, match.start)
    while end > match.start and text[end - 1].isspace():
        end -= 1
    return end if end > match.start else match.end


def _counted_noun(text: str, number_end: int, default_end: int) -> int:
    """Extend a count to the plural noun it counts, within three words ("1,870 emergency
    admissions"); else keep the figure finder's noun unless it is not a noun."""
    position = number_end
    plural_end = 0
    for _ in range(4):
        word = _NEXT_WORD.match(text, position, position + 40)
        if not word or word.group(1).lower() in _NOUN_STOP:
            break
        token = word.group(1).lower()
        if plural_end and token.endswith("ed"):
            break
        position = word.end()
        if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "ous", "ius")):
            plural_end = position
    if plural_end:
        return plural_end
    word = text[number_end:default_end].strip().lower()
    return number_end if not word or word in _NOT_NOUNS_ALONE else default_end


def _cues(text: str, part: Span, figures: list[FigureMatch],
          attribution: Attribution | None, words: list[str] | None, min_score: float = 0.0,
          hopeless: Callable[[dict[str, float]], bool] | None = None
          ) -> tuple[dict[str, float], tuple[FigureMatch, FigureMatch] | None, str]:
    """The cues of the candidate ``part``, its primary figure and that figure as noted."""
    quote = text[part.start:part.end]
    primary = _primary(_groups(text, figures))
    figure_text = _figure_phrase(text, *primary) if primary else ""
    found = scoring.cue_values(
        quote, figure=primary is not None,
        money_or_percent=bool(primary and (primary[0].figure.unit or primary[1].figure.unit)),
        attributed=attribution is not None, figure_text=figure_text,
        reporting_verb=attribution.cue if attribution else "",
        figure_clause=_clause_around(text, part, primary[0].start) if primary else None,
        min_score=min_score, words=words, hopeless=hopeless)
    return found, primary, figure_text


def sentence_cues(sentence: str) -> dict[str, float]:
    """The cues of one sentence taken whole, as :func:`suggest` finds them (its figures and
    source): what the training script gives the model for a labelled sentence."""
    span = Span(0, len(sentence), 0)
    words = scoring.tokens(sentence)
    figures = _useful_figures(sentence, span, sentence, set(words))
    attribution = find_attribution(sentence, SourceContext(), words=set(words))
    return _cues(sentence, span, figures, attribution, words)[0]


def _score(text: str, part: Span, figures: list[FigureMatch], attribution: Attribution | None,
           min_score: float, words: list[str] | None, scorer: Scorer | None
           ) -> Suggestion | None:
    """The candidate ``part`` as a suggestion, or None when it scores below ``min_score``."""
    quote = text[part.start:part.end]
    hopeless = None
    if scorer is not None and min_score > 0 and hasattr(scorer, "most"):
        def hopeless(cheap: dict[str, float]) -> bool:
            return scorer.most(quote, cheap, words) < min_score  # type: ignore[union-attr]
    found, primary, figure_text = _cues(text, part, figures, attribution, words,
                                        min_score if scorer is None else 0.0, hopeless)
    score = scoring.score(found) if scorer is None else scorer.score(quote, found, words)
    if score < min_score:
        return None
    reasons: list[str] = []
    if primary is not None:
        reasons.append(f"figure: {figure_text}")
    elif (vague := _VAGUE_FIGURE.search(quote)) is not None:
        reasons.append(f"quantity: {vague.group(0)}")
    if attribution is not None:
        via = f" (from '{attribution.resolved_from}')" if attribution.resolved_from else ""
        reasons.append(f"attributed ({attribution.cue}): {attribution.source}{via}")
    reasons.extend(scoring.describe(found, quote) if scorer is None
                   else scorer.reasons(quote, found))
    parsed = parse_figure(figure_text) if primary else None
    figure: Figure | None = parsed or (primary[0].figure if primary else None)
    return Suggestion(
        start=part.start, end=part.end, quote=quote, figure=figure_text,
        figure_value=figure.value if figure else None,
        figure_unit=figure.unit if figure else None,
        figure_qualifier=figure.qualifier if figure else None,
        source=attribution.source if attribution else "",
        score=score, reasons=tuple(reasons),
    )


_CLAUSE_MARK = re.compile(r"[,;:—–()]|\s(?:and|but|while|whereas|because)\s")


def _clause_around(text: str, part: Span, position: int) -> str:
    """The clause of ``part`` that holds ``position`` (bounded by commas, dashes, "and" …)."""
    start, end = part.start, part.end
    for mark in _CLAUSE_MARK.finditer(text, part.start, part.end):
        if mark.end() <= position:
            start = mark.end()
        elif mark.start() >= position:
            end = mark.start()
            break
    return text[start:end]


def _primary(groups: list[tuple[FigureMatch, FigureMatch]]
             ) -> tuple[FigureMatch, FigureMatch] | None:
    """The figure a claim is about: money or a percentage first, then a qualified count,
    then a range, then a count with its noun, else the first."""
    tests = (lambda a, b: a.figure.unit or b.figure.unit, lambda a, b: a.figure.qualifier,
             lambda a, b: a is not b, lambda a, b: " " in a.text)
    for test in tests:
        for group in groups:
            if test(*group):
                return group
    return groups[0] if groups else None


def _is_quote(sentence: str) -> bool:
    return sentence.lstrip()[:1] in "“\"‘'"


def _quote_speaker(text: str, sentence: Span,
                   context: SourceContext) -> Attribution | None:
    """For a sentence inside a quotation, the speaker named after the quotation closes."""
    closing = _CLOSING_QUOTE.search(text, sentence.start, sentence.end + 400)
    if not closing:
        return None
    after = text[closing.start():closing.start() + 200].split("\n", 1)[0]
    return find_attribution(after, context)


_CLOSING_QUOTE = re.compile(r"[”\"]")
