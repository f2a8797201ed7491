"""Term and the role of each duration: read each duration by the words around it.

In 'shall continue for one (1) year and thereafter renew automatically for successive one (1)
year periods unless either party gives at least thirty (30) days prior written notice', the
same sentence holds the initial term, the renewal term and the notice period; the words
before and after each duration ('for', 'successive', 'at least ... prior') say which is which
(`classify`). The renewal term is extraction/rules/renewal.py, the notice to stop a renewal
extraction/rules/notice.py, when the agreement ends (`expiration_date`) extraction/rules/expiry.py.
"""

from __future__ import annotations

import re

from extraction.document import Document, Ent, Sentence
from extraction.normalize import parse_duration
from extraction.rules.expiry import OTHER_DEFINITION, RUNS_ON, states_own_term
from extraction.rules.expiry import expiration_date as expiration_date
from extraction.schema import Field

_NOTICE_AFTER = re.compile(
    r"^\s*(?:[’']s?\s*)?(?:\)\s*)?(?:prior|advance|written|notice|before|in\s+advance|previous|"
    r"or\s+more\s+(?:prior|before)|notification|ahead)",
    re.IGNORECASE,
)


_NOTICE_BEFORE = re.compile(
    r"(?:at\s+least|not\s+less\s+than|no\s+less\s+than|minimum\s+of|no\s+later\s+than|"
    r"notice\s+(?:period\s+)?of|notice\s+to\s+the\s+other|upon|giving|within|by\s+giving|"
    r"notice\b[^:.;]{0,60}:|"
    r"with|on)\s*(?:the\s+)?(?:following\s+written\s+notice[^:]*:\s*)?$",
    re.IGNORECASE,
)


_RENEWAL_BEFORE = re.compile(
    r"(?:successive|additional|further|renewal\s+(?:term|period)s?\s+of|renew(?:ed|s|al)?\s+for"
    r"(?:\s+an?\s+(?:further|additional|successive|renewal)?\s*(?:period|term)s?\s+of)?|"
    r"extended\s+(?:for|by)(?:\s+an?\s+(?:further|additional)?\s*(?:period|term)\s+of)?|"
    r"(?:period|term)s?\s+(?:each\s+)?(?:of|equal\s+to)|each|subsequent(?:\s+periods\s+of)?|consecutive|being\s+for|"
    r"(?:renewal|extension)\s+of|(?:renew(?:ed|s|al|ing)?|extend(?:ed|s)?|prolonged)\s+"
    r"(?:\w+\s+){1,3}?(?:for|by)(?:\s+an?)?(?:\s+(?:further|additional|successive|consecutive|"
    r"renewal)?\s*(?:period|term)s?\s+of)?)\s*(?:(?:an?|another)\b\s*)?$",
    re.IGNORECASE,
)


_RENEWAL_AFTER = re.compile(r"^\s*(?:basis|(?:term\s+)?(?:extensions?|renewals?))\b", re.IGNORECASE)


_RENEWAL_WORDS = re.compile(
    r"renew|successive|additional|further|extend|extension|subsequent|thereafter|consecutive|"
    r"prolong",
    re.IGNORECASE,
)


_AFTER_END = re.compile(
    r"^\s*(?:after|following|from)\s+(?:its|the|such)\s+(?:termination|expiry|expiration)",
    re.IGNORECASE,
)


_TERM_BEFORE = re.compile(
    r"(?:for|of|be|is|until|through|duration\s+of|term\s+of|period\s+of|additional|"
    r"maintain\s+the\s+\w+\s+for\s+an\s+additional)\s*(?:(?:an?|the)\b\s*)?"
    r"(?:(?:initial|primary|minimum|fixed|entire|full)\b\s*)?(?:(?:term|period)\s+of\s+)?(?:an?\b\s*)?$",
    re.IGNORECASE,
)


# 'ending two (2) years thereafter', 'shall terminate on the date three (3) years from the
# Effective Date', 'expires in five (5) years from the date of Effective Date': the term
# stated as a distance from the start.
_END_VERB = re.compile(
    r"(?:end\w*|terminat\w*|expir\w*)(?:\s+(?:on\s+(?:the\s+)?(?:date|day)(?:\s+that\s+is)?|in|"
    r"at\s+the\s+end\s+of))?\s*$",
    re.IGNORECASE,
)


