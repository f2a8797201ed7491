"""Term, expiry, renewal and notice: read each duration by the words around it.

In 'shall continue for one (1) year and thereafter renew automatically for successive one (1)
year periods unless either party gives at least thirty (30) days prior written notice', the
same sentence holds the initial term, the renewal term and the notice period; the words
before and after each duration ('for', 'successive', 'at least ... prior') say which is which.
When the agreement ends (`expiration_date`) is extraction/rules/expiry.py.
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
    r"^\s*(?:thereafter|therefrom|(?:from|after|following)\s+(?:the\s+)?(?:effective\s+date|"
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


# 'The Contract Term shall extend for a period of fifty (50) years': the term itself.
_TERM_EXTENDS = re.compile(
    r"\b(?:term|agreement)\s+(?:shall|will)\s+extend\s+for\s+(?:a\s+)?(?:period|term)\s+of\s*$",
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


# 'Year: the period of 12 months from the Commencement Date and each consecutive period ...'
# 'may be extended ... by mutual written agreement', 'By mutual agreement of the Parties, the
# Initial Term may be extended': a renewal only if both agree later, so no renewal term.
_MUTUAL_RENEWAL = re.compile(
    r"(?:renew|extend)\w*\s+[^.;]{0,100}?(?:by|upon|with)\s+(?:the\s+)?mutual\s+(?:written\s+)?"
    r"(?:agreement|consent|understanding)|^by\s+mutual\s+(?:written\s+)?agreement|"
    r"(?:renewal|extension)\s+[^.;]{0,60}?negotiated\s+in\s+good\s+faith",
    re.IGNORECASE,
)
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
    r"not\s+to\s+(?:renew|extend)|non-?renewal|nonrenewal|(?<!or\s)not\s+(?:be\s+)?(?:renewed|extended)|"
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
        or _TERM_EXTENDS.search(before)
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
                    _duration_field(doc, "initial_term", sentence, ent, score),
                )
            break
    return best[2] if best else None


_NOT_TERM = re.compile(r"\b(?:notice|warrant|confidential|surviv|payment|invoice|insurance)", re.I)


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
        if OTHER_DEFINITION.search(flat) or _GLOSSARY.search(flat):
            continue
        mutual = _MUTUAL_RENEWAL.search(flat) is not None
        if not _RENEWS_AGREEMENT.search(flat):
            continue
        if "renewal_term" not in out and not _HOLDOVER.search(flat) and not mutual:
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
        if re.search(r"notice|notif", s.flat, re.I)
        and re.search(r"renew|terminat|extend|extension|expir|cancel", s.flat, re.I)
        and not _ELECTS_TO_RENEW.search(s.flat)
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
