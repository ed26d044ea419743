"""How check-worthy a sentence is: hand-written cues, each with a weight and a reason.

Positive cues: a figure (money and percentages more so), words of quantity and statistics,
policy subjects (taxes, jobs, deaths…), factual past-tense verbs ("voted", "signed"), dates,
a named source, claims about what someone said or did ("you voted for"). Negative cues:
questions, opinions and promises ("I think", "we will"), modal and normative verbs, small talk,
very short sentences. The weighted sum is squashed to 0–1 by the logistic function.

The cue lists are written by hand. The weights were set on the *tuning* halves of the public
benchmarks (see ``scripts/eval_finder.py`` for the split) and are reported on the other half.
Words are matched by set lookup on one tokenisation of the sentence, which keeps scoring
fast enough for a megabyte of text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


QUANTITY = _set("""percent percentage percentages rate rates average median million millions
    billion billions trillion trillions thousand thousands hundred hundreds dozens twice double
    doubled triple tripled quadrupled half quarter third majority minority number numbers
    amount total fraction per""")
CHANGE = _set("""increase increased increases increasing decrease decreased decreases rose risen
    rise fell fallen fall grew grown growth declined decline dropped drop cut cuts raised
    lowered jumped surged soared plunged doubled tripled reduced reduce gained lost losing
    added created""")
COMPARISON = _set("""record highest lowest largest biggest smallest fastest slowest most least
    fewer more less than worst best ever first only since""")
SUBJECTS = _set("""tax taxes taxed deficit debt budget spending spent unemployment unemployed jobs
    job wages wage income incomes inflation gdp economy economic dollars cost costs paid
    funding trade deficit tariffs exports imports oil energy gas coal emissions insurance
    premiums medicare medicaid healthcare obamacare social security pensions poverty crime
    murders murder police prisons prison immigrants immigration illegal border deported
    military troops soldiers war wars nuclear weapons missiles iran iraq isis syria russia
    china killed died deaths dead casualties injured wounded victims civilians refugees
    cases admissions patients hospitals students schools teachers college tuition loans
    businesses companies factories manufacturing workers wealthy families children veterans
    women voters votes elected""")
FACT_VERBS = _set("""voted vote votes passed signed vetoed approved opposed supported banned
    invested borrowed owns owned sold bought built closed opened shipped sent received
    hired fired elected appointed won lost attacked invaded evacuated destroyed burned
    flooded reached recorded counted measured started founded ruled declared invented
    created proposed introduced sponsored endorsed called said wrote praised ordered
    negotiated released killed paid""")
OPINION_VERBS = _set("think believe feel hope want wish guess agree disagree suppose love like")
MODALS = _set("should must ought would could might will shall can gonna")
SMALL_TALK = _set("""thank thanks hello hi okay ok yes no well sure absolutely right wow sorry
    please applause laughter crosstalk inaudible welcome evening morning""")
PRONOUN_SUBJECTS = _set("you he she they his her your")
QUESTION_WORDS = _set("who what when where why how")

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d[\d,.]*")  # (applied to lower-cased text)
_TIME_ANCHOR = re.compile(
    r"\b(?:in|since|by|from|until|between|during|of)\s+(?:the\s+)?(?:1[89]|20)\d\d(?:s)?\b|"
    r"\b(?:last|this|previous|past)\s+(?:year|month|week|decade|quarter)s?\b|"
    r"\byears?\s+ago\b|\bfor\s+the\s+first\s+time\b", re.IGNORECASE)
_OPINION = re.compile(
    r"\b(?:I|we)\s+(?:really\s+|do\s+|don't\s+)?(?:think|believe|feel|hope|want|wish|guess|"
    r"agree|disagree|know|like|love|mean|suppose|urge)\b|\bin\s+my\s+(?:opinion|view)\b|"
    r"\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:going\s+to|gonna|sure|glad|proud|happy|"
    r"committed|confident)\b|\b(?:I|we)\s+will\b|\b(?:I|we)'ll\b|"
    r"\b(?:let\s+me|let's|let\s+us)\b|\bbelieve\s+me\b|\byou\s+know\b", re.IGNORECASE)
_REPORTED_ACT = re.compile(
    r"\b(?:you|he|she|they|[A-Z][a-z]+)\s+(?:(?:have|has|had|just|also|actually|never)\s+)?"
    r"(?:voted|said|called|signed|approved|supported|opposed|wanted|proposed|sent|took|"
    r"started|created|raised|cut|paid|lost|left|was\s+against|were\s+against|was\s+for)\b")
_DURATION = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|times|things|points|ago|"
    r"o'clock|am|pm)$", re.IGNORECASE)
_ADDRESS = re.compile(r"(?:^|[,.] )(?:Mr|Mrs|Ms|Madam|Secretary|Senator|Governor)\.? [A-Z][a-z]+,|"
                      r"\byou have (?:two|one|\d+) minutes?\b|\b(?:ladies and gentlemen|"
                      r"folks)\b")
_ACT_WORDS = _set("""voted said called signed approved supported opposed wanted proposed sent
    took started created raised cut paid lost left was were""")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_RELATIVE_TIME = _set("last this previous past")
_PERIODS = _set("year years month months week weeks decade decades quarter quarters")


def _may_be_dated(vocabulary: set[str], quote: str) -> bool:
    """Whether :data:`_TIME_ANCHOR` can match at all (a year, "years ago", "last month")."""
    return ("ago" in vocabulary or "first" in vocabulary
            or bool(vocabulary & _RELATIVE_TIME and vocabulary & _PERIODS)
            or bool(_YEAR.search(quote)))


_OPINION_WORDS = _set("i we i'm we're i'll we'll let let's believe know my")
_ADDRESS_WORDS = _set("mr mrs ms madam secretary senator governor you ladies folks")
_CAPITALISED = re.compile(r"[a-z,;] [A-Z][a-z]")  # a capitalised word inside a sentence


@dataclass(frozen=True)
class Cue:
    """A cue: its weight and how a reason names it."""

    weight: float
    reason: str


#: Weights of the cues. "bias" is the score of a sentence with no cue at all.
CUES: dict[str, Cue] = {
    "bias": Cue(-1.25, ""),
    "figure": Cue(1.3, "figure"),
    "money_or_percent": Cue(1.4, "money or percentage"),
    "duration": Cue(-0.7, "the figure is a duration or a count of times"),
    "address": Cue(-0.9, "addresses someone (moderation)"),
    "quantity": Cue(0.8, "quantity words"),
    "change": Cue(0.25, "change words"),
    "comparison": Cue(0.2, "comparison words"),
    "subject": Cue(0.25, "policy/statistics subject"),
    "fact_verb": Cue(0.9, "factual verbs"),
    "reported_act": Cue(0.45, "says what someone did or said"),
    "time_anchor": Cue(1.1, "dated"),
    "attributed": Cue(0.6, "attributed"),
    "named": Cue(0.15, "names"),
    "long": Cue(0.45, "long sentence"),
    "question": Cue(-2.9, "question"),
    "opinion": Cue(-0.9, "opinion or promise"),
    "modal": Cue(-1.1, "modal verb"),
    "small_talk": Cue(-2.0, "small talk"),
    "short": Cue(-1.2, "very short"),
}


def tokens(text: str) -> list[str]:
    """The lower-cased words (and numbers) of a text, as the cues see them."""
    return _TOKEN.findall(text.lower())


def cue_values(quote: str, *, figure: bool, money_or_percent: bool, attributed: bool,
               figure_text: str = "", reporting_verb: str = "",
               figure_clause: str | None = None, min_score: float = 0.0,
               words: list[str] | None = None,
               hopeless: Callable[[dict[str, float]], bool] | None = None
               ) -> dict[str, float]:
    """The cues present in ``quote`` and their strengths (1 unless counted).

    ``reporting_verb`` is the verb that attributed the quote ("said"): it counts once, as the
    attribution, not again as a factual verb. ``figure_clause`` is the clause around the
    figure: a promise or a modal elsewhere in the sentence ("… and we will keep them there")
    does not make the figure less checkable. With ``min_score`` > 0, the costlier cues are
    not looked for once the cheap ones show that the score cannot reach it (the cues
    returned then score below ``min_score`` too); ``hopeless``, given the cheap cues, says
    the same for another scorer (it must allow for :data:`PATTERN_CUES` at their most).
    ``words`` are the quote's :func:`tokens` when the caller has them.
    """
    if words is None:
        words = tokens(quote)
    vocabulary = set(words)
    if reporting_verb:
        vocabulary.discard(reporting_verb)
    found: dict[str, float] = {}
    if figure:
        found["figure"] = 1
        if money_or_percent:
            found["money_or_percent"] = 1
        elif _DURATION.search(figure_text):
            found["duration"] = 1
    for name, lexicon, cap in (("quantity", QUANTITY, 2), ("change", CHANGE, 2),
                               ("comparison", COMPARISON, 2), ("subject", SUBJECTS, 3),
                               ("fact_verb", FACT_VERBS, 2)):
        hits = len(vocabulary & lexicon)
        if hits:
            found[name] = min(hits, cap)
    if attributed:
        found["attributed"] = 1
    if len(words) >= 15:
        found["long"] = 1
    stripped = quote.rstrip(" \"'”’)")
    if stripped.endswith("?") or (words and words[0] in QUESTION_WORDS and "?" in quote):
        found["question"] = 1
    if words and (words[0] in SMALL_TALK and len(words) <= 4 or words[:2] == ["thank", "you"]
                  or vocabulary & {"applause", "crosstalk", "laughter", "inaudible"}):
        found["small_talk"] = 1
    if len(words) < 6 and not figure:
        found["short"] = 1
    if min_score > 0 and raw(found) + _PATTERN_GAIN < math.log(min_score / (1 - min_score)):
        return found  # even every pattern cue could not lift it to min_score
    if hopeless is not None and hopeless(found):
        return found
    # The patterns run only when a word they need is there (speed: a set lookup first).
    if vocabulary & _ADDRESS_WORDS and _ADDRESS.search(quote):
        found["address"] = 1
    if not reporting_verb and vocabulary & _ACT_WORDS and _REPORTED_ACT.search(quote):
        found["reported_act"] = 1
    if _may_be_dated(vocabulary, quote) and _TIME_ANCHOR.search(quote):
        found["time_anchor"] = 1
    names = len(_CAPITALISED.findall(quote))
    if names:
        found["named"] = min(names, 3)
    hedged = quote if figure_clause is None else figure_clause
    opinions = len(_OPINION.findall(hedged)) if vocabulary & _OPINION_WORDS else 0
    if opinions:
        found["opinion"] = min(opinions, 2)
    if vocabulary & MODALS and MODALS.intersection(_TOKEN.findall(hedged.lower())):
        found["modal"] = 1
    return found


def raw(found: dict[str, float]) -> float:
    """The hand-weighted score of a set of cues before the logistic function."""
    return CUES["bias"].weight + sum(CUES[name].weight * value for name, value in found.items())


def score(found: dict[str, float]) -> float:
    """The 0–1 score of a set of cues."""
    return 1 / (1 + math.exp(-raw(found)))


#: The cues looked for last (by patterns), and the most each can count.
PATTERN_CUES: dict[str, int] = {"address": 1, "reported_act": 1, "time_anchor": 1, "named": 3,
                                "opinion": 2, "modal": 1}
#: The most the pattern cues (looked for last) can add to a score.
_PATTERN_GAIN = sum(max(CUES[name].weight, 0) * most for name, most in (
    ("reported_act", 1), ("time_anchor", 1), ("named", 3)))


def describe(found: dict[str, float], quote: str) -> list[str]:
    """Short reasons for the cues that moved the score, strongest first."""
    words = set(_TOKEN.findall(quote.lower()))
    lexicons = {"quantity": QUANTITY, "change": CHANGE, "comparison": COMPARISON,
                "subject": SUBJECTS, "fact_verb": FACT_VERBS}
    reasons = []
    for name in sorted(found, key=lambda n: -abs(CUES[n].weight * found[n])):
        if name in ("figure", "attributed"):
            continue  # the finder words these itself, with the figure and the source
        cue = CUES[name]
        text = cue.reason
        if name in lexicons:
            text += ": " + ", ".join(sorted(words & lexicons[name])[:4])
        reasons.append(("less likely: " if cue.weight < 0 else "") + text)
    return reasons
