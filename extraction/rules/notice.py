"""The notice that stops a renewal ('unless either party gives at least sixty (60) days prior
written notice of non-renewal'), as opposed to the notice to end the contract early.

A notice read only from a termination clause is a suggestion, never the value; notice a
party gives to take up an option to renew is not notice to stop one.
"""

from __future__ import annotations

import re

from extraction.document import Document, Sentence
from extraction.normalize import parse_duration
from extraction.rules.term import classify, duration_field
from extraction.schema import Field

# Notice a party gives to take up an option to renew is not notice to stop a renewal.
_ELECTS_TO_RENEW = re.compile(
    r"(?:wish(?:es)?|desires?|elects?|intends?|intention|choice|election|option)\s+"
    r"(?:(?!not\b)\w+\s+){0,3}?to\s+(?:so\s+)?(?:renew|extend)|"
    r"exercise\s+(?:\w+\s+){0,3}?(?:renewal\s+|extension\s+)?option|"
    r"(?:renewal|extension)\s+option|so\s+elects|"
    r"\bmay\s*,?\s*(?:by|upon)\s+(?:\w+\s+){0,2}?notice\b[^.;]{0,160}?\b(?:extend|renew)\s+(?:the|this)\b",
    re.IGNORECASE,
)


# Words that make a notice the one that stops the term running on.
_STOPS_RENEWAL = re.compile(
    r"not\s+to\s+(?:renew|extend)|non-?renewal|nonrenewal|(?<!or\s)not\s+(?:be\s+)?(?:renewed|extended)|"
    r"intention\s+not|unless\s+(?:either|a|one|the\s+other|any)\s+(?:party|of\s+the\s+parties)|"
    r"unless\s+(?:sooner\s+|earlier\s+|otherwise\s+)?terminated\s+by\s+(?:either|a|any|one)\s+"
    r"party|\bterminat\w*\s+(?:(?:this|the)\s+agreement\s+)?(?:by\s+(?:either|a|any)\s+party\s+)?"
    r"(?:at|upon|as\s+of|on)\s+(?:the|its)\s+(?:end|expiration|expiry)|intention\s+to\s+terminate",
    re.IGNORECASE,
)


_NOT_RENEW = re.compile(
    r"not\s+to\s+renew|non-?renewal|not\s+(?:to\s+)?(?:extend|be\s+renewed)|intention\s+not|"
    r"elect(?:s|ed)?\s+(?:not|to\s+terminate)|\bcancel|\bterminat",
    re.IGNORECASE,
)


def notice_period(
    doc: Document, clauses: list[Sentence], suggestions: dict[str, Field] | None = None
) -> Field | None:
    """The notice to stop a renewal, read first from the renewal `clauses`, then from any
    notice given against the end of a term; else a termination notice as a suggestion."""
    suggested: dict[str, Field] = suggestions if suggestions is not None else {}
    for sentence in clauses:
        flat = sentence.flat
        if not (
            _NOT_RENEW.search(flat)
            and re.search(r"notice|notif|prior\s+to|before", flat, re.I)
            and not _ELECTS_TO_RENEW.search(flat)
            and not part_renews(flat)
        ):
            continue
        text = doc.pages[sentence.page - 1]
        for ent in sentence.of("DURATION"):
            after = " ".join(text[ent.end : min(sentence.end, ent.end + 160)].split())
            against_end = _BEFORE_EXPIRY.search(after) or _STOPS_RENEWAL.search(flat)
            if (
                against_end
                and classify(doc, sentence, ent) == "notice"
                and parse_duration(ent.text)
            ):
                return duration_field(doc, "notice_period", sentence, ent, 0.85)
    notice = _notice_before_expiry(doc)
    if notice is not None:
        return notice
    if "notice_period" not in suggested:
        for sentence in doc.with_cue("TERMINATION", body=True):
            if not re.search(r"notice|notif", sentence.text, re.I):
                continue
            if _FOR_CAUSE.search(sentence.text):
                continue
            for ent in sentence.of("DURATION"):
                if classify(doc, sentence, ent) == "notice" and parse_duration(ent.text):
                    suggested["notice_period"] = duration_field(
                        doc, "notice_period", sentence, ent, 0.5
                    )
                    break
            if "notice_period" in suggested:
                break
    return None


