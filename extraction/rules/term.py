"""Term, expiry, renewal and notice: read each duration by the words around it.

In 'shall continue for one (1) year and thereafter renew automatically for successive one (1)
year periods unless either party gives at least thirty (30) days prior written notice', the
same sentence holds the initial term, the renewal term and the notice period; the words
before and after each duration ('for', 'successive', 'at least ... prior') say which is which.
"""

from __future__ import annotations

import re
from datetime import date

from extraction.document import Document, Ent, Sentence
from extraction.normalize import add_duration, parse_date, parse_duration
from extraction.rules.dates import _before, _date_field, _dates
from extraction.schema import Field

_NOTICE_AFTER = re.compile(
    r"^\s*(?:[’']s?\s*)?(?:\)\s*)?(?:prior|advance|written|notice|before|in\s+advance|previous|"
    r"or\s+more\s+(?:prior|before)|notification|ahead)",
    re.IGNORECASE,
)
_NOTICE_BEFORE = re.compile(
    r"(?:at\s+least|not\s+less\s+than|no\s+less\s+than|minimum\s+of|no\s+later\s+than|"
    r"notice\s+(?:period\s+)?of|notice\s+to\s+the\s+other|upon|giving|within|by\s+giving|"
    r"with|on)\s*(?:the\s+)?(?:following\s+written\s+notice[^:]*:\s*)?$",
    re.IGNORECASE,
)
_RENEWAL_BEFORE = re.compile(
    r"(?:successive|additional|further|renewal\s+(?:term|period)s?\s+of|renew(?:ed|s|al)?\s+for"
    r"(?:\s+an?\s+(?:further|additional|successive|renewal)?\s*(?:period|term)s?\s+of)?|"
    r"extended\s+(?:for|by)(?:\s+an?\s+(?:further|additional)?\s*(?:period|term)\s+of)?|"
    r"(?:period|term)s?\s+(?:each\s+)?of|each|subsequent\s+periods\s+of|consecutive|being\s+for|"
    r"(?:renewal|extension)\s+of|(?:renew(?:ed|s|al|ing)?|extend(?:ed|s)?|prolonged)\s+"
    r"(?:\w+\s+){1,3}?(?:for|by)(?:\s+an?)?(?:\s+(?:further|additional|successive|consecutive|"
    r"renewal)?\s*(?:period|term)s?\s+of)?)\s*(?:(?:an?|another)\b\s*)?$",
    re.IGNORECASE,
)
_RENEWAL_WORDS = re.compile(
    r"renew|successive|additional|further|extend|extension|subsequent|thereafter|consecutive|"
    r"prolong",
    re.IGNORECASE,
)
# 'renew automatically each year', 'renewing annually thereafter': a one-year renewal.
_YEARLY = re.compile(
    r"(?:renew\w*|extend\w*)\s+(?:\w+\s+){0,2}?(?:annually|each\s+year|every\s+year|yearly|"
    r"for\s+(?:another|a\s+further|an\s+additional)\s+year)\b",
    re.IGNORECASE,
)
# 'for successive terms of the same duration', 'equal to the Initial Term': the initial term.
_SAME_AS_INITIAL = re.compile(
    r"(?:successive|additional|further|renewal)\s+(?:terms?|periods?)\s+(?:each\s+)?(?:of\s+)?"
    r"(?:the\s+same\s+(?:duration|length)|(?:equal|identical)\s+(?:in\s+(?:duration|length)\s+)?"
    r"to\s+the\s+(?:initial|original)\s+(?:term|period))",
    re.IGNORECASE,
)
_AFTER_END = re.compile(
    r"^\s*(?:after|following|from)\s+(?:its|the|such)\s+(?:termination|expiry|expiration)",
    re.IGNORECASE,
)
_TERM_BEFORE = re.compile(
    r"(?:for|of|be|is|until|through|duration\s+of|term\s+of|period\s+of|additional|"
    r"maintain\s+the\s+\w+\s+for\s+an\s+additional)\s*(?:an?\s+|the\s+)?"
    r"(?:(?:initial|primary|minimum|fixed)\s+)?(?:(?:term|period)\s+of\s+)?(?:an?\s+)?$",
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
_FROM_START = re.compile(
    r"^\s*(?:thereafter|(?:from|after|following)\s+(?:the\s+)?(?:effective\s+date|"
    r"commencement\s+date|date\s+(?:hereof|of\s+(?:the\s+)?(?:effective\s+date|this\s+agreement|"
    r"(?:its\s+)?execution|signature))|execution|signing))",
    re.IGNORECASE,
)
# '... for a period of twelve (12) months (the "Initial Term")': named as the initial term.
_INITIAL_NAMED = re.compile(
    r"^\s*\(\s*(?:the\s+|this\s+)?[“\"'‘]*(?:initial|original|primary)\s+(?:term|period)\b",
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
# A definition of some other term ('"Calendar Quarter" means ... ending on March 31'):
# its dates and durations are not the agreement's.
_OTHER_DEFINITION = re.compile(
    r"^(?:[\d.()a-z]{1,8}\s+)?[“\"'‘](?![^”\"'’]{0,30}\b(?:term|period|expiration\s+date|"
    r"termination\s+date|end\s+date)\b)[^”\"'’]{2,50}[”\"'’]\s*(?:shall\s+mean|means|shall\s+have)",
    re.IGNORECASE,
)
# After the stated duration: the start it runs from, when that is some event ('ten (10)
# years from the Launch', 'two years following the first date of public availability').
_FROM_EVENT = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:from|after|following)\s+(?!(?:the\s+)?(?:effective\s+date|"
    r"commencement\s+date|date\s+(?:hereof|of\s+(?:the\s+)?(?:effective|this|execution|its|signature)|"
    r"first|on\s+which\s+this)|execution|signing|(?:its|the)\s+(?:execution|signature)|"
    r"such\s+date|that\s+date))",
    re.IGNORECASE,
)
_OF_MONTH = re.compile(
    r"^\s*of\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_TERM_SENTENCE = re.compile(
    r"\b(?:term|agreement|contract|shall\s+continue|remain\s+in|in\s+effect|duration|"
    r"maintenance|initial\s+period|expire)",
    re.IGNORECASE,
)
_PERPETUAL = re.compile(
    # 'continues in perpetuity', 'remain in force for perpetuity', 'valid for an indefinite term'
    r"(?:continu\w*|remain\w*|valid|effect|force)\s+(?:\w+\s+){0,3}?(?:in|for)\s+(?:perpetuity|"
    r"an?\s+(?:indefinite|unlimited)\s+(?:term|period|duration))|"
    r"(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"(?:indefinitely|in\s+perpetuity|perpetually|until\s+(?:it\s+is\s+)?terminat|"
    r"unless\s+and\s+until|until\s+(?:either|one\s+of\s+the|the)\s+part(?:y|ies)\s+"
    r"(?:gives|terminat))"
    r"|shall\s+be\s+perpetual|no\s+fixed\s+term",
    re.IGNORECASE,
)
# A term that ends on an event, not on a date ("until the earlier of (i) the Owner no
# longer owns ... and (ii) notice", "ending on the expiration of all Service Attachments"):
# no calendar end, so 'perpetual' when the sentence states no date and no duration.
_EVENT_END = re.compile(
    r"(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"until\s+the\s+(?:earlier|later|first)\s+(?:to\s+occur\s+)?of"
    r"|end(?:ing|s)?\s+(?:on|upon|with)\s+the\s+(?:expiration|termination)\s+(?:and/or|or|and)\s+"
    r"(?:termination|expiration)\s+of\s+(?:all|the\s+last|each)"
    # 'shall continue in effect thereafter until terminated', 'shall continue until the
    # expiration of the Royalty Term' (not 'of this Agreement's Term'), 'until the termination
    # of the Strategic Alliance Agreement': an end on an event, not a date.
    r"|(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"(?:\w+\s+){0,4}?until\s+(?:(?:it\s+is\s+|so\s+)?terminated\b|the\s+(?:expiration|termination|"
    r"expiry)(?:\s+or\s+(?:earlier\s+)?termination)?\s+of\s+(?!(?:the|this)\s+(?:initial\s+)?"
    r"(?:term|agreement)\b))|\bend\s+when\s+terminated\b",
    re.IGNORECASE,
)
_END_BEFORE = re.compile(
    r"(?:terminat\w*|expir\w*|end(?:s|ing)?|continu\w*|remain\w*\s+in\s+(?:full\s+force\s+and\s+)?"
    r"effect|in\s+effect|conclud\w*|through|up\s+to\s+and\s+including|until|termination\s+date\s*:?"
    r"|expiration\s+date\s*:?|end\s+date\s*:|valid\s+until)\s*(?:on|until|through|at|as\s+of)?\s*"
    r"(?:the\s+(?:earlier|later|first)\s+(?:to\s+occur\s+)?of\s*:?\s*(?:\(\w{1,4}\)\s*)?)?(?:the\s*)?$"
    r"|\bfrom\s+[^.;]{4,40}?\s+(?:to|through|till)\s*(?:and\s+including\s+)?$"
    # 'TERM: November 01, 2014 to October 31, 2017'
    r"|\b(?:19|20)\d\d\s*(?:to|through|until|-|–)\s*$",
    re.IGNORECASE,
)
_OWN_TERM = re.compile(
    r"(?:term\s+of\s+(?:this|the)\s+(?:agreement|contract)|(?:this|the)\s+(?:agreement|contract)"
    r"\s+(?:and\s+)?(?:shall|will|is\s+to)\s+(?:\w+\s+){0,3}?(?:terminate|expire|continue|remain|end|be\s+in)|"
    r"\bagreement\s+(?:and\s+)?shall\s+(?:terminate|expire)|"
    r"initial\s+(?:term|period)|contract\s+period|(?:expiration|termination|end)\s+date\s*:?|"
    r"shall\s+(?:be\s+in\s+effect|remain\s+in\s+(?:full\s+)?(?:force|effect))\s+until|"
    r"^(?:it|this\s+agreement)\s+shall|"
    # '"Term" shall mean the Effective Date through June 15, 2001', 'TERM: ... to ...'
    r"^(?:[\d.()a-z]{1,8}\s+)?(?:the\s+)?[“\"'‘]?(?:initial\s+)?term[”\"'’]?\s*(?:shall\s+mean|means|:))",
    re.IGNORECASE,
)
_AUTO = re.compile(
    r"automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend|continu)|renew(?:s|ed)?\s+automatically|"
    r"extend(?:s|ed)?\s+automatically|auto-?renew|evergreen|month[\s-]+to[\s-]+month|"
    r"(?:from\s+)?year[\s-]+to[\s-]+year|(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?renew(?:ed)?"
    r"\s+for[^.]{0,160}unless|stay\s+in\s+force",
    re.IGNORECASE,
)
_OPTIONAL = re.compile(
    r"\bmay\s+(?:\w+\s+){0,4}renew|option\s+to\s+renew|right\s+(?:to\s+renew|of\s+renewal)|"
    r"mutual(?:ly)?\s+(?:written\s+)?agree|upon\s+mutual",
    re.IGNORECASE,
)
_MUTUAL = re.compile(
    r"mutual(?:ly)?\s+(?:written\s+)?(?:agree|consent|understanding)|upon\s+mutual|by\s+mutual|"
    r"(?:parties|both\s+parties)\s+(?:may\s+)?(?:mutually\s+)?agree\s+(?:in\s+writing\s+)?to\s+"
    r"(?:renew|extend)|negotiated\s+in\s+good\s+faith",
    re.IGNORECASE,
)
# 'Year: the period of 12 months from the Commencement Date and each consecutive period ...'
_GLOSSARY = re.compile(r"^(?:[\d.()a-z]{1,8}\s+)?[A-Z][\w ]{1,30}:\s+(?:the|each|a)\s+period\b")
# The agreement (or its term) renewing or running on: what a renewal term belongs to.
_RENEWS_AGREEMENT = re.compile(
    r"\b(?:agreement|term|contract|jsma|oma)\b[^.;]{0,160}?(?:renew|extend|extension|continu|"
    r"prolong)|\b(?:agreement|term|contract)\s+(?:shall|will|is|may)\s+(?:\w+\s+){0,4}?"
    r"(?:on\s+an?\s+)?(?:month|year)[\s-]+to[\s-]+(?:month|year)|"
    r"(?:renew|extend|extension|prolong)\w*[^.;]{0,80}?\b(?:agreement|term|contract)\b",
    re.IGNORECASE,
)
# 'If applicable law requires longer notice, the Franchise Agreement will remain in effect on
# a month-to-month basis until the requisite notice has been given': a holdover, not a term.
_HOLDOVER = re.compile(
    r"^(?:if|in\s+the\s+event)\b[^.;]{0,200}?month[\s-]+to[\s-]+month|"
    r"month[\s-]+to[\s-]+month[^.;]{0,40}?until\s+(?:the\s+)?(?:requisite|required)",
    re.IGNORECASE,
)
# Notice a party gives to take up an option to renew is not notice to stop a renewal.
_ELECTS_TO_RENEW = re.compile(
    r"(?:wish(?:es)?|desires?|elects?|intends?|choice|election|option)\s+(?:(?!not\b)\w+\s+){0,3}?"
    r"to\s+(?:so\s+)?(?:renew|extend)|exercise\s+(?:\w+\s+){0,3}?(?:renewal\s+|extension\s+)?"
    r"option|(?:renewal|extension)\s+option|so\s+elects",
    re.IGNORECASE,
)
# Words that make a notice the one that stops the term running on.
_STOPS_RENEWAL = re.compile(
    r"not\s+to\s+(?:renew|extend)|non-?renewal|nonrenewal|not\s+(?:be\s+)?(?:renewed|extended)|"
    r"intention\s+not|unless\s+(?:either|a|one|the\s+other|any)\s+(?:party|of\s+the\s+parties)|"
    r"terminat\w*\s+(?:(?:this|the)\s+agreement\s+)?(?:by\s+(?:either|a|any)\s+party\s+)?"
    r"(?:at|upon|as\s+of)\s+the\s+(?:end|expiration|expiry)|intention\s+to\s+terminate",
    re.IGNORECASE,
)
_NOT_RENEW = re.compile(
    r"not\s+to\s+renew|non-?renewal|not\s+(?:to\s+)?(?:extend|be\s+renewed)|intention\s+not|"
    r"elect(?:s|ed)?\s+(?:not|to\s+terminate)|cancel|terminat",
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
    if (
        _INITIAL_NAMED.search(after)
        or (_END_VERB.search(before) and _FROM_START.search(after))
        or re.search(r"\b(?:initial|original|primary)\s+(?:term|period)\s+of\s*$", before, re.I)
    ):
        return "term"
    if (_RENEWAL_BEFORE.search(before) and _RENEWAL_WORDS.search(before[-45:])) or (
        re.search(r"^\s*(?:renewal\s+)?(?:terms|periods)\b", after, re.IGNORECASE)
        and re.search(r"successive|additional|further|renew", before, re.IGNORECASE)
    ):
        return "renewal"
    if _NOTICE_BEFORE.search(before) and re.search(r"notice|notif", sentence.text, re.IGNORECASE):
        return "notice"
    if _TERM_BEFORE.search(before):
        return "term"
    return "other"


def _duration_field(doc: Document, name: str, sentence: Sentence, ent: Ent, conf: float) -> Field:
    parsed = parse_duration(ent.text)
    return doc.make_field(sentence, name, parsed, span=(ent.start, ent.end), confidence=conf)


def initial_term(doc: Document) -> Field | None:
    """The first fixed period the agreement runs for ('a term of three (3) years')."""
    best: tuple[float, int, Field] | None = None
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        if not _TERM_SENTENCE.search(sentence.text):
            continue
        own = _OWN_TERM.search(sentence.flat) is not None
        if not own and _NOT_TERM.search(sentence.flat):
            continue
        if _OTHER_DEFINITION.search(sentence.flat) or _DURING_TERM.search(sentence.flat):
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
            if _NOT_OWN_DURATION.search(after) and not _END_VERB.search(before):
                continue
            score = 0.85 if own else 0.6
            if best is None or score > best[0]:
                best = (
                    score,
                    sentence.index,
                    _duration_field(doc, "initial_term", sentence, ent, score),
                )
            break
    return best[2] if best else None


_NOT_TERM = re.compile(r"\b(?:notice|warrant|confidential|surviv|payment|invoice|insurance)", re.I)


def expiration_date(
    doc: Document, effective: Field | None, agreement: Field | None, term: Field | None
) -> Field | None:
    """Explicit end date, else start + initial term, else 'perpetual' when it runs until ended."""
    start_iso = (
        effective.normalized if effective and isinstance(effective.normalized, str) else None
    )
    start = date.fromisoformat(start_iso) if start_iso else None
    explicit: list[tuple[float, int, Field]] = []
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        if _OTHER_DEFINITION.search(sentence.flat):
            continue
        for ent in _dates(sentence):
            if ent.label == "DATE_BLANK" or not _END_BEFORE.search(_before(doc, sentence, ent, 60)):
                continue
            parsed = parse_date(ent.text)
            if parsed and start and parsed <= start:
                continue
            # The sentence stating the term, or a Term section, is where a lawyer reads the end.
            own = (
                _OWN_TERM.search(sentence.flat)
                or (term is not None and term.snippet == sentence.flat)
                or re.search(r"\bterm\b|duration", sentence.section, re.I)
            )
            score = 0.85 if own else 0.6
            made = _date_field(doc, "expiration_date", sentence, ent, score)
            if made is not None:
                explicit.append((score, -sentence.index, made))
    if explicit and max(explicit, key=lambda c: (c[0], c[1]))[0] >= 0.85:
        return max(explicit, key=lambda c: (c[0], c[1]))[2]
    anniversary = _anniversary(doc, start, agreement)
    if anniversary is not None:
        return anniversary
    perpetual = _perpetual(doc)
    if perpetual is not None and (
        term is None or term.confidence < 0.85 or perpetual.confidence >= 0.7
    ):
        return perpetual
    if term is not None and isinstance(term.normalized, dict) and not _runs_from_event(doc, term):
        base = start
        if (
            re.search(
                r"date\s+of\s+(?:its\s+)?(?:execution|this\s+agreement)|date\s+first\s+above|date\s+hereof",
                term.snippet,
                re.IGNORECASE,
            )
            and agreement
            and isinstance(agreement.normalized, str)
        ):
            base = date.fromisoformat(agreement.normalized)
        if base is None and agreement and isinstance(agreement.normalized, str):
            base = date.fromisoformat(agreement.normalized)
        blank = (
            effective.normalized if effective and isinstance(effective.normalized, dict) else None
        )
        if base is None and blank and blank.get("year") and term.normalized["unit"] == "year":
            return Field(
                name="expiration_date",
                value=term.value,
                normalized={"blank": True, "year": blank["year"] + term.normalized["n"]},
                confidence=0.3,
                page=term.page,
                start=term.start,
                end=term.end,
                snippet=term.snippet,
            )
        if base is not None:
            end = add_duration(base, term.normalized)
            if end is not None:
                return Field(
                    name="expiration_date",
                    value=term.value,
                    normalized=end.isoformat(),
                    confidence=0.7,
                    page=term.page,
                    start=term.start,
                    end=term.end,
                    snippet=term.snippet,
                )
    if perpetual is not None:
        return perpetual
    if explicit:
        return max(explicit, key=lambda c: (c[0], c[1]))[2]
    return None


def _runs_from_event(doc: Document, term: Field) -> bool:
    """'ten (10) years from the Launch': the start is an event, so no calendar end follows."""
    if term.page is None or term.end is None:
        return False
    after = doc.pages[term.page - 1][term.end : term.end + 80]
    return _FROM_EVENT.search(" ".join(after.split())) is not None


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "fifteenth": 15, "twentieth": 20,
}  # fmt: skip
# 'shall extend until the four (4) year anniversary of the Effective Date', 'end on the fifth
# anniversary of the date hereof': the start plus that many years.
_ANNIVERSARY = re.compile(
    r"(?:until|on|upon|through|end\w*|expir\w*|terminat\w*)\s+(?:the\s+)?"
    r"(?:(?:earlier|later|first)\s+(?:to\s+occur\s+)?of\s*:?\s*(?:\(\w{1,4}\)\s*)?(?:the\s+)?)?"
    r"(?:date\s+(?:of\s+)?(?:the\s+)?)?"
    r"(?:(?P<ordinal>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|"
    r"twentieth)(?:\s*\(\d{1,2}\s*(?:st|nd|rd|th)\))?|(?P<n>[\w-]+(?:\s*\(\d+\))?)[\s-]+year|"
    r"\(?(?P<digits>\d{1,2})(?:st|nd|rd|th)\)?)"
    r"\s+anniversary\s+of\s+the\s+(?P<base>effective\s+date|commencement\s+date|date\s+(?:hereof|"
    r"of\s+this\s+agreement|first\s+(?:above\s+)?written))",
    re.IGNORECASE,
)


def _anniversary(doc: Document, start: date | None, agreement: Field | None) -> Field | None:
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        m = _ANNIVERSARY.search(sentence.flat)
        if not m or not _OWN_TERM.search(sentence.flat):
            continue
        if m["ordinal"]:
            years = _ORDINALS[m["ordinal"].lower()]
        elif m["digits"]:
            years = int(m["digits"])
        else:
            parsed = parse_duration(f"{m['n']} years")
            years = int(parsed["n"]) if parsed else 0
        base = start
        if not m["base"].lower().startswith(("effective", "commencement")) or base is None:
            agreed = agreement.normalized if agreement else None
            base = date.fromisoformat(agreed) if isinstance(agreed, str) else base
        end = add_duration(base, {"n": years, "unit": "year"}) if base and years else None
        if end is not None:
            return doc.make_field(sentence, "expiration_date", end.isoformat(), confidence=0.75)
    return None


def _perpetual(doc: Document) -> Field | None:
    for sentence in doc.with_cue("TERM", body=True):
        match = _PERPETUAL.search(sentence.flat) or (
            _EVENT_END.search(sentence.flat)
            and not _dates(sentence)
            and not sentence.of("DURATION")
        )
        if match and re.search(r"agreement|employment|contract", sentence.text, re.IGNORECASE):
            # The commencement clause itself saying it runs until ended is the strongest sign.
            confidence = 0.7 if "EFFECTIVE" in sentence.cues else 0.6
            return doc.make_field(sentence, "expiration_date", "perpetual", confidence=confidence)
    return None


def renewal(
    doc: Document, suggestions: dict[str, Field] | None = None, initial: Field | None = None
) -> dict[str, Field]:
    """auto_renewal, renewal_term and notice_period from renewal clauses.

    A notice period read only from a termination clause is the notice to end the contract,
    not the notice to stop a renewal: it goes into `suggestions` (when given), never `out`.
    """
    out: dict[str, Field] = {}
    suggested: dict[str, Field] = suggestions if suggestions is not None else {}
    renewal_sentences = [
        s
        for s in doc.with_cue("RENEWAL", body=True)
        if re.search(r"renew|extend|month|year|stay\s+in\s+force|successive", s.text, re.I)
    ]
    for sentence in renewal_sentences:
        flat = sentence.flat
        if not re.search(r"agreement|term|contract|maintenance|support|services", flat, re.I):
            continue
        # A definition of some other period ('"Calendar Year" means each successive ...').
        if _OTHER_DEFINITION.search(flat) or _GLOSSARY.search(flat):
            continue
        if not _RENEWS_AGREEMENT.search(flat):
            continue
        if "renewal_term" not in out and not _HOLDOVER.search(flat):
            for ent in sentence.of("DURATION"):
                if classify(doc, sentence, ent) == "renewal" and parse_duration(ent.text):
                    out["renewal_term"] = _duration_field(doc, "renewal_term", sentence, ent, 0.8)
                    break
        if "renewal_term" not in out and _YEARLY.search(flat):
            out["renewal_term"] = doc.make_field(
                sentence, "renewal_term", {"n": 1, "unit": "year"}, confidence=0.7
            )
        if (
            "renewal_term" not in out
            and initial is not None
            and isinstance(initial.normalized, dict)
            and _SAME_AS_INITIAL.search(flat)
        ):
            out["renewal_term"] = doc.make_field(
                sentence, "renewal_term", dict(initial.normalized), confidence=0.7
            )
        if "auto_renewal" not in out and _AUTO.search(flat):
            out["auto_renewal"] = doc.make_field(sentence, "auto_renewal", True, confidence=0.85)
        if (
            "notice_period" not in out
            and _NOT_RENEW.search(flat)
            and re.search(r"notice|notif|prior\s+to|before", flat, re.I)
            and not _ELECTS_TO_RENEW.search(flat)
        ):
            text = doc.pages[sentence.page - 1]
            for ent in sentence.of("DURATION"):
                if "notice_period" in out:
                    break
                after = " ".join(text[ent.end : min(sentence.end, ent.end + 160)].split())
                against_end = _BEFORE_EXPIRY.search(after) or _STOPS_RENEWAL.search(flat)
                if (
                    against_end
                    and classify(doc, sentence, ent) == "notice"
                    and parse_duration(ent.text)
                ):
                    out["notice_period"] = _duration_field(
                        doc, "notice_period", sentence, ent, 0.85
                    )
    if "auto_renewal" not in out and renewal_sentences:
        for sentence in renewal_sentences:
            if _OPTIONAL.search(sentence.flat):
                out["auto_renewal"] = doc.make_field(
                    sentence, "auto_renewal", False, confidence=0.6
                )
                break
    if "notice_period" not in out:
        notice = _notice_before_expiry(doc)
        if notice is not None:
            out["notice_period"] = notice
    if "notice_period" not in out and "notice_period" not in suggested:
        for sentence in doc.with_cue("TERMINATION", body=True):
            if not re.search(r"notice|notif", sentence.text, re.I):
                continue
            if re.search(
                r"breach|default|insolven|bankrupt|fail(?:s|ure)\s+to", sentence.text, re.I
            ):
                continue
            for ent in sentence.of("DURATION"):
                if classify(doc, sentence, ent) == "notice" and parse_duration(ent.text):
                    suggested["notice_period"] = _duration_field(
                        doc, "notice_period", sentence, ent, 0.5
                    )
                    break
            if "notice_period" in suggested:
                break
    return out


# '... written notice at least ninety (90) days prior to the expiration of the then-current
# Term': notice given against the end of a term is notice to stop it running on, wherever
# the sentence sits (a termination list, a notices clause).
_BEFORE_EXPIRY = re.compile(
    r"^[^.;]{0,60}?(?:prior\s+to|before|preceding|in\s+advance\s+of)\s+(?:the\s+)?"
    r"(?:expiration|expiry|end|close|conclusion|anniversary)\s+(?:date\s+)?of\s+(?:the|this|such|any|"
    r"each|its|a)?\s*(?:then[\s-]+(?:current|applicable|existing)\s+|initial\s+|relevant\s+|"
    r"renewal\s+|current\s+|original\s+|applicable\s+)?(?:term|period|agreement|contract|year)",
    re.IGNORECASE,
)
# A term that runs until a party ends it on notice: that notice is the one to stop it.
_UNTIL_NOTICE = re.compile(
    r"(?:continue|remain|renew|extend)\w*\s+[^.;]{0,120}?until\s+(?:terminated|cancell?ed|"
    r"(?:either|one|a|the)\s+part(?:y|ies)\s+(?:gives|provides|terminates|serves))",
    re.IGNORECASE,
)


def _notice_before_expiry(doc: Document) -> Field | None:
    """The first notice given against the end of a term; a sentence that says the notice stops
    a renewal ('notice of non-renewal', 'unless either party ...') before any other."""
    sentences = [
        s
        for s in doc.with_cue("NOTICE", "TERM", "RENEWAL", "TERMINATION", body=True)
        if re.search(r"notice|notif", s.flat, re.I) and not _ELECTS_TO_RENEW.search(s.flat)
    ]
    sentences.sort(key=lambda s: _STOPS_RENEWAL.search(s.flat) is None)  # stable: order kept
    for sentence in sentences:
        flat = sentence.flat
        if re.search(r"breach|default|insolven|bankrupt|fail(?:s|ure)\s+to", flat, re.I):
            continue
        text = doc.pages[sentence.page - 1]
        until = _UNTIL_NOTICE.search(flat) is not None and "TERM" in sentence.cues
        for ent in sentence.of("DURATION"):
            if classify(doc, sentence, ent) != "notice" or not parse_duration(ent.text):
                continue
            after = " ".join(text[ent.end : min(sentence.end, ent.end + 160)].split())
            if _BEFORE_EXPIRY.search(after) or until:
                return _duration_field(doc, "notice_period", sentence, ent, 0.75)
    return None
