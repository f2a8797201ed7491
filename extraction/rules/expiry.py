"""When the agreement ends: the end date its term sentence states, an anniversary of the start,
the start plus the initial term, or 'perpetual' when it runs until a party ends it.

A lawyer reads the end where the term is stated ('The term of this Agreement shall ... end
on ...'), not in a covenant that runs after it ('for three (3) years thereafter'), another
term's definition ('"Calendar Quarter" means ... ending on March 31') or a period counted from
some event ('ten (10) years from the Launch'): those give no date, and no date is better
than a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from extraction.document import Document, Sentence
from extraction.normalize import add_duration, parse_date
from extraction.rules.date_text import date_field, sentence_dates
from extraction.rules.dates import SUGGESTED
from extraction.rules.period_ends import counted_years, stated_end
from extraction.rules.referred_ends import referred_end
from extraction.rules.runs_on import runs_on_after_initial_term
from extraction.rules.stated_ends import AROUND_TERM, reads_as_end, term_named_near
from extraction.rules.term_counts import of_the_agreement, runs_from_event
from extraction.schema import Field

# A definition of some other term ('"Calendar Quarter" means ... ending on March 31'):
# its dates and durations are not the agreement's.
OTHER_DEFINITION = re.compile(
    r"^(?:[\d.()a-z]{1,8}\s+)?[“\"'‘](?![^”\"'’]{0,30}\b(?:term|(?:initial|original|contract|"
    r"agreement|service|renewal)\s+period|expiration\s+date|termination\s+date|end\s+date)\b)"
    r"[^”\"'’]{2,50}[”\"'’]\s*(?:shall\s+mean|means|shall\s+have)",
    re.IGNORECASE,
)


_PERPETUAL = re.compile(
    # 'continues in perpetuity', 'remain in force for perpetuity', 'valid for an indefinite term'
    r"(?:continu\w*|remain\w*|valid|effect|force)\s+(?:(?:in|full|force|and|effect|valid|"
    r"binding|operation|existence)\s+){0,4}?(?:in|for)\s+(?:perpetuity|"
    r"an?\s+(?:indefinite|unlimited)\s+(?:term|period|duration))|"
    r"(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"(?:indefinitely|in\s+perpetuity|perpetually|until\s+(?:it\s+is\s+)?terminat|"
    r"unless\s+and\s+until|until\s+(?:either|one\s+of\s+the|the)\s+part(?:y|ies)\s+"
    r"(?:gives|terminat|informs|notifies|provides|serves))"
    r"|shall\s+be\s+perpetual|no\s+fixed\s+term"
    # 'the term of this Agreement shall (i) with respect to the marks, be for the License Term,
    # ... and (iv) with respect to the patents, be in perpetuity': its longest part
    r"|\bbe\s+(?:in|for)\s+perpetuity"
    # 'shall end on the 60th day following a written notice from one party to the other'
    r"|\bend\w*\s+on\s+the\s+\w+\s+day\s+(?:following|after)\s+(?:a|the)\s+(?:written\s+)?notice",
    re.IGNORECASE,
)


# A term that ends on an event, not on a date ("until the earlier of (i) the Owner no
# longer owns ... and (ii) notice", "ending on the expiration of all Service Attachments"):
# no calendar end, so 'perpetual' when the sentence states no date and no duration.
_EVENT_END = re.compile(
    r"(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"until\s+the\s+(?:earlier|later|first)\s+(?:to\s+occur\s+)?of"
    r"|end(?:ing|s)?\s+(?:on|upon|with)\s+the\s+(?:expiration|termination)\s+(?:and/or|or|and)\s+"
    r"(?:termination|expiration)\s+of\s+(?:all|the\s+last|each)"
    # 'shall continue in effect thereafter until terminated': an end on an event, not a date.
    # ('until the expiration of the Royalty Term', '... of the Sublicense Agreement' end with
    # another instrument, on a date this contract does not state: no value, not 'perpetual'.)
    r"|(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
    r"(?:\w+\s+){0,4}?until\s+(?:it\s+is\s+|so\s+)?terminated\b|\bend\s+when\s+terminated\b"
    # 'shall continue in effect until Achaogen ceases to ...', 'shall expire if the Adviser
    # ceases to serve': the end is an event.
    r"|(?:continu\w*|remain\w*)\s+[^.;]{0,40}?until\s+[^.;]{0,60}?\bceases?\b"
    # 'end on the expiration date of the operation term of Party B': another period's end.
    r"|\bend(?:s|ing)?\s+(?:on|upon|with)\s+the\s+(?:expiration|termination|expiry)(?:\s+date)?\s+"
    r"of\s+(?!(?:this|the)\s+(?:initial\s+)?(?:term|agreement)\b)"
    # 'shall govern the relations between the parties hereto thereafter, unless terminated'
    r"|\bthereafter,?\s+unless\s+(?:and\s+until\s+)?(?:sooner\s+|earlier\s+)?terminated"
    r"|\b(?:expire|terminate)\s+(?:if|when)\s+[^.;]{0,80}?\bceases?\s+to\b",
    re.IGNORECASE,
)


# 'shall begin on the Effective Date and continue for three (3) years thereafter': the term,
# counted from the start the sentence names, not a covenant after the term.
RUNS_ON = re.compile(
    r"\b(?:commenc\w*|begin\w*|effective)\b[^.;]{0,80}?(?:\band|,)\s+(?:shall\s+|will\s+)?"
    r"(?:continue|extend|remain)\w*\s+[^.;]{0,40}$",
    re.IGNORECASE,
)


OWN_TERM = re.compile(
    r"(?:term\s+of\s+(?:this|the)\s+(?:agreement|contract)|(?:this|the)\s+(?:agreement|contract)"
    r"\s+(?:and\s+)?(?:shall|will|is\s+to)\s+(?:\w+\s+){0,3}?(?:terminate|expire|continue|remain|end|be\s+in|"
    r"be\s+for\s+an?\s+(?:initial\s+)?(?:term|period))|"
    r"\bagreement\s+(?:and\s+)?shall\s+(?:terminate|expire)|"
    r"initial\s+(?:term|period)|contract\s+period|(?:expiration|termination|end)\s+date\s*:?|"
    r"contract\s+end\s*:|(?:contract\s+)?expiry(?:\s+date)?\s*:|"
    r"shall\s+(?:be\s+in\s+effect|remain\s+in\s+(?:full\s+)?(?:force|effect))\s+until|"
    r"^(?:it|this\s+agreement)\s+shall|"
    # 'This Agreement shall commence on the "Effective Date" and shall continue for ...'
    # ('... shall take effect from the Effective Date and continue ...', 'come into force')
    r"(?:this|the)\s+(?:agreement|contract)\s+(?:(?:shall|will)\s+(?:commence|begin|become\s+effective|"
    r"be\s+effective|take\s+effect|(?:come|enter)\s+into\s+(?:force|effect))|"
    r"is\s+effective)[^.;]{0,80}?\band\s+(?:\w+\s+)?(?:continue|extend|remain|expire|terminate)|"
    # 'All terms of this Agreement will automatically commence on November 1st, 2017, and expire'
    r"\bterms\s+of\s+(?:this|the)\s+(?:agreement|contract)\s+(?:shall|will)\s+(?:\w+\s+)?"
    r"(?:commence|begin)\b|"
    # '... shall expire upon the earlier of (i) the first anniversary ... (the "Term")'
    r"\(\s*(?:the\s+)?[“\"'‘]+term[”\"'’]+\s*\)|"
    # '"Term" shall mean the Effective Date through June 15, 2001', 'TERM: ... to ...'
    r"^(?:[\d.()a-z]{1,8}\s+)?(?:the\s+)?[“\"'‘]?(?:initial\s+)?term[”\"'’]?\s*(?:shall\s+mean|means|:))",
    re.IGNORECASE,
)


def states_own_term(flat: str) -> bool:
    """Whether a sentence states this agreement's own term (not merely mentions it)."""
    for m in OWN_TERM.finditer(flat):
        named = re.match(
            r"initial\s+(?:term|period)|term\s+of\s+(?:this|the)\s+(?:agreement|contract)",
            m.group(0),
            re.IGNORECASE,
        )
        if not (named and AROUND_TERM.search(flat[max(0, m.start() - 30) : m.start()])):
            return True
    return False


