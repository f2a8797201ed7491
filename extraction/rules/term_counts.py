"""Whether a duration read as the agreement's term can be counted to a calendar end.

'This Agreement shall commence on the Effective Date and continue for three (3) years' ends three
years after the start; 'ten (10) years from the Launch' or 'effective as of the date of physical
completion ... for a primary term of ten years' start on an event the contract does not date,
and 'Directors shall be appointed for a term of four (4) years' is not the agreement's period:
those give no end, and no date is better than a guess.
"""

from __future__ import annotations

import re

from extraction.document import Document
from extraction.schema import Field

# After the stated duration: the start it runs from, when that is some event ('ten (10)
# years from the Launch', 'two years following the first date of public availability').
_FROM_EVENT = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:from\s+and\s+after|from(?!\s+and\b)|after|following)\s+(?!(?:the\s+)?(?:effective\s+date|"
    r"commencement\s+date|date\s+(?:hereof|of\s+(?:the\s+)?(?:effective|this|execution|its|signature)|"
    r"first|on\s+which\s+this)|execution|signing|(?:its|the)\s+(?:execution|signature)|"
    r"such\s+date|that\s+date))",
    re.IGNORECASE,
)


# The thing a duration is the period of, when the sentence does not state the agreement's own
# term: 'This agreement is for a term of ten (10) years', 'The term of the Franchise shall be',
# 'The maintenance is for a period of', not 'Directors shall be appointed for a term of',
# 'PSS agrees, for a period of three years', 'This training is for the duration of 1 week'.
_AGREEMENT_SUBJECT = re.compile(
    r"\b(?:agreement|contract|maintenance|services?|licen[cs]e|subscription|engagement|franchise)\b"
    r"|\bterm\s+of\s+(?:the|this)\b",
    re.IGNORECASE,
)


def of_the_agreement(term: Field) -> bool:
    """Whether a duration read outside the term sentence is still the agreement's: the words
    before it name the agreement (or its service) as what runs for that long."""
    at = term.snippet.find(term.value)
    return at >= 0 and _AGREEMENT_SUBJECT.search(term.snippet[:at]) is not None


# 'shall be effective as of the date of physical completion ... and shall continue for a primary
# term of ten years', 'which shall commence on the date upon which the Company delivers the last
# Sample': the term starts on an event (not on signing), so no calendar end follows.
_STARTS_ON_EVENT = re.compile(
    r"\b(?:effective|commenc\w*|begin\w*|start\w*)\s+(?:as\s+of|on|upon|with)\s+the\s+(?:date|day)\s+"
    r"(?:of|on\s+which|upon\s+which|when|that)\s+(?P<event>[^.;]{0,60})",
    re.IGNORECASE,
)
_SIGNING = re.compile(r"sign|execut|this\s+(?:agreement|contract)|hereof|effective\s+date", re.I)


def runs_from_event(doc: Document, term: Field) -> bool:
    """'ten (10) years from the Launch': the start is an event, so no calendar end follows."""
    m = _STARTS_ON_EVENT.search(term.snippet)
    if m and not _SIGNING.search(m["event"]):
        return True
    if term.page is None or term.end is None:
        return False
    after = doc.pages[term.page - 1][term.end : term.end + 80]
    return _FROM_EVENT.search(" ".join(after.split())) is not None
