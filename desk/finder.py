"""The claim finder: suggest the check-worthy claims of an article, with source and figure.

``suggest(text)`` splits the text into sentences (and a sentence into clauses when each
clause carries its own figure), finds the figure and the source of each, and scores it with
hand-written cues (figures, statistics words, reporting verbs, factual past tense; minus
questions, opinions, promises and small talk). Offline and rule-based: no model download.

Offsets are Python code points into ``text``; a suggestion's ``quote`` is
``text[start:end]``. The desk-level functions (suggestions for an article, dismiss, accept)
are in :mod:`desk.suggestions`.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field

from .attribution import Attribution, SourceContext, find_attribution
from .figures import Figure, FigureMatch, find_figures, number_end, parse_figure
from .segment import Span, clauses, sentences

#: Suggestions scoring below this are dropped by :func:`suggest` (0–1 scale).
DEFAULT_MIN_SCORE = 0.5


@dataclass(frozen=True)
class Suggestion:
    """One candidate claim: a sentence or clause worth checking, with what the finder found."""

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

    def as_dict(self) -> dict[str, object]:
        """The suggestion as a plain dict (for JSON)."""
        return {
            "start_char": self.start, "end_char": self.end, "quote": self.quote,
            "source": self.source, "figure": self.figure, "figure_value": self.figure_value,
            "figure_unit": self.figure_unit, "figure_qualifier": self.figure_qualifier,
            "score": round(self.score, 3), "reasons": list(self.reasons),
        }


# -- cues -------------------------------------------------------------------------------

def _words(text: str) -> str:
    return r"\b(?:" + "|".join(text.split()) + r")\b"


_STAT_WORDS = re.compile(_words(
    r"percent per\s+cent percentage rate rates average median million millions billion billions"
    r" trillion trillions thousands hundreds dozens twice double doubled triple tripled half"
    r" quarter third majority minority record highest lowest largest biggest smallest fastest"
    r" most least fewer increase increased increases decrease decreased rose risen fell fallen"
    r" grew grown growth declined decline dropped drop cut cuts raised lowered jumped surged"
    r" tax taxes deficit debt budget spending spent unemployment jobs wages income inflation"
    r" GDP economy dollars cost costs paid pay funding lost gained created killed died deaths"
    r" dead casualties injured wounded victims cases admissions"), re.IGNORECASE)
_FACT_VERBS = re.compile(_words(
    r"voted vote votes passed signed vetoed approved opposed supported banned invested"
    r" borrowed owns owned sold bought built closed opened shipped sent received hired fired"
    r" elected appointed won lost attacked invaded evacuated destroyed burned flooded"
    r" reached recorded counted measured"), re.IGNORECASE)
_TIME_ANCHOR = re.compile(
    r"\b(?:in|since|by|from|until|between|during)\s+(?:the\s+)?(?:1[89]|20)\d\d(?:s)?\b|"
    r"\b(?:last|this|previous)\s+(?:year|month|week|decade|quarter)\b|\byears?\s+ago\b|"
    r"\bfor\s+the\s+first\s+time\b", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^\W*(?:who|what|when|where|why|how|is|are|do|does|did|can|could|would|will|should|"
    r"shall|have|has|may)\b", re.IGNORECASE)
_OPINION = re.compile(
    r"\b(?:I|we)\s+(?:think|believe|feel|hope|want|wish|guess|agree|disagree|know|like|love|"
    r"mean|suppose|'d\s+like|would\s+like|urge)\b|\bin\s+my\s+(?:opinion|view)\b|"
    r"\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:going\s+to|gonna|sure|glad|proud|happy|"
    r"not\s+going|committed|confident)\b|\b(?:I|we)\s+will\b|\b(?:I|we)'ll\b|"
    r"\b(?:let\s+me|let's|let\s+us)\b|\bbelieve\s+me\b|\byou\s+know\b", re.IGNORECASE)
_NORMATIVE = re.compile(
    r"\b(?:should|must|ought|need\s+to|needs\s+to|have\s+to|has\s+to|got\s+to|going\s+to|"
    r"gonna|would|could|might|will)\b", re.IGNORECASE)
_SMALL_TALK = re.compile(
    r"^\W*(?:thank|thanks|good\s+(?:evening|morning|night)|welcome|okay|ok|yes|no|well|"
    r"sure|absolutely|right|hello|hi|wow|excuse\s+me|sorry|please|all\s+right|now)\b\W*$|"
    r"^\W*(?:thank\s+you|thanks)\b|\((?:applause|laughter|crosstalk|inaudible)\)",
    re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_VAGUE_FIGURE = re.compile(
    r"\b(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)|hundreds|thousands|millions|"
    r"billions|trillions|dozens|twice|half|double|tripled|doubled)\b", re.IGNORECASE)
_MONTH_AFTER = re.compile(
    r"\s*(?:(?:and|to|-|–)\s*\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\b", re.IGNORECASE)

#: Weights of the cues (a linear score squashed to 0–1). Chosen by hand and checked on the
#: tuning halves of the benchmarks (see scripts/eval_finder.py); not fitted to any data.
WEIGHTS = {
    "bias": -1.6,
    "figure": 2.0,
    "money_or_percent": 0.6,
    "vague_figure": 0.9,
    "stat_word": 0.55,
    "fact_verb": 0.45,
    "time_anchor": 0.6,
    "attributed": 0.8,
    "named": 0.25,
    "long": 0.4,
    "question": -2.5,
    "opinion": -1.0,
    "normative": -0.6,
    "small_talk": -3.0,
    "short": -1.5,
}


def suggest(text: str, *, min_score: float = DEFAULT_MIN_SCORE) -> list[Suggestion]:
    """Candidate claims in ``text``, in text order, each a sentence or clause (never more)."""
    figures = _useful_figures(text)
    starts = [f.start for f in figures]
    context = SourceContext()
    found: list[Suggestion] = []
    previous: tuple[int, Attribution | None] = (-1, None)  # (paragraph, source)
    for sentence in sentences(text):
        lo = bisect.bisect_left(starts, sentence.start)
        hi = bisect.bisect_left(starts, sentence.end)
        in_sentence = [f for f in figures[lo:hi] if f.end <= sentence.end]
        parts = clauses(text, sentence, [f.start for f in in_sentence])
        sentence_text = text[sentence.start:sentence.end]
        whole = find_attribution(sentence_text, context) or _quote_speaker(
            text, sentence, context)
        if whole is None and previous[0] == sentence.paragraph and _is_quote(sentence_text):
            whole = previous[1]
        for part in parts:
            part_figures = [f for f in in_sentence if part.start <= f.start < part.end]
            attribution = (find_attribution(text[part.start:part.end], context)
                           if len(parts) > 1 else whole) or whole
            item = _score(text, part, part_figures, attribution)
            if item.score >= min_score:
                found.append(item)
        if whole is not None:
            context.remember(whole.source.split(" (via ")[0], whole.document)
        context.remember_mentions(sentence_text)
        previous = (sentence.paragraph, whole)
    return found


def _useful_figures(text: str) -> list[FigureMatch]:
    """Figures of ``text`` without the dates ("9 August") the figure finder lets through."""
    useful = []
    for match in find_figures(text):
        if match.figure.unit is None and _MONTH_AFTER.match(text, match.end):
            continue
        if match.figure.unit is None and re.match(r"\s+(?:August|May|March)\b",
                                                  text[match.start + len(match.text.split()[0]):]):
            continue
        useful.append(match)
    return useful


_RANGE_AFTER = re.compile(r"\s*(?:to|and|-|–|in|out\s+of)\s*")
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
    return phrase[3:] if phrase.lower().startswith("at ") else phrase


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
        word = re.match(r"\s+([A-Za-z][\w\-]*)", text[position:position + 40])
        if not word or word.group(1).lower() in _NOUN_STOP:
            break
        token = word.group(1).lower()
        if plural_end and token.endswith("ed"):
            break
        position += word.end()
        if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "ous", "ius")):
            plural_end = position
    if plural_end:
        return plural_end
    word = text[number_end:default_end].strip().lower()
    return number_end if not word or word in _NOT_NOUNS_ALONE else default_end


def _score(text: str, part: Span, figures: list[FigureMatch],
           attribution: Attribution | None) -> Suggestion:
    quote = text[part.start:part.end]
    features: dict[str, float] = {}
    reasons: list[str] = []
    groups = _groups(text, figures)
    primary = _primary(groups)
    figure_text = _figure_phrase(text, *primary) if primary else ""
    if primary is not None:
        features["figure"] = 1
        reasons.append(f"figure: {figure_text}")
        if primary[0].figure.unit or primary[1].figure.unit:
            features["money_or_percent"] = 1
    elif (vague := _VAGUE_FIGURE.search(quote)) is not None:
        features["vague_figure"] = 1
        reasons.append(f"quantity: {vague.group(0)}")
    stats = {m.group(0).lower() for m in _STAT_WORDS.finditer(quote)}
    if stats:
        features["stat_word"] = min(len(stats), 3)
        reasons.append("statistics words: " + ", ".join(sorted(stats)[:4]))
    facts = {m.group(0).lower() for m in _FACT_VERBS.finditer(quote)}
    if facts:
        features["fact_verb"] = min(len(facts), 2)
        reasons.append("factual verbs: " + ", ".join(sorted(facts)[:3]))
    if _TIME_ANCHOR.search(quote):
        features["time_anchor"] = 1
        reasons.append("dated")
    if attribution is not None:
        features["attributed"] = 1
        via = f" (from '{attribution.resolved_from}')" if attribution.resolved_from else ""
        reasons.append(f"attributed ({attribution.cue}): {attribution.source}{via}")
    names = len(_CAPITALISED.findall(quote))
    if names:
        features["named"] = min(names, 3)
    words = len(quote.split())
    if words >= 15:
        features["long"] = 1
    negatives = _negatives(quote, words)
    features.update(negatives)
    reasons.extend(f"less likely: {name.replace('_', ' ')}" for name in negatives)
    raw = WEIGHTS["bias"] + sum(WEIGHTS[name] * value for name, value in features.items())
    score = 1 / (1 + math.exp(-raw))
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


def _negatives(quote: str, words: int) -> dict[str, float]:
    found: dict[str, float] = {}
    stripped = quote.strip().rstrip("”’\"')")
    if stripped.endswith("?") or (_QUESTION_START.match(quote) and "?" in quote):
        found["question"] = 1
    if _SMALL_TALK.search(quote):
        found["small_talk"] = 1
    opinions = len(_OPINION.findall(quote))
    if opinions:
        found["opinion"] = min(opinions, 2)
    if _NORMATIVE.search(quote):
        found["normative"] = 1
    if words < 6:
        found["short"] = 1
    return found


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
    para_start = text.rfind("\n", 0, sentence.start) + 1
    before = text[para_start:sentence.start]
    opened = before.count("“") - before.count("”")
    straight = before.count('"') % 2
    if opened <= 0 and not straight:
        return None
    closing = re.compile(r"[”\"]").search(text, sentence.start, sentence.end + 400)
    if not closing:
        return None
    after = text[closing.start():closing.start() + 200].split("\n", 1)[0]
    return find_attribution(after, context)
