"""Whether a date in a sentence is stated as an end: the words before it ('until', 'shall expire
on', 'Contract end:'), a term named around it, and not the period of a party's duty.

'The term of the license hereby granted shall ... continue until January 30, 2025' states an
end; 'Commencing on the Effective Date and continuing until March 15, 2001, About shall deliver
...' dates a party's duty, and a payment schedule's 'Calendar Quarter ending March 31, 2022'
a paragraph after some 'Development Term' is named dates nothing of the agreement's.
"""

from __future__ import annotations

import re

from extraction.document import Document, Ent, Sentence
from extraction.rules.date_text import text_after, text_before

# A sentence outside the term section whose end date may still be the agreement's: it names a
# term or duration ('The term of the license hereby granted shall ... continue until', 'TERM OF
# EXECUTION From ... until', 'INITIAL DISTRIBUTION PERIOD: April 15, 2000 through ...').
_NAMES_A_TERM = re.compile(r"\b(?:term|duration)\b|\bperiod\s*:", re.IGNORECASE)


_END_BEFORE = re.compile(
    r"(?:terminat\w*|expir\w*|end(?:s|ing)?|continu\w*|remain\w*\s+in\s+(?:full\s+force\s+and\s+)?"
    r"effect|in\s+effect|conclud\w*|through(?:\s+and\s+including)?|up\s+to\s+and\s+including|until|"
    r"termination\s+date\s*:?"
    r"|expiration\s+date\s*:?|(?:end|contract\s+end)\s+date\s*:|contract\s+end\s*:|valid\s+until|"
    r"(?:contract\s+)?expiry(?:\s+date)?\s*:|"
    r"(?:in\s+)?no\s+event\s+later\s+than|(?:hereby\s+)?extended\s+(?:to|until|through)"
    # '"Expiration Date" means March 31, 2020'
    r"|(?:expiration|termination|end)\s+date[”\"'’]?\s*(?:shall\s+mean|means))"
    r"\s*(?:on|until|through|at|as\s+of)?\s*"
    r"(?:the\s+(?:earlier|later|first)\s+(?:to\s+occur\s+)?of\s*:?\s*(?:\(\w{1,4}\)\s*)?)?(?:the\s*)?$"
    r"|\bfrom\s+[^.;]{4,40}?\s+(?:to|through|till)\s*(?:and\s+including\s+)?$"
    # 'TERM: November 01, 2014 to October 31, 2017'
    r"|\b(?:19|20)\d\d\s*(?:to|through|until|-|–)\s*$",
    re.IGNORECASE,
)


# '4.1 Commencing on the Effective Date and continuing until March 15, 2001, About shall deliver
# ...': the period of a party's duty, not of the agreement.
_PARTY_DUTY_AFTER = re.compile(
    r"^,?\s*(?!(?i:this|the)\s+(?i:agreement|contract|term)\b)(?:[A-Z][\w&.’'-]*\s+){1,3}"
    r"(?:shall|will|agrees|must)\b"
)


# 'Following the Initial Term, ...', 'During the Term of this Agreement, Premier shall purchase':
# a sentence about what happens after or within the term names it without stating it.
AROUND_TERM = re.compile(
    r"(?:following|after|during|beyond|throughout|(?:end|expiration|expiry)\s+of)\s+the\s+$",
    re.IGNORECASE,
)


def _names_a_term(text: str, after: int) -> bool:
    """Whether the text past `after` names a term or duration of its own (not 'During the
    Term, ...': the 30 characters before each name are read for that)."""
    return any(
        not AROUND_TERM.search(text[max(0, m.start() - 30) : m.start()])
        for m in _NAMES_A_TERM.finditer(text)
        if m.start() >= after
    )


def reads_as_end(doc: Document, sentence: Sentence, ent: Ent) -> bool:
    """The words before the date make it an end ('... and shall expire on X'), and the words
    after do not make it the end of a party's duty ('... until X, About shall deliver')."""
    return bool(_END_BEFORE.search(text_before(doc, sentence, ent, 60))) and not (
        _PARTY_DUTY_AFTER.match(text_after(doc, sentence, ent, 40))
    )


def term_named_near(doc: Document, sentence: Sentence, ent: Ent) -> bool:
    """A term named around the date ('The term of the license ... until X', 'X (the "Services
    Term")'), not a 'Development Term' a paragraph before a payment date."""
    before = text_before(doc, sentence, ent, 180)
    near = f"{before} {ent.text} {text_after(doc, sentence, ent, 40)}"
    return _names_a_term(near, max(0, len(before) - 150))