def expiration_date(
    doc: Document, effective: Field | None, agreement: Field | None, term: Field | None
) -> Field | None:
    """Explicit end date, else start + initial term, else 'perpetual' when it runs until ended."""
    start_iso = (
        effective.normalized if effective and isinstance(effective.normalized, str) else None
    )
    start = date.fromisoformat(start_iso) if start_iso else None
    # the agreement date copied as the start (a suggestion) is not a start the contract states
    stated_start = effective is not None and effective.confidence > SUGGESTED
    explicit: list[tuple[float, int, Field]] = []
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        if OTHER_DEFINITION.search(sentence.flat):
            continue
        for ent in sentence_dates(sentence):
            if ent.label == "DATE_BLANK" or not reads_as_end(doc, sentence, ent):
                continue
            # The sentence stating the term, or a Term section, is where a lawyer reads the end.
            own = (
                states_own_term(sentence.flat)
                or (term is not None and term.snippet == sentence.flat)
                or re.search(r"\bterm\b|duration", sentence.section, re.I)
            )
            parsed = parse_date(ent.text)
            if parsed and start and parsed <= start and (stated_start or not own):
                continue  # (a contract signed after its term began may state an earlier end)
            if not own and not term_named_near(doc, sentence, ent):
                continue  # 'the first Fiscal Year shall ... end on March 31': not a term's end
            score = 0.85 if own else 0.6
            made = date_field(doc, "expiration_date", sentence, ent, score)
            if made is not None:
                explicit.append((score, -sentence.index, made))
    if explicit and max(explicit, key=lambda c: (c[0], c[1]))[0] >= 0.85:
        return max(explicit, key=lambda c: (c[0], c[1]))[2]
    if (referred := referred_end(doc, start)) is not None:  # 'specified in Exhibit A'
        return referred
    agreed = agreement.normalized if agreement else None
    base = start or (date.fromisoformat(agreed) if isinstance(agreed, str) else None)
    worded = stated_end(doc, doc.with_cue("TERM", "EFFECTIVE", body=True), base, OWN_TERM)
    if worded is not None:  # 'until the end of 2006', 'for ten (10) Contract Years'
        return doc.make_field(worded[0], "expiration_date", worded[1].isoformat(), confidence=0.8)
    anniversary = _anniversary(doc, start, agreement, effective)
    if anniversary is not None:
        return anniversary
    perpetual = _perpetual(doc)
    if perpetual is not None and (
        term is None or term.confidence < 0.85 or perpetual.confidence >= 0.7
    ):
        return perpetual
    if (
        term is not None
        and isinstance(term.normalized, dict)
        and not runs_from_event(doc, term)
        and (term.confidence >= 0.85 or of_the_agreement(term))
    ):
        base = start
        if (
            re.search(
                r"date\s+of\s+(?:its\s+)?(?:execution|this\s+agreement)|date\s+first\s+above|date\s+hereof",
                term.snippet,
                re.IGNORECASE,
            )
            and agreement
            and isinstance(agreement.normalized, str)
        ):
            base = date.fromisoformat(agreement.normalized)
        if base is None and agreement and isinstance(agreement.normalized, str):
            base = date.fromisoformat(agreement.normalized)
        blank = (
            effective.normalized if effective and isinstance(effective.normalized, dict) else None
        )
        if base is None and blank and blank.get("year") and term.normalized["unit"] == "year":
            # '[]/7/2013' plus 20 years ends in July 2033: the known month is kept.
            year = blank["year"] + term.normalized["n"]
            blank_end = {"blank": True, "year": year, "month": blank.get("month")}
            return replace(term, name="expiration_date", normalized=blank_end, confidence=0.3)
        if base is not None:
            end = add_duration(base, term.normalized)
            if end is not None:  # the term's own provenance: the sentence that states it
                return replace(
                    term, name="expiration_date", normalized=end.isoformat(), confidence=0.7
                )
    if perpetual is not None:
        return perpetual
    if explicit:
        return max(explicit, key=lambda c: (c[0], c[1]))[2]
    return None


