"""An end the term sentence leaves to an exhibit: 'until the termination date specified in
Exhibit A', 'Unless otherwise stated in the Appendix the term ... shall continue for twenty-four
(24) months' with the Appendix's 'Contract end: 04-01-08', an order form's 'End Date:'.

Exhibits are otherwise not read for the agreement's end (they hold forms and schedules of other
agreements); here the body itself says where the end is written, so a lawyer turns to it.
"""

from __future__ import annotations

import re
from datetime import date

from extraction.document import Document, Sentence
from extraction.normalize import parse_date
from extraction.rules.date_text import date_field, sentence_dates, text_before
from extraction.schema import Field

# 'specified in Exhibit A', 'set forth in the Addendum', 'Unless otherwise stated in the
# Appendix', 'as set out in the Order Form'.
_REFERS_TO_EXHIBIT = re.compile(
    r"\b(?:specified|set\s+(?:forth|out)|stated|stipulated|indicated|identified|listed|shown|"
    r"provided)\s+(?:on|in)\s+(?:the\s+)?(?:attached\s+|applicable\s+)?(?:exhibit|appendix|"
    r"addendum|schedule|annex|attachment|order\s+form|cover\s+(?:page|sheet))\b",
    re.IGNORECASE,
)
# The field label right before the date: 'Contract end:', 'TERMINATION DATE:', 'End Date:'.
_END_LABEL = re.compile(
    r"\b(?:contract\s+end|(?:contract\s+|agreement\s+|term\s+)?(?:end|expiration|expiry|"
    r"termination)\s+date)\s*:\s*$",
    re.IGNORECASE,
)


def refers_end_to_exhibit(doc: Document) -> Sentence | None:
    """The body sentence stating the term that points to an exhibit for it."""
    for sentence in doc.with_cue("TERM", body=True):
        if re.search(r"\bterm\b", sentence.flat, re.I) and _REFERS_TO_EXHIBIT.search(sentence.flat):
            return sentence
    return None


def referred_end(doc: Document, start: date | None) -> Field | None:
    """The labelled end date of the exhibit the term sentence points to; an end on or before
    the start is still the one written there, but shown with less confidence."""
    if refers_end_to_exhibit(doc) is None:
        return None
    for sentence in doc.sentences:
        if sentence.part == "body":
            continue  # the body's own end dates are read by extraction/rules/expiry.py
        for ent in sentence_dates(sentence):
            if ent.label != "DATE" or not _END_LABEL.search(text_before(doc, sentence, ent, 40)):
                continue
            parsed = parse_date(ent.text)
            if parsed is None:
                continue
            confidence = 0.6 if start is not None and parsed <= start else 0.8
            return date_field(doc, "expiration_date", sentence, ent, confidence)
    return None
