"""Dates in a sentence and the words around them, and which of them date another instrument.

What every date rule shares: the DATE entities of a sentence a lawyer would read as dates of
this agreement (not a recital's, a filing footer's or a document version's), the text just
before and after one, and the tests that it dates another, named agreement.
"""

from __future__ import annotations

import re
from datetime import date

from extraction.document import Document, Ent, Sentence
from extraction.normalize import blank_date, parse_date
from extraction.schema import Field

# A date followed by the defined name of an agreement dates that agreement, not this one.
NAMES_OTHER = re.compile(
    r"\s*,?\s*\((?:the)?\s*[\"“”‘’']+(?!(?i:this|master|services?)\b)[^\"“”‘’'()]{1,60}\s"
    r"(?:Agreement|Contract|Amendment)"
    r"[\"“”‘’']+\s*\)"
)
# 'First Amendment to the Development Agreement ("Development Agreement") entered into on X',
# 'pursuant to Sponsorship Agreements dated X': the date of another, named agreement (a name
# after a lower-case word other than 'this', so the document's own title is not one).
_NAMED_BEFORE = re.compile(
    r"(?:\b(?!(?:this|these)\b)[a-z]+\s+(?:(?:a|an|the|that|certain|those)\s+)?|^(?:The|That)\s+)"
    r"(?:[A-Z][\w&.'’-]*\s+(?:(?:and|of|for|&)\s+)?){1,6}"
    r"(?:[Aa]greements?|AGREEMENTS?|[Cc]ontracts?|[Ll]eases?)(?:\s*\((?!\s*this\b)[^()]{0,60}\))?"
    r"(?:\s+between\s+[^.;()]{0,60}?)?,?\s+(?:dated|entered\s+into|made|executed|"
    # 'The Selling Agreement effective as of December 1, 2002 and ...'
    r"effective(?=\s+(?:as\s+of|on)\s*$))\b[^.;()]{0,24}$"
)
_PREVIOUSLY = re.compile(r"\b(?:previously|originally|heretofore|that\s+certain)\b[^.;]*$", re.I)
_RECITAL = re.compile(r"(?:\(?[A-Z0-9]\)\s*)?WHEREAS\b", re.IGNORECASE)
# Sentences under a 'Recitals' / 'Whereas' heading tell what came before this agreement.
_RECITALS = re.compile(r"^\W*(?:recitals?|whereas)\W*$", re.IGNORECASE)
# '... Agreement between the Parties, which was effective July 17, 2009', 'a Co-operation
# Agreement that went into effect on October 15, 2017': what 'which' names took effect then.
_WAS_EFFECTIVE = re.compile(
    r"\b(?:which|that)\s+(?:was|were|became|had\s+become|has\s+been|went\s+into\s+effect)\b[^.;]{0,30}$",
    re.IGNORECASE,
)
# 'V0.4 November 2008', 'Version 2.1 - 3 March 2010': a document version's date, not the
# agreement's.
_VERSION_BEFORE = re.compile(
    r"\b(?:V|Ver\.?|Version|Rev\.?|Revision|Draft)\s?\d+(?:\.\d+)*[\s,:–-]*$", re.IGNORECASE
)
_VERSION_IN = re.compile(r"(?:V|Ver\.?|Version|Rev\.?)\s?\d+\.\d", re.IGNORECASE)
_FOOTER = re.compile(
    r"Source:|\b(?:8-K|10-K|10-Q|10-12G|20-F|S-[14]|F-[14]|SB-2|1-A|EX-\d)\b(?!\s*Exhibit)",
    re.IGNORECASE,
)


def date_value(ent: Ent) -> tuple[str | None, date | None]:
    """(ISO string or None, date or None) for a DATE or DATE_BLANK entity."""
    if ent.label == "DATE":
        parsed = parse_date(ent.text)
        return (parsed.isoformat() if parsed else None), parsed
    return None, None


def text_before(doc: Document, sentence: Sentence, ent: Ent, width: int = 80) -> str:
    text = doc.pages[sentence.page - 1]
    return " ".join(text[max(sentence.start, ent.start - width) : ent.start].split())


def text_after(doc: Document, sentence: Sentence, ent: Ent, width: int = 60) -> str:
    """The words after a date, in its sentence (or past it, when the splitter broke the
    date: '16 day of August. 2012 (the "Effective Date")' ends in the next sentence)."""
    text = doc.pages[sentence.page - 1]
    end = ent.end + width if ent.end >= sentence.end else min(sentence.end, ent.end + width)
    return " ".join(text[ent.end : end].split())


def date_field(
    doc: Document, name: str, sentence: Sentence, ent: Ent, confidence: float
) -> Field | None:
    iso, _ = date_value(ent)
    if ent.label == "DATE" and iso is None:
        return None
    span = (ent.start, ent.end)
    if ent.label == "DATE_BLANK":
        span = _blank_span(sentence, ent)
        normalized: object = blank_date(doc.pages[sentence.page - 1][span[0] : span[1]])
        confidence = min(confidence, 0.3)
    else:
        normalized = iso
    return doc.make_field(sentence, name, normalized, span=span, confidence=confidence)


def _blank_span(sentence: Sentence, ent: Ent) -> tuple[int, int]:
    """A template's blank date read in pieces ('___ day of ___' then '___, 19__'): the span of
    the blanks that touch, so the century at its end is read with the rest."""
    end = ent.end
    for other in sorted(sentence.ents, key=lambda e: e.start):
        if other.label == "DATE_BLANK" and ent.start <= other.start <= end + 3:
            end = max(end, other.end)
    return ent.start, end


def sentence_dates(sentence: Sentence) -> list[Ent]:
    if _RECITAL.match(sentence.flat) or _RECITALS.match(sentence.section):
        return []  # recitals date earlier, other agreements
    # EDGAR filing footers carry the filing date; a footer glued to a sentence ('Dated 29/3/18
    # ... Source: FUSE MEDICAL, 10-K, 3/21/2019') leaves the dates before it ('8-K Exhibit 10.1'
    # heads the page: no footer).
    footer = _FOOTER.search(sentence.text)
    # (no cut without one: a date the sentence splitter broke, 'March 18. 2021', ends past it)
    cut = sentence.start + footer.start() if footer else None
    # '... (the "Policy"); and WHEREAS, pursuant to the Split Dollar Agreement dated ...':
    # a recital that starts inside the sentence dates what came before this agreement.
    recital = re.search(r"\b(?:WHEREAS|Whereas)\b", sentence.text)
    if recital:
        at = sentence.start + recital.start()
        cut = at if cut is None else min(cut, at)
    return [
        e
        for e in sentence.ents
        if e.label in ("DATE", "DATE_BLANK")
        and (cut is None or e.end <= cut)
        and not _VERSION_BEFORE.search(sentence.text[: max(0, e.start - sentence.start)][-24:])
        and not _VERSION_IN.match(e.text)  # 'V0.4 November 2008' read as 4 November 2008
    ]


def dates_another(doc: Document, sentence: Sentence, ent: Ent, before: str) -> bool:
    """'the Development Agreement ... entered into on X', 'previously', 'X (the "Quality
    Agreement")': the date of another agreement."""
    return bool(
        NAMES_OTHER.match(text_after(doc, sentence, ent))
        or _PREVIOUSLY.search(before)
        or _NAMED_BEFORE.search(before)
        or _WAS_EFFECTIVE.search(before)
    )
