"""An initial term that runs on until a party ends it: 'for a term of one year; thereafter, it
shall automatically continue until terminated by either party'. The renewal is then perpetual
(extraction/rules/renewal.py) and the expiration is the initial term's end, not 'perpetual'
(extraction/rules/expiry.py)."""

from __future__ import annotations

import re

# 'for a term of one year; thereafter, it shall automatically continue until terminated by
# either party', 'an initial term of one (1) years and indefinitely after that until terminated',
# '... until the end of the fifteenth Contract Year, and shall continue in full force and effect
# thereafter until terminated': after its initial term the agreement runs on until notice.
_RUNS_ON = re.compile(
    r"\b(?:thereafter|after\s+that|after\s+(?:the\s+)?(?:expiration\s+of\s+)?(?:the\s+|such\s+)?"
    r"initial\s+(?:term|period))\b,?\s+(?:\w+\s+){0,6}?(?:continu\w*|remain\w*)\s+"
    r"(?:\w+\s+){0,5}?(?:until|unless)\b[^.;]{0,120}?(?:terminat|notice)|"
    r"\b(?:continu\w*|remain\w*)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"thereafter\s+(?:until|unless)\b[^.;]{0,120}?(?:terminat|notice)|"
    r"\bindefinitely\s+(?:after\s+that|thereafter)\b|"
    # '... for ten (10) years after the First Commercial Sale, and shall thereafter
    # automatically renew for an unlimited period of time unless otherwise terminated'
    r"\bthereafter\b,?\s+(?:\w+\s+){0,4}?(?:renew\w*|continu\w*|extend\w*)\s+(?:\w+\s+){0,2}?"
    r"(?:for\s+an?\s+(?:unlimited|indefinite)\s+(?:period|term|duration)|indefinitely)\b",
    re.IGNORECASE,
)
# What the runs-on part follows: an initial term stated before it in the sentence, or a
# sentence that opens on it ('Thereafter, this Agreement shall ...' after the term sentence).
_INITIAL_BEFORE = re.compile(
    r"\bterm\s+of\b|\binitial\s+(?:term|period)\b|\buntil\s+the\s+(?:end|expir)|\bending\s+on\b|"
    r"\bfor\s+(?:a\s+period\s+of\s+)?(?:\w+\s+)?\(?\d+\)?\s+(?:years?|months?)\b",
    re.IGNORECASE,
)


def runs_on_after_initial_term(flat: str) -> bool:
    """The sentence states (or follows) an initial term, then continuation until notice."""
    match = _RUNS_ON.search(flat)
    if match is None:
        return False
    before = flat[: match.start()]
    return not before.strip(" ,(0123456789.)") or _INITIAL_BEFORE.search(before) is not None
