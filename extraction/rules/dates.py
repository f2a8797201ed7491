"""Agreement date and effective date, from the preamble phrasing lawyers use.

'entered into on X and made effective as of Y (the "Effective Date")' gives both; an
agreement 'effective as of the date first above written' takes the agreement date; with no
effective date stated at all, nothing is reported: `effective_suggestion` offers the agreement
date as a suggestion for the reviewer (never as the value).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from extraction.document import Document, Sentence
from extraction.rules.date_text import (
    date_field,
    dates_another,
    sentence_dates,
    text_after,
    text_before,
)
from extraction.rules.signing import last_signature
from extraction.schema import Field

PREAMBLE_SENTENCES = 80

_SIGNED_BEFORE = re.compile(
    r"(?:dated|entered\s+into|made|executed|signed|concluded|agreement|amendment|date\s*:|"
    r"dated\s*:),?(?:\s+and\s+(?:is\s+)?(?:entered\s+into|effective|made))?"
    r"(?:\s+(?:as\s+of|on|effective(?:\s+as\s+of)?|this|at|in\s+\w+\s+on))*\s*(?:the\s*)?$",
    re.IGNORECASE,
)
_AS_OF_BEFORE = re.compile(r"\bas\s+of\s*(?:the\s*)?$|\bdate\s*:?\s*$", re.IGNORECASE)
_EFFECTIVE_BEFORE = re.compile(
    r"(?:effective|take[s]?\s+effect|commence[sd]?|commencing|begin(?:s|ning)?|start(?:s|ing)?)"
    # 'effective for all purposes and in all respects as of the 23rd day of February, 1998'
    r"(?:\s+for\s+all\s+purposes(?:\s+and\s+in\s+all\s+respects)?)?"
    # 'Signed and effective this 25th day of May', 'is effective on the day of May 1, 2013'
    r"(?:\s+(?:as\s+of|on|from|upon|beginning\s+on|with\s+effect\s+from|this))?\s*(?:the\s*)?"
    r"(?:day\s+of\s*)?$"
    # 'Effective Date means', 'Effective Dates: September 1, 2006, August 31, 2007'
    r"|(?:effective|commencement|start)\s+dates?\s*(?:[\"”’']\s*)?(?:means|shall\s+mean|is|:)\s*$"
    r"|(?:effective|commencement|start)\s+date\b[^.:]{0,60}:\s*$"
    r"|^(?:.*\s)?(?:effective|commencement|start)\s+date\s*$",
    re.IGNORECASE,
)
# '... (the "Effective Date")', 'June 13, 2012 the ("Effective Date")', '("EffectiveDate")' (a
# text layer that lost the space), '(the Effective Date)' (one that lost the quotes).
_EFFECTIVE_AFTER = re.compile(
    r"^\s*,?\s*(?:the\s+)?\((?:the\s+|this\s+|hereinafter\s+)?(?:[\"“”‘'’]+\s*"
    r"(?:effective|commencement|start)\s*date|(?:effective|commencement|start)\s+date\s*\))",
    re.IGNORECASE,
)
_DEFINED_AS = re.compile(  # ('"EFFECTIVE DATE" means 12:01 a.m. Eastern Time on March 3, 2003')
    r"(?:effective|commencement|start)\s+date\s*[\"”’']?\s*(?:means\s*:?|shall\s+mean|is|:)\s*"
    r"(?:\d{1,2}:\d\d\s*[ap]\.?\s?m\.?[^,;:]{0,40}?\s+on)?\s*$",
    re.IGNORECASE,
)
_FIRST_WRITTEN = (
    # 'the date first above written', 'the first date above written', 'the date first listed above'
    r"(?:the\s+)?(?:first\s+)?(?:day\s+and\s+year|date)\s+(?:and\s+year\s+)?(?:(?:first\s+)?(?:above|"
    r"hereinabove|(?:written|set\s+forth|stated|shown|listed)\s+above)|hereof|of\s+this\s+"
    r"(?:agreement|contract)|first\s+(?:written|set\s+forth|stated))"
)
# 'effective as of the date first above written', 'shall commence on the date hereof',
# '"Effective Date" means the date of this Agreement': the effective date is the agreement's.
# ('after the effective date of this Agreement' names the Effective Date; it states none.)
_DATE_FIRST_WRITTEN = re.compile(
    r"(?:(?:become|be|is|been)\s+)?(?:effective(?!\s+date\s+of\b)|commence[sd]?|commencing|begin(?:s|ning)?|"
    r"start(?:s|ing)?|(?:effective|commencement)\s+date[\"”’']?\s*(?:means|shall\s+mean|is))\s+"
    rf"(?:(?:as\s+of|on|from|upon|with\s+effect\s+from)\s+)?{_FIRST_WRITTEN}",
    re.IGNORECASE,
)

# 'This agreement commences upon execution', 'shall enter into effect on the date it is signed
# by both parties', 'shall become effective on the date of execution': the contract states that
# it starts when signed, which is the agreement date.
_ON_SIGNATURE = re.compile(
    r"(?:effective|commence[sd]?|begin[s]?|start[s]?|enter\s+into\s+(?:force|effect)|"
    r"take[s]?\s+effect|come[s]?\s+into\s+(?:force|effect))\s+(?:on|upon|as\s+of|from)\s+"
    r"(?:the\s+)?(?:date\s+of\s+)?(?:(?:its|the|this\s+agreement[’']s)\s+)?"
    r"(?:execution|signature|signing)\b"
    r"|(?:effective|commence[sd]?|begin[s]?|enter\s+into\s+(?:force|effect))\s+(?:on|upon|as\s+of)\s+"
    r"the\s+date\s+(?:on\s+which\s+)?(?:it|this\s+agreement)\s+(?:is|has\s+been)\s+"
    r"(?:signed|executed)\b",
    re.IGNORECASE,
)
# 'effective as of the last date signed below', '"Effective Date" means the date of the most
# recent final signature', 'effective when signed by both Parties', 'takes effect upon the
# signatures and seals of both Parties': it starts when the last party signs.
_ON_LAST_SIGNATURE = re.compile(
    r"(?:effective|commence\w*|enter\w*\s+into\s+(?:force|effect)|take[s]?\s+effect|"
    r"come[s]?\s+into\s+(?:force|effect)|effective\s+date[\"”’']?\s*(?:shall\s+(?:mean|be)|means|is))"
    r"\s+[^;]{0,80}?(?:(?:last|latest|later|final|most\s+recent)\s+(?:final\s+)?(?:date\s+)?"
    r"(?:of\s+)?(?:the\s+)?(?:signature|signing|execution|signed|written\s+below|party\s+(?:hereto\s+)?"
    r"(?:has\s+)?(?:executed|signed))|date\s+(?:set\s+forth|written|signed)\s+below|"
    r"(?:signed|executed|execution)\s+by\s+(?:both|all|each\s+of\s+the)\s+(?:the\s+)?part|"
    r"signatures?\s+(?:and\s+seals?\s+)?of\s+(?:both|all)\s+(?:the\s+)?part)"
    # 'the date last written below ("the Effective Date")'
    r"|date\s+(?:last\s+)?(?:written|signed|set\s+forth)\s+below\s*\(\s*(?:the\s+)?[\"“”]+\s*"
    r"(?:the\s+)?effective\s+date",
    re.IGNORECASE,
)
# '12:01 a.m. on the day after the date of last signature': the next day.
_DAY_AFTER = re.compile(r"\bday\s+(?:after|following)\s+the\s+date\s+of\b", re.IGNORECASE)
_ABOUT_AGREEMENT = re.compile(r"\b(?:agreement|contract|term)\b|effective\s+date", re.I)
# 'the period commencing on the date hereof' (a standstill, a notice window) and the signature
# line ('IN WITNESS WHEREOF ... as of the Effective Date first written above') do not start
# the agreement.
_NOT_THE_START = re.compile(
    r"\bperiod\s+(?:commencing|beginning|starting)\b|^\s*IN\s+WITNESS\b", re.IGNORECASE
)

# 'This guaranty shall only be effective upon the execution of the Agreement', 'Each of the
# Operating Agreement and the Warrant is effective as of the date hereof', '... who is being
# replaced as Chairman effective as of the date hereof', 'The standstill period begins on the
# date of this Agreement': something else starts then.
_OTHER_SUBJECT = re.compile(
    r"\b(?:guarant(?:y|ee)|warrants?|licen[cs]es?|who|each\s+of|both\s+of)\b|\bM(?:r|rs|s)\."
    r"|^(?!.*\b(?:term|agreement|contract)\b).*\bperiod\b",
    re.IGNORECASE,
)

_OTHER_AGREEMENT = re.compile(
    r"\b(?:replaces?|supersed\w+|original|existing|previous\w*|prior|underlying|amended|"
    r"that\s+certain)\b",
    re.I,
)
# '"Term Sheet" means that certain summary ... dated November 25, 2019': another term's
# definition dates something else.
_OTHER_TERM_DEFINED = re.compile(
    r"^(?:[\d.()a-z]{1,8}\s+)?[“\"'‘](?!(?:this\s+)?(?:agreement|effective\s+date|execution\s+date|"
    r"agreement\s+date)\b)[^”\"'’]{2,50}[”\"'’]\s*(?:shall\s+mean|means|shall\s+have)",
    re.IGNORECASE,
)
# 'This Agreement (the "Agreement") is made and entered into as of ...': the preamble itself,
# wherever covers and a table of contents put it.
_OPENING = re.compile(
    r"\b(?:agreement|amendment|contract)\b[”\"’')]*\s*(?:\([^()]{0,80}\)\s*)?,?\s*"
    r"(?:is|are|was|shall\s+be)\s+(?:hereby\s+)?(?:made|entered|dated|executed)",
    re.IGNORECASE,
)
# 'This Agreement is dated April 29, 2010' in the final provisions, 'IN WITNESS WHEREOF, the
# parties have executed this Agreement as of this 4th day of April, 2003': anywhere.
_DATED_ANYWHERE = re.compile(
    r"(?<![a-z])this\s+(?:[\w-]+\s+){0,3}?(?:agreement|amendment|contract)\s+(?:is|was|has\s+been)\s+"
    r"(?:made\s+and\s+)?(?:dated|made|entered\s+into|signed|executed)\b"
    r"|^\W*IN\s+WITNESS\b[^.]{0,160}?\b(?:executed|signed)\s+this\s+(?:[\w-]+\s+){0,3}?"
    r"(?:agreement|amendment|contract)\b",
    re.IGNORECASE,
)


_SIGNATURE_DATE = re.compile(r"date[d]?\s*:?\s*$", re.IGNORECASE)


def _preamble(doc: Document) -> list[Sentence]:
    """The first sentences, and a preamble that cover pages or a table of contents pushed
    past them, and the sentences anywhere that say when this agreement was made (only their
    signing phrase counts past the first sentences)."""
    half = max(PREAMBLE_SENTENCES, min(400, len(doc.sentences) // 2))
    rest = doc.sentences[PREAMBLE_SENTENCES:]
    # The first opening sentence is the preamble however long the contents list before it.
    # (a contents page holding the preamble is marked a cover page: it counts too)
    first = next((s for s in rest if s.part in ("body", "cover") and _OPENING.search(s.flat)), None)
    return doc.sentences[:PREAMBLE_SENTENCES] + [
        s
        for s in rest
        if (s.part in ("body", "signature") or s is first)
        and (
            (s is first or (s.part == "body" and s.index < half and _OPENING.search(s.flat)))
            or _DATED_ANYWHERE.search(s.flat)
        )
    ]


def agreement_date(doc: Document) -> Field | None:
    """The date the agreement was made: 'dated', 'entered into on', 'made as of', 'Date:'."""
    best: tuple[float, int, Field] | None = None
    for sentence in _preamble(doc):
        late = sentence.index >= PREAMBLE_SENTENCES
        if _OTHER_TERM_DEFINED.search(sentence.flat):
            continue
        for ent in sentence_dates(sentence):
            before = text_before(doc, sentence, ent)
            if sentence.part == "signature" and _SIGNATURE_DATE.search(before):
                continue  # 'Date: 1/26/2020  Date: 1/27/2020': the last signature, below
            if _SIGNED_BEFORE.search(before):
                score = 0.9
            elif late:
                continue
            elif _AS_OF_BEFORE.search(before) and re.search(
                r"agreement|amendment|contract", sentence.text, re.IGNORECASE
            ):
                score = 0.85
            elif _EFFECTIVE_BEFORE.search(before) and sentence.index < 40:
                score = 0.6
            elif sentence.page == 1:
                score = 0.45
            else:
                continue
            if dates_another(doc, sentence, ent, before):
                continue
            made = date_field(doc, "agreement_date", sentence, ent, score)
            if made and (best is None or score > best[0]):
                best = (score, sentence.index, made)
    if best is None or best[0] < 0.5:
        # No preamble date (or only some date on page 1): when the last party signed.
        signed = last_signature(doc, "agreement_date", blank=best is None)
        if signed is not None:
            return signed
    return best[2] if best else None


def effective_date(doc: Document, agreement: Field | None) -> Field | None:
    """The date the terms start to apply, as the contract states it (None when it does not)."""
    best: tuple[float, int, Field] | None = None
    for sentence in doc.sentences:
        # Forms and schedules date other instruments; a definitions appendix is the
        # agreement's own ('"Effective Date" means October 31, 2019').
        glossary = re.search(r"definition", sentence.section, re.IGNORECASE) is not None
        if sentence.part == "exhibit" and not glossary:
            continue
        for ent in sentence_dates(sentence):
            before, after = text_before(doc, sentence, ent), text_after(doc, sentence, ent)
            if _EFFECTIVE_AFTER.search(after) or _DEFINED_AS.search(before):
                score = 0.95
            elif sentence.part == "exhibit":
                continue
            elif _EFFECTIVE_BEFORE.search(before) and re.search(
                r"agreement|amendment|term|contract|services|maintenance|employment|period|"
                r"duration|^it\s+shall|^\W*signed\s+and\s+effective",
                sentence.text,
                re.IGNORECASE,
            ):
                score = 0.85
            else:
                continue
            if dates_another(doc, sentence, ent, before):
                continue  # '... effective as of September 15, 2015 (the "Quality Agreement")'
            if score < 0.95 and re.search(
                r"\b(?:period|(?:fiscal|financial|calendar|contract|school|academic)\s+(?:year|"
                r"quarter|month))(?:\s+(?:which|that))?\s+(?:commenc|begin|start)\w*",
                before[-40:],
                re.I,
            ):
                # 'the twelve-month period commencing July 1', 'Licensee's fiscal year beginning
                # April 1, 2003': not the agreement's start
                continue
            if _OTHER_AGREEMENT.search(sentence.flat):
                score -= 0.2
            made = date_field(doc, "effective_date", sentence, ent, score)
            if made and (best is None or score > best[0]):
                best = (score, sentence.index, made)
    if best is not None and best[0] >= 0.95:
        return best[2]
    if agreement is not None:
        for sentence in doc.sentences:
            starts = _DATE_FIRST_WRITTEN.search(sentence.flat) or _ON_SIGNATURE.search(
                sentence.flat
            )
            if (
                sentence.part != "exhibit"
                and starts
                and _ABOUT_AGREEMENT.search(sentence.flat)
                and not _NOT_THE_START.search(sentence.flat)
                and not _OTHER_SUBJECT.search(
                    re.split(r"[,;:]", sentence.flat[: starts.start()])[-1]
                )
            ):
                return _copy(agreement, sentence, 0.9)
    if best is not None:
        return best[2]
    stated = [
        s.flat
        for s in doc.sentences
        if s.part != "exhibit" and _ON_LAST_SIGNATURE.search(s.flat) and "counterpart" not in s.flat
    ]  # ('effective when counterparts have been signed by each': how, not when, it binds)
    if not stated:
        return None
    signed = last_signature(doc, "effective_date", 0.8)
    if signed is not None and isinstance(signed.normalized, str) and _DAY_AFTER.search(stated[0]):
        after = date.fromisoformat(signed.normalized) + timedelta(days=1)
        return replace(signed, normalized=after.isoformat())
    return signed or (_copy(agreement, None, 0.8) if agreement is not None else None)


# The confidence of an effective date the contract does not state (the agreement date copied):
# a start for the term to be counted from, never one an end may be checked against.
SUGGESTED = 0.4


def effective_suggestion(agreement: Field | None) -> Field | None:
    """No effective date stated: the agreement date, as a low-confidence suggestion only."""
    return _copy(agreement, None, SUGGESTED) if agreement is not None else None


def _copy(agreement: Field, sentence: Sentence | None, confidence: float) -> Field:
    snippet = sentence.flat if sentence else agreement.snippet
    return Field(
        name="effective_date",
        value=agreement.value,
        normalized=agreement.normalized,
        confidence=confidence,
        page=agreement.page,
        start=agreement.start,
        end=agreement.end,
        snippet=snippet,
    )
