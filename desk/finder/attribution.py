"""Attribution: who a sentence says a claim comes from.

``find_attribution("The UN human rights office said on Thursday that 249 …")`` gives
``Attribution(source="UN human rights office", cue="said", …)``. Rule-based: a reporting verb
("said", "confirmed", "warned", "put the toll at", …) with the noun phrase before it, the
inverted form after a quotation (``…," said Dr Elena Marsh``), and "according to X".

Pronouns and titles ("he", "she", "the agency", "the association") are resolved against
the sources and organisations named earlier in the article by :class:`SourceContext`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

#: Verbs (and verb phrases) that attribute what follows or precedes them to a source.
REPORTING_VERBS = (
    "put the civilian death toll at", "put the death toll at", "put the toll at",
    "put the number at", "put the figure at", "puts the toll at", "put the cost at",
    "said", "says", "say", "told", "tells", "confirmed", "confirms", "warned", "warns",
    "announced", "announces", "estimated", "estimates", "estimate", "reported", "reports",
    "claimed", "claims", "claim", "stated", "states", "added", "noted", "insisted", "argued",
    "cautioned", "disputed", "found", "finds", "showed", "shows", "show", "counted",
    "revealed", "acknowledged", "admitted", "denied", "predicted", "projected", "calculated",
    "believes", "believe", "suggest", "suggests", "wrote", "writes", "testified", "declared",
    "explained", "pointed out", "conceded", "recorded", "registered", "forecast",
)
_VERB_WORDS = frozenset(v.split()[0] for v in REPORTING_VERBS) | {"according"}
_WORD = re.compile(r"[a-z]+")
_VERB_RE = "|".join(re.escape(v) for v in sorted(REPORTING_VERBS, key=len, reverse=True))
# Subject + reporting verb: the subject is found by walking back from the verb.
_SUBJECT_VERB = re.compile(rf"\b(?P<verb>{_VERB_RE})\b", re.IGNORECASE)
_AUX_ENDINGS = ("has", "have", "had", "also", "later", "then", "previously", "separately",
                "earlier", "finally", "again", "publicly", "repeatedly", "officially")
_TRAILING_AUX = re.compile(r"(?:\s+(?:" + "|".join(_AUX_ENDINGS) + r"))+$", re.IGNORECASE)
# "…,” said Dr Elena Marsh, the agency's head …" / "…, says the ministry."
_VERB_SUBJECT = re.compile(
    r"[,”\"’]\s*[”\"’]?\s*(?P<verb>said|says|added|warned|claimed|wrote|according\s+to)\s+"
    r"(?P<np>(?:the\s+|a\s+|an\s+)?[A-Z][\w.'’\-]*(?:\s+(?:[A-Z][\w.'’\-]*|of|the|for|and|de|van|von|al))*"
    r"|(?:the|a|an)\s+[a-z][\w'’\-]*(?:\s+[a-z][\w'’\-]*){0,4}?)"
    r"(?=\s*(?:[,.;:!?—–(]|$|\s+(?:on|in|at|who|when|after|before|during|last|this|yesterday)\b))",
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<np>[^,.;:!?—–()“”\"]{2,120})", re.IGNORECASE
)
_ORG_HEAD = re.compile(r"(?:Office|Ministry|Agency|Service|Association|Authority|Council|"
                       r"Committee|Department|Administration|Commission|Institute|University|"
                       r"Organi[sz]ation|Bureau|Union|Fund|Court|Board)\b")
_TITLE_HEAD = re.compile(r"(?:inister|ecretary|eader|hief|resident|pokes|ouncillor|irector|"
                         r"conomist|xecutive|rofessor|hair|Dr|Mr|Mrs|Ms)\b")
#: An organisation named in full ("the National Health Agency"): capitalised words and a head.
_NAMED_ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w'’\-]*\s+){0,4}(?:" + "|".join(w.capitalize() for w in (
        "office", "ministry", "agency", "service", "association", "authority",
        "council", "committee", "department", "administration", "commission",
        "institute", "university", "organization", "organisation", "bureau", "union",
        "fund", "court", "board")) + r")\b")
_TITLED_PERSON = re.compile(
    r"\b(?:[Mm]inister|[Ss]ecretary|[Ll]eader|[Cc]hief|[Pp]resident|[Ss]pokes\w+|[Cc]ouncillor|"
    r"[Dd]irector|[Ee]conomist|[Ee]xecutive|[Pp]rofessor|[Cc]hair\w*|Dr|Mr|Mrs|Ms),?\s+"
    r"((?:[A-Z][\w'’\-]+)(?:\s+[A-Z][\w'’\-]+)+)")
_MEDIUM = re.compile(
    r"(?:\s+to)?\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|May|June|July|August|September|October|November|December|"
    r"Parliament|Congress|MPs|reporters)\b)((?:[A-Z][\w.&]*\s+)*[A-Z][\w.&]*)(?=[\s,.])")
_NP_TOKEN = re.compile(r"[\w'’.\-&]+")

#: Words that end a subject when walking back from the verb.
_CLAUSE_WORDS = frozenset(
    """that which who whom whose and but while whereas as when because if although though
    since after before so yet or nor than where until unless whether also""".split()
)
_DETERMINERS = frozenset("the a an this that these those its their his her our".split())
_PRONOUNS = frozenset("""he she they it we i you who which this that there one i'd i'm i've
    i'll we'd we've we'll we're you'd you've you're i’d i’m i’ve we’ve""".split())
_NOT_SUBJECT = frozenset(
    """is are was were be been being has have had do does did will would could should may
    might can must not no it's there here what how why """.split()
)
_PLURAL_NAME = re.compile(r"[A-Z][a-z]+[^s]s")
_ENDS_WITH_AND = re.compile(r"(?:^|[\s,])and$")
_PIECES = re.compile(r"\s*[,;:()—–“”\"]\s*")
_POSSESSIVE = re.compile(r"['’]s?$")
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")
#: Nouns that stand for the organisation last named ("the group said").
_GENERIC_ORGANISATIONS = frozenset(
    "organization organisation group company firm body charity institution".split())