# 'shall remain in effect until the later to occur of the date that is (x) three (3) years from
# the date hereof and (y) ...', 'expire on the later of (i) five (5) years from the date hereof,
# or (ii) ...': the count from the start is the end the term states (the other limb is an event),
# as 'the later of (i) the third anniversary' is (extraction/rules/expiry.py).
_FIRST_OF = re.compile(
    r"(?:until|on|upon|at|end\w*|expir\w*|terminat\w*)\s+(?:the\s+)?(?:later|earlier|first|earliest|latest)"
    r"(?:\s+to\s+occur)?\s+of\s*:?\s*(?:the\s+(?:date|day)\s+(?:that|which)\s+is\s*)?"
    r"(?:\(\s*(?:[a-h]|[ivx]{1,4}|\d)\s*\)\s*)?(?:the\s+(?:date|day)\s+(?:that|which)\s+is\s*)?$",
    re.IGNORECASE,
)


_FROM_START = re.compile(
    r"^\s*(?:thereafter|therefrom|(?:from|after|following)\s+(?:the\s+)?(?:effective\s+date|"
    r"commencement\s+date|date\s+(?:hereof|of\s+(?:the\s+)?(?:effective\s+date|this\s+agreement|"
    r"(?:its\s+)?execution|signature))|execution|signing))",
    re.IGNORECASE,
)


# '... for a period of twelve (12) months (the "Initial Term")', '... five (5) years thereafter
# ("Initial Term")': named as the initial term.
_INITIAL_NAMED = re.compile(
    r"^\s*(?:thereafter\s*)?\(\s*(?:the\s+|this\s+)?[“\"'‘]*(?:initial|original|primary)\s+(?:term|period)\b",
    re.IGNORECASE,
)


# A duration that runs after the agreement ends or from some other event is not its term:
# 'during the Term and for a period of three (3) years thereafter' (a covenant that
# survives), 'for 10 years after the last shipment'.
_NOT_OWN_DURATION = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:thereafter|after\s+(?:the\s+)?(?:termination|expiration|expiry|end|last)|"
    r"(?:following|from)\s+(?:the\s+)?(?:date\s+of\s+)?(?:any\s+)?(?:termination|expiration|expiry))",
    re.IGNORECASE,
)


_DURING_TERM = re.compile(
    r"during\s+the\s+(?:initial\s+)?term\b|surviv|after\s+(?:the\s+)?(?:termination|expiration)",
    re.IGNORECASE,
)