# '... written notice at least ninety (90) days prior to the expiration of the then-current
# Term': notice given against the end of a term is notice to stop it running on, wherever
# the sentence sits (a termination list, a notices clause).
_BEFORE_EXPIRY = re.compile(
    r"^[^.;]{0,60}?(?:prior\s+to|before|preceding|in\s+advance\s+of)\s+(?:the\s+)?"
    r"(?:expiration|expiry|end|close|conclusion|anniversary)\s+(?:date\s+)?of\s+(?:the|this|such|any|"
    r"each|its|a)?\s*(?:then[\s-]+(?:current|applicable|existing)\s+|initial\s+|relevant\s+|"
    r"renewal\s+|current\s+|original\s+|applicable\s+)?(?:term|period|agreement|contract|year)|"
    r"^[^.;]{0,60}?(?:prior\s+to|before)\s+(?:the|its|such)\s+(?:expiration|expiry)\s+date\b",
    re.IGNORECASE,
)


# A term that runs until a party ends it on notice: that notice is the one to stop it.
_UNTIL_NOTICE = re.compile(
    r"(?:continue|remain|renew|extend|effective)\w*\s+[^.;]{0,120}?until\s+(?:terminated|cancell?ed|"
    r"(?:either|one|a|the)\s+part(?:y|ies)\s+(?:gives|provides|terminates|serves))",
    re.IGNORECASE,
)


_FOR_CAUSE = re.compile(r"breach|default|insolven|bankrupt|fail(?:s|ure)\s+to", re.IGNORECASE)


# 'Following the Initial Term, either Party may terminate this Agreement without cause upon
# ... notice of at least 3 months': ending the agreement as it runs on after its term.
_AFTER_INITIAL = re.compile(
    r"^(?:\(?\w{1,3}[.)]\s*)?(?:following|after)\s+(?:the\s+)?(?:expiration\s+of\s+the\s+)?"
    r"(?:initial|original|first)\s+(?:term|period)\b[^.;]{0,80}?\bterminat",
    re.IGNORECASE,
)


# 'Each Service Option Attachment will renew automatically ... unless either party notifies
# the other ... ninety (90) days prior to the end of the then-current term': a part under the
# agreement renews, so the notice stops that part's renewal, not the agreement's.
_PART_RENEWS = re.compile(
    r"\b(?:[Ee]ach|[Aa]ny|[Ee]very|[Ss]uch)\s+(?P<part>(?:[A-Z][\w-]*\s+){1,4})(?:shall|will)\s+"
    r"(?:automatically\s+)?(?:renew|be\s+(?:automatically\s+)?renewed)"
)


def part_renews(flat: str) -> bool:
    """Whether the sentence renews a part under the agreement (an attachment, an order form),
    not the agreement or its term."""
    m = _PART_RENEWS.search(flat)
    return m is not None and not re.search(r"agreement|contract|term\b", m["part"], re.I)


def _notice_before_expiry(doc: Document) -> Field | None:
    """The first notice given against the end of a term; a sentence that says the notice stops
    a renewal ('notice of non-renewal', 'unless either party ...') before any other."""
    sentences = [
        s
        for s in doc.with_cue("NOTICE", "TERM", "RENEWAL", "TERMINATION", body=True)
        if re.search(r"notice|notif", s.flat, re.I)
        and re.search(r"renew|\bterminat|extend|extension|expir|cancel", s.flat, re.I)
        and not _ELECTS_TO_RENEW.search(s.flat)
        and not part_renews(s.flat)
    ]
    sentences.sort(key=lambda s: _STOPS_RENEWAL.search(s.flat) is None)  # stable: order kept
    for sentence in sentences:
        flat = sentence.flat
        if _FOR_CAUSE.search(flat):
            continue
        text = doc.pages[sentence.page - 1]
        until = _UNTIL_NOTICE.search(flat) is not None and "TERM" in sentence.cues
        until = until or _AFTER_INITIAL.search(flat) is not None
        for ent in sentence.of("DURATION"):
            if classify(doc, sentence, ent) != "notice" or not parse_duration(ent.text):
                continue
            after = " ".join(text[ent.end : min(sentence.end, ent.end + 160)].split())
            if _BEFORE_EXPIRY.search(after) or until:
                return duration_field(doc, "notice_period", sentence, ent, 0.75)
    return None