# 'shall extend until the four (4) year anniversary of the Effective Date', 'end on the fifth
# anniversary of the date hereof': the start plus that many years.
_ANNIVERSARY_CORE = (
    # 'the Effective Date through the day prior to the second anniversary of the Effective Date'
    # is the same two-year term as 'two years from the Effective Date': the same end is given
    # (the anniversary, as for every term counted from the start).
    r"(?:(?:day\s+(?:immediately\s+)?(?:prior\s+to|before|preceding))\s+the\s+)?"
    r"(?:(?P<ordinal>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|"
    r"twentieth)(?:\s*\(\d{1,2}\s*(?:s\s?t|n\s?d|r\s?d|t\s?h)\))?|(?P<n>[\w-]+(?:\s*\(\d+\))?)[\s-]+"
    r"year|\(?(?P<digits>\d{1,2})(?:s\s?t|n\s?d|r\s?d|t\s?h)\)?)"
    r"\s+anniversary\s+of\s+(?:the\s+)?(?P<base>effective\s+date|commencement\s+date|date\s+(?:hereof|"
    r"of\s+this\s+agreement|first\s+(?:above\s+)?written)|this\s+agreement)"
)
_ANNIVERSARY = re.compile(
    r"(?:until|on|upon|through|end\w*|expir\w*|terminat\w*)\s+(?:the\s+)?"
    r"(?:(?:earlier|later|first)\s+(?:to\s+occur\s+)?of\s*:?\s*(?:\(\w{1,4}\)\s*)?(?:the\s+)?)?"
    r"(?:date\s+(?:of\s+)?(?:the\s+)?)?" + _ANNIVERSARY_CORE,
    re.IGNORECASE,
)
# A list item finishing 'until the earlier of the below events occur:' ('(a) The fifth (5th)
# anniversary of this Agreement; and').
_ANNIVERSARY_ITEM = re.compile(
    r"^\(?(?:[a-h]|[ivx]{1,4}|\d{1,2})[).]\s+(?:the\s+)?(?:date\s+(?:of\s+)?(?:the\s+)?)?"
    + _ANNIVERSARY_CORE,
    re.IGNORECASE,
)


