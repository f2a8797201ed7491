"""When the parties signed: the dates written in the signature blocks.

Many contracts state no date in the preamble; the date is only beside the signatures ('By:
/s/ ... Date: 1/14/02', a table of 'Signature / Name / Title / Date' columns, 'Hamburg,
November 19th, 2012 /s/ ...', 'IN WITNESS WHEREOF ... signed this Contract in Baoding on
November 8, 2002'). The agreement is made when the last party signs, so the latest of them
is the signing date; a contract 'effective on the date of the last signature' starts then.
"""

from __future__ import annotations

import re
from datetime import date

from extraction.document import Document, Ent, Sentence
from extraction.normalize import blank_date_year
from extraction.rules.date_text import (
    date_field,
    date_value,
    dates_another,
    sentence_dates,
    text_before,
)
from extraction.schema import Field

# What only a signature block holds: '/s/', 'By:' / 'Name:' / 'Title:' lines, a signing line.
_BLOCK = re.compile(
    r"/s/|\b(?:By|Name|Title|Signature)\s*:|^\W*(?:IN\s+WITNESS\b|(?:Signed|Executed|Dated)\b)",
    re.IGNORECASE,
)
# A 'Date' label beside the dates (before or after them in a column layout), not 'date of'.
_DATE_LABEL = re.compile(
    r"(?<!Effective\s)(?<!EFFECTIVE\s)(?<!Commencement\s)(?<!Termination\s)(?<!Expiration\s)"
    r"\b(?:Date[d]?|DATE[D]?)\b(?!\s+(?:of|on|hereof|first)\b)"
)
# 'Hamburg, ' / 'Rome/Houston, ' just before the date: the place and date of signing.
_PLACE_BEFORE = re.compile(r"(?:^|\s)[A-Z][A-Za-z./ -]{2,40},\s*$")
_SIGNED_BEFORE = re.compile(r"\b(?:sign(?:ed|ature|ing)|executed)\b[^.;]{0,60}$", re.IGNORECASE)
_LEADS = re.compile(r"^\W*(?:Signed|Executed|Dated)\b|\bIN\s+WITNESS\b", re.IGNORECASE)


_LABEL_BEFORE = re.compile(r"\bdate[d]?\s*:?\s*$", re.IGNORECASE)
_TAIL_LABEL = re.compile(r"\bdate[d]?\s*:\s*$", re.IGNORECASE)
TAIL = 60  # the last sentences, where a 'Date:' line is a signature's even without markers


def _is_block(doc: Document, sentence: Sentence) -> bool:
    return (
        sentence.part == "signature"
        or _BLOCK.search(sentence.text) is not None
        or sentence.index >= len(doc.sentences) - TAIL
    )


def _signing(doc: Document, sentence: Sentence, ent: Ent) -> bool:
    """Whether a date of a signature block is when someone signed."""
    before = text_before(doc, sentence, ent, 100)
    if dates_another(doc, sentence, ent, before):
        return False
    if not (sentence.part == "signature" or _BLOCK.search(sentence.text)):
        # the tail: 'Date: 1/14/02', 'Dated 29/3/18' only ('the Convention ... dated 11 April
        # 1980', 'its issuance date March 26, 2019' date other instruments)
        return bool(_TAIL_LABEL.search(before) or _LEADS.match(sentence.flat))
    return bool(
        _LABEL_BEFORE.search(before)
        or _DATE_LABEL.search(sentence.text)
        or _PLACE_BEFORE.search(before)
        or _SIGNED_BEFORE.search(before)
        or _LEADS.search(sentence.flat)
    )


def signature_dates(doc: Document) -> list[tuple[date, Sentence, Ent]]:
    """Every signing date written in a signature block (exhibits are other instruments); a
    template's blank date ('Rockaway, April ____, 2003') sorts before any real one."""
    out = []
    for sentence in doc.sentences:
        if sentence.part == "exhibit" or not _is_block(doc, sentence):
            continue
        for ent in sentence_dates(sentence):
            parsed = date_value(ent)[1]
            if (parsed or blank_date_year(ent.text)) and _signing(doc, sentence, ent):
                out.append((parsed or date.min, sentence, ent))  # a blank only when alone
    return out


def last_signature(
    doc: Document, name: str, confidence: float = 0.5, *, blank: bool = True
) -> Field | None:
    """The latest signing date, as a field named `name` (`blank=False`: a real date only)."""
    found = [f for f in signature_dates(doc) if blank or f[0] != date.min]
    if not found:
        return None
    _, sentence, ent = max(found, key=lambda f: f[0])
    return date_field(doc, name, sentence, ent, confidence)
