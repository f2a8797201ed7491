"""Renewal: whether the agreement runs on after its term (auto_renewal) and for how long.

'shall thereafter renew automatically for successive one (1) year periods' renews the
agreement for a year at a time; a renewal both parties must later agree to, a holdover
until notice is given, or a renewal of some other period ('"Contract Year" means each
successive ...') is no renewal term. The notice that stops a renewal is
extraction/rules/notice.py; each duration's role ('successive', 'at least ... prior') is
read by extraction/rules/term.classify.
"""

from __future__ import annotations

import re

from extraction.document import Document, Sentence, build_document
from extraction.normalize import parse_duration
from extraction.rules.expiry import OTHER_DEFINITION
from extraction.rules.notice import notice_period
from extraction.rules.runs_on import runs_on_after_initial_term
from extraction.rules.term import classify, duration_field
from extraction.schema import Field

# 'renew automatically each year', 'renewing annually thereafter': a one-year renewal.
_YEARLY = re.compile(
    r"(?:renew\w*|extend\w*)\s+(?:\w+\s+){0,2}?(?:annually|each\s+year|every\s+year|yearly|"
    r"for\s+(?:another|a\s+further|an\s+additional)\s+year)\b",
    re.IGNORECASE,
)


# 'for successive terms of the same duration', 'equal to the Initial Term', 'for like terms',
# 'for the term of one year; thereafter, the Agreement shall renew automatically under these
# same terms' (the renewal states no other length): the initial term.
_SAME_AS_INITIAL = re.compile(
    r"(?:successive|additional|further|renewal)\s+(?:terms?|periods?)\s+(?:each\s+)?(?:of\s+)?"
    r"(?:the\s+same\s+(?:duration|length)|(?:equal|identical)\s+(?:in\s+(?:duration|length)\s+)?"
    r"to\s+the\s+(?:initial|original)\s+(?:term|period))|"
    r"\bfor\s+(?:a\s+)?(?:successive\s+|additional\s+|further\s+)?like\s+(?:terms?|periods?)\b|"
    r"\brenew(?:s|ed)?\s+automatically\s+(?:under|on|upon)\s+(?:the|these)\s+same\s+terms\b",
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
# 'may be extended ... by mutual written agreement', 'upon the parties' mutual agreement in
# writing', 'By mutual agreement of the Parties, the Initial Term may be extended': a renewal
# only if both agree later, so no renewal term.
_MUTUAL_RENEWAL = re.compile(
    r"(?:renew|extend)\w*\s+[^.;]{0,100}?(?:by|upon|with)\s+(?:the\s+)?mutual\s+(?:written\s+)?"
    r"(?:agreement|consent|understanding)|^by\s+mutual\s+(?:written\s+)?agreement|"
    r"\bmay\s+be\s+(?:renewed|extended)\b[^.;]{0,100}?\bmutual\s+(?:written\s+)?(?:agreement|consent)|"
    r"(?:renewal|extension)\s+[^.;]{0,60}?negotiated\s+in\s+good\s+faith|"
    r"(?:renew|extend)\w*\s+[^.;]{0,60}?by\s+(?:the\s+)?(?:written\s+)?agreement\s+of\s+"
    r"(?:both|all|the)\s+parties",
    re.IGNORECASE,
)
# '(each a "Renewal Term")', '("Extension Terms")': the sentence that names the renewal period.
_NAMES_RENEWAL = re.compile(
    r"[(“\"]\s*(?:each\s*,?\s*)?(?:an?\s+|the\s+)?[“\"']?(?:renewal|extension)\s+(?:term|period)s?\b",
    re.IGNORECASE,
)
# 'the first year of the term of the Agreement will be extended ... for up to an additional four
# (4) months' (a make-good): a part of the term is lengthened, the agreement does not renew.
_PART_OF_TERM = re.compile(
    r"\b(?:first|second|third|fourth|fifth|final|last|initial|current)\s+(?:contract\s+)?"
    r"(?:year|month|quarter)\s+of\s+the\s+term\b(?:\s+of\s+(?:this|the)\s+agreement)?\s+"
    r"(?:shall|will|may)\s+(?:\w+\s+){0,2}?(?:be\s+)?(?:extended|renewed)",
    re.IGNORECASE,
)
# 'the Support Period shall automatically be extended', 'The Profiling Term may be extended',
# 'the right to extend the term of the CDx Development Program': a period the agreement
# defines (a programme's, a licence's) is lengthened, not the agreement's term.
_OTHER_PERIOD_EXTENDED = re.compile(
    r"\b[Tt]he\s+(?P<name>(?:[A-Z][\w-]*\s+){1,4})(?:Period|Term)\s+(?:shall|will|may)\s+"
    r"(?:\w+\s+){0,3}?(?:be\s+)?(?:automatically\s+)?(?:extended|renewed)|"
    r"\b(?:extend|renew)\s+the\s+(?:term\s+of\s+the\s+)?(?P<program>(?:[A-Z][\w-]*\s+){1,5})"
    r"(?:Program|Programme|Project|Study|Plan)\b"
)
_AGREEMENT_PERIOD = re.compile(
    r"^(?:initial|renewal|extension|extended|agreement|contract|original|current|then-current|"
    r"additional|subsequent|primary|base|first|second|third)\b",
    re.IGNORECASE,
)
# 'If an event of Force Majeure occurs, ... obligations ... shall be automatically extended
# ... for a period equal to such suspension': time to perform is lengthened, no renewal.
_DELAY_EXTENSION = re.compile(
    r"force\s+majeure|\bequal\s+to\s+(?:the\s+(?:period|length)\s+of\s+)?(?:such|the|any)\s+"
    r"(?:suspension|delay)",
    re.IGNORECASE,
)
_GLOSSARY = re.compile(r"^(?:[\d.()a-z]{1,8}\s+)?[A-Z][\w ]{1,30}:\s+(?:the|each|a)\s+period\b")


# The agreement (or its term) renewing or running on: what a renewal term belongs to.
_RENEWS_AGREEMENT = re.compile(
    r"\b(?:agreement|term|contract|franchise|jsma|oma)\b[^.;]{0,240}?(?:renew|extend|extension|continu|"
    r"prolong)|\b(?:agreement|term|contract)\s+(?:shall|will|is|may)\s+(?:\w+\s+){0,4}?"
    r"(?:on\s+an?\s+)?(?:month|year)[\s-]+to[\s-]+(?:month|year)|"
    r"(?:renew|extend|extension|prolong)\w*[^.;]{0,80}?\b(?:agreement|term|contract|franchise)\b|"
    # 'The initial term of this Agreement is two (2) years; thereafter it shall renew ...'
    r"\b(?:agreement|term|contract)\b[^.]{0,240}?;\s*(?:and\s+)?(?:thereafter|after\s+which)\b"
    r"[^.;]{0,40}?(?:renew|extend|continu)|"
    # 'the one time right to obtain a successor franchise ... for a single term of five years'
    r"\bsuccessor\s+franchise\b",
    re.IGNORECASE,
)


# 'If applicable law requires longer notice, the Franchise Agreement will remain in effect on
# a month-to-month basis until the requisite notice has been given': a holdover, not a term.
_HOLDOVER = re.compile(
    r"^(?:if|in\s+the\s+event)\b[^.;]{0,200}?month[\s-]+to[\s-]+month|"
    r"month[\s-]+to[\s-]+month[^.;]{0,40}?until\s+(?:the\s+)?(?:requisite|required)",
    re.IGNORECASE,
)


def runs_on_after_term(doc: Document) -> Field | None:
    """renewal_term 'perpetual': after its initial term the agreement continues until a party
    ends it (no renewal length; the contract is evergreen from then on)."""
    for sentence in doc.with_cue("RENEWAL", "TERM", body=True):
        flat = sentence.flat
        if _MUTUAL_RENEWAL.search(flat) or _HOLDOVER.search(flat):
            continue
        if runs_on_after_initial_term(flat):
            return doc.make_field(sentence, "renewal_term", "perpetual", confidence=0.7)
    return None


def renewal_sentences(doc: Document) -> list[Sentence]:
    """Body sentences with a renewal cue that speak of renewing or of a period."""
    return [
        s
        for s in doc.with_cue("RENEWAL", body=True)
        if re.search(r"renew|extend|month|year|stay\s+in\s+force|successive", s.text, re.I)
    ]


def renews_agreement(flat: str) -> bool:
    """A renewal sentence about the agreement itself, not a definition of some other period."""
    if not re.search(r"agreement|term|contract|maintenance|support|services", flat, re.I):
        return False
    if OTHER_DEFINITION.search(flat) or _GLOSSARY.search(flat) or _PART_OF_TERM.search(flat):
        return False
    if _DELAY_EXTENSION.search(flat) or _extends_other_period(flat):
        return False
    return _RENEWS_AGREEMENT.search(flat) is not None


def _extends_other_period(flat: str) -> bool:
    """The sentence lengthens a period the agreement defines, not the agreement's own term."""
    for match in _OTHER_PERIOD_EXTENDED.finditer(flat):
        name = (match["name"] or match["program"]).strip()
        if not _AGREEMENT_PERIOD.search(name):
            return True
    return False


def renewal(
    doc: Document, suggestions: dict[str, Field] | None = None, initial: Field | None = None
) -> dict[str, Field]:
    """auto_renewal, renewal_term and notice_period from renewal clauses.

    A notice period read only from a termination clause is the notice to end the contract,
    not the notice to stop a renewal: it goes into `suggestions` (when given), never `out`.
    """
    out: dict[str, Field] = {}
    sentences = renewal_sentences(doc)
    clauses = [s for s in sentences if renews_agreement(s.flat)]
    first: Field | None = None
    named: Field | None = None
    for sentence in clauses:
        length = _renewal_length(doc, sentence, initial) or _across_page(doc, sentence, initial)
        if length is not None and first is None:
            first = length
        if length is not None and named is None and _NAMES_RENEWAL.search(sentence.flat):
            named = length
        if "auto_renewal" not in out and _AUTO.search(sentence.flat):
            out["auto_renewal"] = doc.make_field(sentence, "auto_renewal", True, confidence=0.85)
    # The sentence that names the renewal period ('(the "Renewal Term")') is the renewal; an
    # earlier one may only lengthen the initial term ('elects to extend the Initial Term by
    # an additional twenty four (24) months').
    if (chosen := named or first) is not None:
        out["renewal_term"] = chosen
    if "renewal_term" not in out and (runs_on := runs_on_after_term(doc)) is not None:
        out["renewal_term"] = runs_on
    if "auto_renewal" not in out:
        for sentence in sentences:
            if _OPTIONAL.search(sentence.flat):
                out["auto_renewal"] = doc.make_field(
                    sentence, "auto_renewal", False, confidence=0.6
                )
                break
    notice = notice_period(doc, clauses, suggestions)
    if notice is not None:
        out["notice_period"] = notice
    return out


def _renewal_length(doc: Document, sentence: Sentence, initial: Field | None) -> Field | None:
    """The renewal length one renewal clause states: a duration in a renewal role, 'renew
    automatically each year', or 'successive periods equal to the initial term'."""
    flat = sentence.flat
    if not _HOLDOVER.search(flat) and not _MUTUAL_RENEWAL.search(flat):
        for ent in sentence.of("DURATION"):
            if classify(doc, sentence, ent) == "renewal" and parse_duration(ent.text):
                return duration_field(doc, "renewal_term", sentence, ent, 0.8)
    if _YEARLY.search(flat):
        return doc.make_field(sentence, "renewal_term", {"n": 1, "unit": "year"}, confidence=0.7)
    if (
        initial is not None
        and isinstance(initial.normalized, dict)
        and _SAME_AS_INITIAL.search(flat)
    ):
        return doc.make_field(sentence, "renewal_term", dict(initial.normalized), confidence=0.7)
    return None


def _across_page(doc: Document, sentence: Sentence, initial: Field | None) -> Field | None:
    """The renewal length of a clause a page break cuts ('... extended automatically for a
    period of 12' | 'months, each such extension ...'): the page's last sentence and the next
    page's first, read as one sentence (provenance stays on the first part)."""
    following = sentence.index + 1
    if following >= len(doc.sentences) or sentence.flat[-1:] in ".;:!?":
        return None
    rest = doc.sentences[following]
    if rest.page != sentence.page + 1 or not re.match(r"[a-z0-9]", rest.flat):
        return None
    whole = build_document([f"{sentence.flat} {rest.flat}"])
    for part in whole.sentences:
        if (length := _renewal_length(whole, part, initial)) is not None:
            return doc.make_field(
                sentence, "renewal_term", length.normalized, confidence=length.confidence
            )
    return None