# 'The Contract Term shall extend for a period of fifty (50) years': the term itself.
_TERM_EXTENDS = re.compile(
    r"\b(?:term|agreement)\s+(?:shall|will)\s+extend\s+for\s+(?:a\s+)?(?:period|term)\s+of\s*$",
    re.IGNORECASE,
)
_PERIOD_FROM_START = re.compile(
    r"^\s*period\s+(?:commencing|beginning|starting)\s+(?:on|from|with|as\s+of)\s+(?:the\s+)?"
    r"(?:effective|commencement)\s+date",
    re.IGNORECASE,
)
_OF_MONTH = re.compile(
    r"^\s*of\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)


_RENEWAL_ONLY = re.compile(r"renew|successive|additional|further|subsequent|consecutive", re.I)


# 'extend the term ... for the period set forth in such notice, up to a maximum of one (1)
# year': the most a party may extend by is the renewal's length.
_EXTEND_UP_TO = re.compile(
    r"\b(?:renew|extend)\w*\b[^.;]{0,120}?\bup\s+to(?:\s+a\s+maximum\s+of)?\s*$", re.I
)
# 'a single term of five (5) years immediately following the expiration of the initial term':
# a period that starts when the initial term ends is a renewal.
_AFTER_INITIAL = re.compile(
    r"^\s*(?:\w+\s+)?(?:immediately\s+)?(?:following|after)\s+the\s+(?:expiration|expiry|end)\s+"
    r"of\s+the\s+(?:initial|original)\s+term\b",
    re.I,
)


_TERM_SENTENCE = re.compile(
    r"\b(?:term|agreement|contract|shall\s+continue|remain\s+in|in\s+effect|duration|"
    r"maintenance|initial\s+period|expire)",
    re.IGNORECASE,
)


def classify(doc: Document, sentence: Sentence, ent: Ent) -> str:
    """'notice', 'renewal', 'term' or 'other' for one DURATION entity in its sentence."""
    text = doc.pages[sentence.page - 1]
    before = " ".join(text[max(sentence.start, ent.start - 70) : ent.start].split())
    after = " ".join(text[ent.end : min(sentence.end, ent.end + 40)].split())
    if re.search(
        r"month[\s-]+to[\s-]+month|year[\s-]+to[\s-]+year|^(?:monthly|quarterly|annual|yearly)\s",
        ent.text,
        re.IGNORECASE,
    ):
        return "renewal"
    if re.match(r"\s*to\s+(?:year|month)\b", after, re.IGNORECASE):  # '(a) year to year'
        return "renewal"
    if _NOTICE_AFTER.search(after) or re.search(r"notice\s+of\s*$", before, re.IGNORECASE):
        return "notice"
    if _AFTER_END.search(after) or re.search(r"within(?:\s+a\s+period\s+of)?\s*$", before, re.I):
        return "other"
    if _OF_MONTH.search(after):  # 'this 30 day of June 2016' is a date, not a duration
        return "other"
    wide_after = " ".join(text[ent.end : min(sentence.end, ent.end + 90)].split())
    if _AFTER_INITIAL.search(wide_after) or _EXTEND_UP_TO.search(
        " ".join(text[sentence.start : ent.start].split())
    ):
        return "renewal"
    if (
        _INITIAL_NAMED.search(after)
        or ((_END_VERB.search(before) or _FIRST_OF.search(before)) and _FROM_START.search(after))
        or re.search(r"\b(?:initial|original|primary)\s+(?:term|period)\s+of\s*$", before, re.I)
        or _TERM_EXTENDS.search(before)
        # '... terminate at the end of the Exclusivity Period (i.e., a three (3) year period
        # commencing on the Effective Date)': in the term sentence, the term from its start
        or (_PERIOD_FROM_START.search(after) and states_own_term(sentence.flat))
        # 'shall commence on the Effective Date and continue thereafter for a period of two (2)
        # years': the term from its start, though 'thereafter' is a renewal word
        or (RUNS_ON.search(before) and not _RENEWAL_ONLY.search(before))
    ):
        return "term"
    if (_RENEWAL_BEFORE.search(before) and _RENEWAL_WORDS.search(before[-45:])) or (
        re.search(r"^\s*(?:renewal\s+)?(?:terms|periods)\b", after, re.IGNORECASE)
        and re.search(r"successive|additional|further|renew", before, re.IGNORECASE)
    ):
        return "renewal"
    # 'renewed automatically on a five (5) year basis', 'automatic 2 year term extensions'
    if _RENEWAL_AFTER.search(after) and re.search(r"renew|extend|automatic", before, re.I):
        return "renewal"
    if _NOTICE_BEFORE.search(before) and re.search(r"notice|notif", sentence.text, re.IGNORECASE):
        return "notice"
    if _TERM_BEFORE.search(before):
        return "term"
    return "other"


def duration_field(doc: Document, name: str, sentence: Sentence, ent: Ent, conf: float) -> Field:
    parsed = parse_duration(ent.text)
    return doc.make_field(sentence, name, parsed, span=(ent.start, ent.end), confidence=conf)


def initial_term(doc: Document) -> Field | None:
    """The first fixed period the agreement runs for ('a term of three (3) years')."""
    best: tuple[float, int, Field] | None = None
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        if not _TERM_SENTENCE.search(sentence.text):
            continue
        own = states_own_term(sentence.flat)
        if not own and _NOT_TERM.search(sentence.flat):
            continue
        if OTHER_DEFINITION.search(sentence.flat) or _DURING_TERM.search(sentence.flat):
            continue
        text = doc.pages[sentence.page - 1]
        for ent in sentence.of("DURATION"):
            parsed = parse_duration(ent.text)
            if not parsed or parsed["unit"] not in ("day", "week", "month", "year"):
                continue
            if classify(doc, sentence, ent) != "term":
                continue
            after = text[ent.end : min(sentence.end, ent.end + 60)]
            before = " ".join(text[max(sentence.start, ent.start - 70) : ent.start].split())
            if (
                _NOT_OWN_DURATION.search(after)
                and not _END_VERB.search(before)
                and not (own and RUNS_ON.search(before))
            ):
                continue
            score = 0.85 if own else 0.6
            if best is None or score > best[0]:
                best = (
                    score,
                    sentence.index,
                    duration_field(doc, "initial_term", sentence, ent, score),
                )
            break
    return best[2] if best else None


_NOT_TERM = re.compile(r"\b(?:notice|warrant|confidential|surviv|payment|invoice|insurance)", re.I)