def with_items(doc: Document, sentence: Sentence) -> list[Sentence]:
    """A sentence and, when it ends in a colon, the list items that finish it ('until the
    earlier of the below events occur: (a) The fifth anniversary ...; and (b) ...')."""
    out = [sentence]
    if not sentence.flat.endswith(":"):
        return out
    for following in doc.sentences[sentence.index + 1 : sentence.index + 6]:
        if not _ITEM.match(following.flat):
            break
        out.append(following)
    return out


_ITEM = re.compile(r"^\(?(?:[a-h]|[ivx]{1,4}|\d{1,2})[).]\s", re.IGNORECASE)


def _anniversary(
    doc: Document, start: date | None, agreement: Field | None, effective: Field | None
) -> Field | None:
    for lead in doc.with_cue("TERM", "EFFECTIVE", body=True):
        if not OWN_TERM.search(lead.flat):
            continue
        items = with_items(doc, lead)
        found = [(lead, _ANNIVERSARY.search(lead.flat))] + [
            (s, _ANNIVERSARY_ITEM.search(s.flat)) for s in items[1:]
        ]
        for sentence, m in found:
            made = _anniversary_field(doc, sentence, m, start, agreement, effective) if m else None
            if made is not None:
                return made
    return None


def _anniversary_field(
    doc: Document,
    sentence: Sentence,
    m: re.Match[str],
    start: date | None,
    agreement: Field | None,
    effective: Field | None,
) -> Field | None:
    """The anniversary's date: the start (the agreement date for 'of the date hereof') plus
    the years; with only a blank start ('[]/[]/2020'), the year alone."""
    years = counted_years(m)
    base = start
    if not m["base"].lower().startswith(("effective", "commencement")) or base is None:
        agreed = agreement.normalized if agreement else None
        base = date.fromisoformat(agreed) if isinstance(agreed, str) else base
    end = add_duration(base, {"n": years, "unit": "year"}) if base and years else None
    if end is not None:
        return doc.make_field(sentence, "expiration_date", end.isoformat(), confidence=0.75)
    blank = effective.normalized if effective else None
    if isinstance(blank, dict) and blank.get("year") and years:
        year = {"blank": True, "year": blank["year"] + years, "month": blank.get("month")}
        return doc.make_field(sentence, "expiration_date", year, confidence=0.3)
    return None


def _perpetual(doc: Document) -> Field | None:
    for sentence in doc.with_cue("TERM", "EFFECTIVE", body=True):
        # A commencement sentence without a term cue may still end on an event ('shall
        # govern ... thereafter, unless terminated'); 'remain indefinitely' there is no term.
        if runs_on_after_initial_term(sentence.flat):
            continue  # evergreen after its initial term: the initial term's end is the end
        perpetual = "TERM" in sentence.cues and _PERPETUAL.search(sentence.flat)
        if perpetual and _after_fixed_term(sentence, perpetual.start()):
            perpetual = None
        items = with_items(doc, sentence)  # '... until the earlier of: (a) the fifth anniversary'
        match = perpetual or (
            _EVENT_END.search(sentence.flat)
            and not any(sentence_dates(s) or s.of("DURATION") for s in items)
            and not any(_ANNIVERSARY_ITEM.search(s.flat) for s in items[1:])
        )
        if match and re.search(r"agreement|employment|contract", sentence.text, re.IGNORECASE):
            # The commencement clause itself saying it runs until ended is the strongest sign.
            confidence = 0.7 if "EFFECTIVE" in sentence.cues else 0.6
            return doc.make_field(sentence, "expiration_date", "perpetual", confidence=confidence)
    return None


def _after_fixed_term(sentence: Sentence, at: int) -> bool:
    """'for a term of one year ...; thereafter, it shall automatically continue until
    terminated': running on until ended comes after a fixed term, which is where it ends."""
    before = sentence.flat[:at]
    return bool(re.search(r"\bthereafter\b", before, re.IGNORECASE)) and bool(
        sentence.of("DURATION")
    )