#: Adverbs that end a subject found by walking back ("but Early still says").
_ADVERBS = frozenset("still also now even however then again already later too".split())
#: Head words of organisations (used to tell them from people, and to resolve titles).
ORG_WORDS = frozenset(
    """office ministry agency service services association authority authorities government
    council committee department administration company union bank court police army military
    university institute commission organization organisation fund group groups officials
    agencies board bureau centre center party parliament congress senate assembly federation
    league foundation trust network forces command navy coalition alliance report survey
    study data figures analysis census poll inquiry review paper statement website newspaper
    agency's insurers scientists researchers experts economists analysts hospital hospitals
    firm firms industry unicef who nato un eu imf opposition international watch charity
    campaigners critics unions""".split()
)
_PERSON_TITLES = frozenset(
    """president minister leader chief dr mr mrs ms prof professor spokesperson spokesman
    spokeswoman official ambassador councillor senator governor mayor secretary chancellor
    director head chair chairman chairwoman commissioner general colonel captain sergeant
    judge representative rep sen gov king queen prince premier candidate adviser advisor""".split()
)
#: Nouns for documents that speak for whoever published them ("the report found").
_DOCUMENTS = frozenset(
    """report survey study data figures analysis statistics census poll review estimate
    evaluation audit""".split()
)
_TIME_WORDS = frozenset(
    """on in at last this next yesterday today tonight monday tuesday wednesday thursday friday
    saturday sunday week weekend month year morning evening night afternoon earlier later""".split()
)


@dataclass(frozen=True)
class Attribution:
    """A source found in a text: its name as it should be recorded and the cue that named it."""

    source: str
    cue: str
    start: int = 0
    end: int = 0
    resolved_from: str = ""  # the pronoun or title that was resolved ("he", "the agency")
    document: str = ""  # "report" when the text said "a report … by <source>"
    medium: str = ""  # "CBS News" in "confirmed to CBS News"

    def with_source(self, source: str, resolved_from: str = "") -> Attribution:
        """The same attribution naming ``source`` (with its medium, if any)."""
        if self.medium:
            source = f"{source} (via {self.medium})"
        return Attribution(source, self.cue, self.start, self.end, resolved_from,
                           self.document)


#: How many recent people (and, separately, organisations) a context remembers.
_CONTEXT_SIZE = 20


@dataclass
class SourceContext:
    """Sources and organisations named so far in an article, for pronouns and titles."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)

    def remember(self, name: str, document: str = "") -> None:
        """Note a source named in the text (most recent last), and the document it issued."""
        name = _clean(name)
        if not name:
            return
        target = self.organisations if is_organisation(name) else self.people
        if name in target:
            target.remove(name)
        target.append(name)
        if len(target) > _CONTEXT_SIZE:
            del target[0]  # pronouns and titles point back a few sentences, not a book
        if document:
            self.documents[document] = name

    def full_name(self, name: str) -> str:
        """"Berger" → "Thomas Berger" when that person was named in full before."""
        if " " in name or not name[:1].isupper():
            return name
        for person in reversed(self.people):
            last = person.split()[-1]
            if last == name or (len(name) > 5 and fuzz.ratio(last, name) >= 85):
                return person
        return name

    def remember_mentions(self, text: str) -> None:
        """Note organisations named anywhere in a sentence ("by the National Health Agency")."""
        if not _ORG_HEAD.search(text) and not _TITLE_HEAD.search(text):
            return  # (a quick test first: most sentences name nobody new)
        for match in _NAMED_ORGANISATION.finditer(text):
            if len(match.group(0).split()) >= 2:
                self.remember(match.group(0))
        for match in _TITLED_PERSON.finditer(text):
            self.remember(match.group(1))  # "The transport minister, Helen Marsh, urged …"

    def resolve(self, phrase: str) -> str | None:
        """The earlier source a pronoun or title ("she", "the agency") stands for, if clear."""
        words = phrase.lower().split()
        if not words:
            return None
        if words == ["he"] or words == ["she"]:
            return self.people[-1] if self.people else None
        if words in (["it"], ["they"]):
            return self.organisations[-1] if self.organisations else None
        head = _POSSESSIVE.sub("", words[-1])
        if head in self.documents and words[0] in ("the", "this", "that", "its"):
            return self.documents[head]
        if words[0] in ("the", "its", "this") and len(words) <= 3:
            for name in reversed(self.organisations + self.people):
                name_words = name.lower().split()
                if head in (_POSSESSIVE.sub("", w) for w in name_words) and (
                        len(name_words) > len(words) - 1):
                    return name
            if head in _GENERIC_ORGANISATIONS and self.organisations:
                return self.organisations[-1]  # "the organization" → "Amnesty International"
        return None


@lru_cache(maxsize=4096)
def is_organisation(name: str) -> bool:
    """True when a source's name looks like an institution rather than a person."""
    words = name.split()
    if any(_kind_word(w, ORG_WORDS) for w in words):
        return True
    if any(_kind_word(w.strip("."), _PERSON_TITLES) for w in words):
        return False
    if len(words) == 1 and _PLURAL_NAME.fullmatch(name):
        return True  # "Supermarkets", "Unions": a group, not a person
    capitals = [w for w in name.split() if w[:1].isupper()]
    return not (len(capitals) >= 2 or len(words) == 1 and name[:1].isupper() and
                not name.isupper())


def find_attribution(text: str, context: SourceContext | None = None, *,
                     words: Iterable[str] | None = None) -> Attribution | None:
    """The source that ``text`` (a sentence or clause) attributes its statement to, if any.

    ``words``, the text's lower-cased words when the caller has them, saves a tokenisation.
    """
    if _VERB_WORDS.isdisjoint(_WORD.findall(text.lower()) if words is None else words):
        return None  # no reporting verb at all (a set lookup is faster than the patterns)
    found = _according_to(text) or _verb_subject(text) or _subject_verb(text)
    if found is None:
        return None
    return _resolved(found, context)


def _resolved(found: Attribution, context: SourceContext | None) -> Attribution | None:
    words = found.source.lower().split()
    if len(words) == 1 and found.source.isupper() and len(found.source) > 1:
        return found.with_source(found.source)  # "WHO", "UN": an acronym, not a pronoun
    pronoun_or_title = (len(words) == 1 and words[0] in _PRONOUNS) or (
        words and words[0] in ("the", "its", "this") and len(words) <= 3)
    if context is not None and pronoun_or_title:
        name = context.resolve(found.source)
        if name:
            return found.with_source(name, found.source)
    if len(words) == 1 and words[0] in _PRONOUNS:
        return None  # an unresolved pronoun names nobody
    source = _clean(found.source)
    if context is not None:
        full = context.full_name(source)
        if full != source:
            return found.with_source(full, source)
    return found.with_source(source)


def _according_to(text: str) -> Attribution | None:
    match = _ACCORDING.search(text)
    if not match:
        return None
    phrase = match.group("np").strip()
    document = ""
    by = re.search(r"\bby\s+(?:the\s+)?([^,;]+)$", phrase)
    if by:
        head = re.match(r"(?:an?|the)\s+(\w+)", phrase)
        document = head.group(1).lower() if head and head.group(1).lower() in _DOCUMENTS else ""
        phrase = by.group(1)
    phrase = re.split(r"\s+(?:on|in|at|last|this|published|released|which|who)\s+", phrase)[0]
    words = phrase.split()
    if not words or len(words) > 10:
        return None
    return Attribution(phrase.strip(), "according to", match.start(), match.end(),
                       document=document)


def _verb_subject(text: str) -> Attribution | None:
    match = _VERB_SUBJECT.search(text)
    if not match:
        return None
    verb = re.sub(r"\s+", " ", match.group("verb").lower())
    return Attribution(match.group("np").strip(), verb, match.start("verb"), match.end())


def _subject_verb(text: str) -> Attribution | None:
    for match in _SUBJECT_VERB.finditer(text):
        if match.start() > 0 and match.group("verb")[:1].isupper():
            continue  # "the United States official", "Consumer Reports": a name
        verb = match.group("verb").lower()
        subject = _subject_before(text, match.start())
        if subject:
            medium = _MEDIUM.match(text, match.end())
            via = ""
            if medium and (verb == "told" or verb in ("confirmed", "said", "stated",
                                                        "admitted") and
                           text[match.end():medium.start(1)].strip() == "to"):
                via = medium.group(1)  # "confirmed to CBS News"
            return Attribution(subject, verb, match.start(), match.end(), medium=via)
    return None


def _subject_before(text: str, end: int) -> str | None:
    """The noun phrase that ends just before ``end`` (a reporting verb), if it is a subject."""
    chunk = _TRAILING_PARENTHESIS.sub("", text[:end].rstrip(" ,")).rstrip(" ,")
    if chunk.endswith(_AUX_ENDINGS):
        chunk = _TRAILING_AUX.sub("", chunk).rstrip(" ,")  # "… has warned", "… finally said"
    if _ENDS_WITH_AND.search(chunk):
        # "Derek Hollis called the vote “reckless” and said …": the sentence's subject.
        return _leading_subject(text)
    pieces = _PIECES.split(chunk)
    # Skip appositions and inserted time phrases: "The finance committee’s report, published
    # last week, found …" → "The finance committee’s report".
    while pieces:
        piece = pieces.pop().strip()
        if not piece:
            if pieces and chunk.endswith(("”", '"', "’")):
                continue  # after a closing quote: '…,” she said'
            return None
        first = piece.split()[0].lower()
        if pieces and (first.endswith("ed") and piece[:1].islower() or first in _TIME_WORDS
                       and piece[:1].islower() or first in ("who", "which", "whose")
                       or first in ("a", "an", "another") and piece[:1].islower()):
            continue  # an inserted phrase: "…, which represents the train companies, said"
        if pieces and _kind_word(first, _PERSON_TITLES) and piece[:1].islower():
            name = _subject_phrase(pieces[-1])  # "Jack Buser, director for games at Google,"
            if name and len(name.split()) >= 2 and all(w[:1].isupper() for w in name.split()):
                return name
        return _subject_phrase(piece)
    return None


def _leading_subject(text: str) -> str | None:
    """The name a sentence opens with ("Opposition councillor Derek Hollis …")."""
    words: list[str] = []
    for token in _NP_TOKEN.findall(text):
        low = token.lower()
        if token[:1].isupper() or low in _PERSON_TITLES or low in ORG_WORDS or (
                words and low in ("of", "for", "at", "the")):
            words.append(token)
        else:
            break
    while words and words[-1].lower() in ("of", "for", "at", "the"):
        words.pop()
    return _subject_phrase(" ".join(words)) if words else None


def _subject_phrase(piece: str) -> str | None:
    tokens = _NP_TOKEN.findall(piece)
    words: list[str] = []
    for token in reversed(tokens):
        low = token.lower()
        if low in _CLAUSE_WORDS or low in _NOT_SUBJECT:
            break
        words.append(token)
        if len(words) >= 9:
            break
    words.reverse()
    while words and (words[-1].lower().endswith("ly") and words[-1][:1].islower()
                     or words[-1].lower() in _TIME_WORDS or words[-1] in _ADVERBS):
        words.pop()  # "Russia finally", "Zelenskyy Thursday"
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return words[0].lower()
    if len(words) >= 2 and re.search(r"['’]s?$", words[-2]) and words[-1].lower() in _DOCUMENTS:
        words = words[:-1]  # "the authority's data" → "the authority"
        words[-1] = re.sub(r"['’]s?$", "", words[-1])
    if not any(w[:1].isupper() and w.lower() not in _DETERMINERS or _kind_word(w, ORG_WORDS)
               or _kind_word(w, _PERSON_TITLES) for w in words):
        return None  # "the money would pay": no name, no institution
    return " ".join(words)


@lru_cache(maxsize=8192)
def _kind_word(word: str, kind: frozenset[str]) -> bool:
    """True when ``word`` (possibly plural or possessive) is one of ``kind``."""
    low = _POSSESSIVE.sub("", word.lower())
    return low in kind or (low.endswith("s") and low[:-1] in kind)


def _clean(source: str) -> str:
    """A source as an editor would type it: no leading article, no trailing punctuation."""
    words = source.strip(" ,.;:").split()
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    while words and words[0].lower() in ("but", "and", "so", "yet", "then", "already"):
        words.pop(0)
    return " ".join(words)
