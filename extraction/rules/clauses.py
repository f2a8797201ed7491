"""Clause detection with a typed summary: insurance, liability cap, termination for
convenience, warranty period, certifications/background checks, service credits.

Each rule needs both a cue (from the SpanRuler) and the obligation phrasing around it, so a
definition or a heading that merely mentions 'insurance' is not reported as a requirement.
"""

from __future__ import annotations

import re

from extraction.document import Document, Sentence
from extraction.normalize import money_str, parse_duration, parse_money
from extraction.rules.term import classify
from extraction.schema import Field

_INSURANCE_DUTY = re.compile(
    r"(?:shall|will|must|agrees?\s+to|is\s+required\s+to|undertakes?\s+to)\s+(?:\w+\s+){0,4}?"
    r"(?:obtain|maintain|carry|procure|keep|have|purchase|provide|effect)\b[^.]{0,200}"
    r"(?:insurance|insured|polic(?:y|ies)|cover(?:age)?)"
    r"|insurance\s+(?:coverage|policy|policies)\s+(?:of|with|in|maintained|required|carried)"
    r"|(?:minimum|following)\s+(?:types\s+and\s+amounts\s+of\s+)?insurance"
    r"|responsible\s+for\s+(?:obtaining|maintaining|procuring|carrying)[^.]{0,120}?insurance"
    r"|\b(?:are|is|be|remain)\s+(?:\w+\s+){0,2}insured\s+against"
    r"|insurance[^.]{0,80}?(?:minimum\s+(?:amount|sum|limit)|not\s+less\s+than|at\s+least)\s",
    re.IGNORECASE,
)
# "insurance" that names an industry or a regulator, not cover ("under the insurance laws",
# "Life Insurance Company"): removed before the duty test.
_NOT_COVER = re.compile(
    r"insurance\s+(?:laws?|code|regulations?|regulators?|departments?|commissioners?|"
    r"compan(?:y|ies)|holdings?|products?|business|industry|agents?|brokers?)\b",
    re.IGNORECASE,
)
_INSURANCE_TYPES = [
    ("general liability", r"(?:commercial\s+)?general\s+liability"),
    ("professional liability", r"professional\s+(?:liability|indemnity)|errors\s+and\s+omissions"),
    ("workers compensation", r"workers['’]?\s+compensation"),
    ("employers liability", r"employers['’]?\s+liability"),
    (
        "cyber liability",
        r"cyber(?:\s+|-)?(?:liability|security|risk)?\s*insurance|cyber\s+liability",
    ),
    ("automobile liability", r"(?:automobile|motor\s+vehicle|auto)\s+liability"),
    ("umbrella liability", r"umbrella|excess\s+liability"),
    ("product liability", r"products?\s+liability"),
    ("public liability", r"public\s+liability"),
    ("property", r"property\s+(?:damage\s+)?insurance|all[-\s]risks?"),
    ("fidelity bond", r"fidelity\s+bond|crime\s+insurance"),
]
_CAP = re.compile(
    r"(?:liability|liable)[^.]{0,250}?(?:shall\s+not\s+exceed|not\s+to\s+exceed|will\s+not\s+exceed|"
    r"(?:be\s+)?limited\s+to|in\s+excess\s+of|exceed(?:ing)?|greater\s+than|more\s+than|capped)"
    r"|(?:maximum|aggregate|total|cumulative|entire)\s+(?:\w+\s+){0,3}liability"
    r"|limitation\s+of\s+liability[^.]{0,40}(?:shall|will|is)"
    r"|in\s+no\s+event[^.]{0,200}(?:exceed|in\s+excess)"
    r"|(?:amount|damages|sums?)\s+recoverable[^.]{0,200}?(?:shall|will|is|are)?\s*(?:not|never)\s+"
    r"(?:to\s+)?exceed",
    re.IGNORECASE,
)
# Limits short of a stated cap, in the order tried: an excluded kind of loss, a sole
# remedy, a time bar on claims. Reported with a lower confidence and the limit as `basis`.
_LIMITS = [
    (
        "liable for no more than a stated maximum",
        re.compile(
            r"liable\s+(?:to\s+[^.]{0,80}?)?for\s+(?:no\s+more\s+than|any\s+amount\s+in\s+excess)"
            r"|cumulative\s+maximum|maximum\s+(?:aggregate\s+)?(?:amount\s+of\s+)?liability",
            re.IGNORECASE,
        ),
    ),
    (
        "excludes indirect or consequential loss",
        re.compile(
            r"(?:not|no\s+event\b[^.]{0,120}?|no\s+circumstances\b[^.]{0,120}?|neither\s+party"
            r"[^.]{0,40}?)\s*(?:be\s+)?(?:liable|responsible)\b[^.]{0,250}?"
            r"(?:indirect|consequential|incidental|special|punitive|exemplary|"
            r"(?:lost|loss\s+of)\s+(?:profits?|revenues?|business|savings))"
            r"|liability\s+for\s+(?:any\s+)?(?:indirect|consequential)[^.]{0,200}?"
            r"(?:is|are|shall\s+be)\s+excluded",
            re.IGNORECASE,
        ),
    ),
    (
        "sole liability or exclusive remedy",
        re.compile(
            r"sole\s+(?:and\s+exclusive\s+)?liability|(?:sole|exclusive)\s+remedy[^.]{0,200}?"
            r"(?:liability|limited\s+to|shall\s+be)",
            re.IGNORECASE,
        ),
    ),
    (
        "time limit on claims",
        re.compile(
            r"(?:action|claim|proceeding|suit)s?\b[^.]{0,120}?(?:must|shall|may\s+only)\s+be\s+"
            r"(?:commenced|brought|filed|made)\s+within\s+[^.]{0,40}?(?:days?|months?|years?)",
            re.IGNORECASE,
        ),
    ),
]
_CONVENIENCE = re.compile(
    r"terminat\w*[^.]{0,200}?(?:for\s+(?:its\s+)?convenience|without\s+cause|for\s+any\s+reason|"
    r"for\s+any\s+or\s+no\s+reason|for\s+no\s+reason|at\s+will|without\s+(?:giving\s+)?(?:any\s+)?reason|"
    r"in\s+(?:its|their)\s+(?:sole\s+)?discretion|with\s+or\s+without\s+cause)"
    r"|(?:for\s+(?:its\s+)?convenience|without\s+cause|for\s+any\s+reason|at\s+any\s+time|"
    r"in\s+(?:its|their)\s+sole\s+discretion)[^.]{0,120}?terminat"
    r"|(?:either\s+party|each\s+party|[A-Z][\w-]+)\s+may\s+(?:at\s+any\s+time\s+)?terminate\s+"
    r"(?:this\s+agreement|the\s+agreement|the\s+services|this\s+contract|the\s+contract|"
    r"its\s+participation)[^.]{0,100}?"
    r"(?:upon|by\s+giving|on|with|by\s+providing)[^.]{0,40}?notice",
    re.IGNORECASE,
)
# What follows a termination ("survives termination for any reason") is not a right to
# terminate; such a sentence counts only when it also grants one.
_AFTERMATH = re.compile(
    r"surviv|without\s+prejudice|(?:upon|on|after|following|from\s+and\s+after)\s+(?:the\s+)?"
    r"(?:any\s+)?(?:termination|expiration|expiry)|(?:if|when|in\s+the\s+event)\b[^.]{0,120}?"
    r"(?:is|are|be|been)\s+terminated|termination\s+or\s+expiration|expiration\s+or\s+termination",
    re.IGNORECASE,
)
_GRANT = re.compile(
    r"\bmay\s+(?:\w+\s+){0,4}?(?:terminate|cancel)|right\s+to\s+(?:terminate|cancel)|"
    r"entitled\s+to\s+(?:terminate|cancel)|option\s+to\s+(?:terminate|cancel)",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(
    r"breach|default|insolven|bankrupt|fails?\s+to|failure|material|change\s+of\s+control|"
    r"force\s+majeure",
    re.IGNORECASE,
)
_WARRANTY = re.compile(
    r"(?:warrant\w*|guarantee\s+period|defects\s+liability)[^.]{0,200}?"
    r"(?:for\s+(?:a\s+)?(?:period\s+of\s+)?|period\s+of\s+|within\s+)(?P<dur>(?:\w+[\s-]*){1,3}"
    r"(?:\(\s*\d+\s*\)\s*)?(?:days?|months?|years?))"
    r"|(?P<dur2>(?:\w+[\s-]*){1,3}(?:\(\s*\d+\s*\)\s*)?(?:days?|months?|years?))\s+warranty",
    re.IGNORECASE,
)
_CERTS = [
    (
        "background check",
        r"background\s+(?:check|screening|investigation)s?|criminal\s+(?:record|background)",
    ),
    ("drug screening", r"drug\s+(?:screening|test(?:ing)?)"),
    ("security clearance", r"security\s+clearance"),
    ("ISO 27001", r"ISO(?:/IEC)?\s*27001"),
    ("ISO 9001", r"ISO\s*9001"),
    ("SOC 2", r"SOC\s*2"),
    ("PCI DSS", r"PCI[\s-]?DSS"),
    ("CompTIA A+", r"CompTIA\s+A\+"),
    ("Microsoft certified", r"Microsoft\s+Certified[\w\s:-]{0,40}?(?=[,.;)]|\s+or\b|\s+and\b)"),
    ("Cisco CCNA", r"CCNA"),
    ("ITIL", r"ITIL(?:\s+v?\d)?(?:\s+Foundation)?"),
    ("OSHA", r"OSHA(?:\s+\d+)?"),
]


def insurance(doc: Document) -> Field | None:
    """Insurance the contract requires: a list of {type, minimum, currency}."""
    hits: list[Sentence] = [
        s for s in doc.with_cue("INSURANCE") if _INSURANCE_DUTY.search(_NOT_COVER.sub("", s.flat))
    ]
    if not hits:
        return None
    items: list[dict[str, object]] = []
    seen: set[str] = set()
    for sentence in hits:
        flat = sentence.flat
        for kind, pattern in _INSURANCE_TYPES:
            for match in re.finditer(pattern, flat, re.IGNORECASE):
                if kind in seen:
                    break
                tail = flat[match.end() : match.end() + 160]
                money = parse_money(tail.split(";")[0])
                seen.add(kind)
                items.append(
                    {
                        "type": kind,
                        "minimum": money_str(money[0]) if money else None,
                        "currency": money[1] if money else None,
                    }
                )
    for table in doc.tables:
        for row in table.rows:
            line = " ".join(row)
            for kind, pattern in _INSURANCE_TYPES:
                if kind not in seen and re.search(pattern, line, re.IGNORECASE):
                    money = parse_money(line)
                    seen.add(kind)
                    items.append(
                        {
                            "type": kind,
                            "minimum": money_str(money[0]) if money else None,
                            "currency": money[1] if money else None,
                        }
                    )
    return doc.make_field(hits[0], "insurance", items, confidence=0.8 if items else 0.6)


def liability_cap(doc: Document) -> Field | None:
    """A cap on liability: the amount when stated, else the basis ('fees paid in 12 months')."""
    for sentence in doc.with_cue("LIABILITY"):
        flat = sentence.flat
        if not _CAP.search(flat):
            continue
        if not re.search(
            r"exceed|limited\s+to|maximum|aggregate|total|cumulative|cap|in\s+excess", flat, re.I
        ):
            continue
        money = parse_money(flat)
        basis = re.search(
            r"(?:fees|amounts|charges|sums)\s+(?:actually\s+)?(?:paid|payable)[^.;]{0,120}",
            flat,
            re.IGNORECASE,
        )
        normalized = {
            "amount": money_str(money[0]) if money else None,
            "currency": money[1] if money else None,
            "basis": basis.group(0) if basis else None,
        }
        return doc.make_field(sentence, "liability_cap", normalized, confidence=0.75)
    return _limitation(doc)


def _limitation(doc: Document) -> Field | None:
    """A limitation of liability with no stated cap (see `_LIMITS`), the strongest kind first."""
    sentences = doc.with_cue("LIABILITY")
    for basis, pattern in _LIMITS:
        for sentence in sentences:
            if pattern.search(sentence.flat):
                normalized = {"amount": None, "currency": None, "basis": basis}
                return doc.make_field(sentence, "liability_cap", normalized, confidence=0.55)
    return None


def termination_for_convenience(doc: Document) -> Field | None:
    """Termination without cause: who may terminate and on how much notice."""
    for sentence in doc.with_cue("TERMINATION"):
        flat = sentence.flat
        match = _CONVENIENCE.search(flat)
        if not match:
            continue
        explicit = re.search(
            r"convenience|without\s+cause|for\s+any\s+(?:or\s+no\s+)?reason|at\s+will|no\s+reason|"
            r"sole\s+discretion|without\s+(?:giving\s+)?(?:any\s+)?reason",
            flat,
            re.I,
        )
        if not explicit and _FOR_CAUSE.search(flat):
            continue
        if _AFTERMATH.search(flat) and not _GRANT.search(flat):
            continue
        notice = None
        for ent in sentence.of("DURATION"):
            if classify(doc, sentence, ent) == "notice":
                notice = parse_duration(ent.text)
                break
        who = re.search(r"((?i:either|each)\s+party|[A-Z][\w-]+)\s+may", flat)
        normalized = {"by": who.group(1) if who else None, "notice": notice}
        return doc.make_field(
            sentence, "termination_for_convenience", normalized, confidence=0.8 if explicit else 0.6
        )
    return None


def warranty_duration(doc: Document) -> Field | None:
    """How long a warranty runs ('warrants ... for a period of ninety (90) days')."""
    for sentence in doc.with_cue("WARRANTY"):
        flat = sentence.flat
        match = _WARRANTY.search(flat)
        if not match:
            continue
        duration = parse_duration(match["dur"] or match["dur2"])
        if not duration or re.search(r"notice|surviv", flat[: match.start() + 60], re.I):
            continue
        return doc.make_field(sentence, "warranty_duration", duration, confidence=0.7)
    return None


def certifications(doc: Document) -> Field | None:
    """Certifications or checks required of the provider or of technicians sent on site."""
    found: list[str] = []
    first: Sentence | None = None
    for sentence in doc.with_cue("CERT"):
        flat = sentence.flat
        if not re.search(r"shall|must|will|required|require|only|agrees?", flat, re.I):
            continue
        for label, pattern in _CERTS:
            match = re.search(pattern, flat, re.IGNORECASE)
            if match:
                name = (
                    label
                    if label not in ("Microsoft certified",)
                    else " ".join(match.group(0).split())
                )
                if name not in found:
                    found.append(name)
                    first = first or sentence
    if first is None:
        return None
    return doc.make_field(first, "certifications", found, confidence=0.75)


def service_credits(doc: Document) -> Field | None:
    """Service credits or penalties: percentages of the fee and what triggers them."""
    credits: list[dict[str, object]] = []
    first: Sentence | None = None
    for sentence in doc.with_cue("CREDIT"):
        flat = sentence.flat
        if not re.search(
            r"service\s+credit|penalt|liquidated|credit\s+of|fee\s+reduction", flat, re.I
        ):
            continue
        percents = sentence.of("PERCENT")
        moneys = sentence.of("MONEY")
        if not percents and not moneys:
            continue
        first = first or sentence
        for ent in percents:
            value = re.match(r"\d+(?:\.\d+)?", ent.text)
            credits.append({"percent": value.group(0) if value else ent.text, "amount": None})
        for ent in moneys:
            money = parse_money(ent.text)
            if money:
                credits.append(
                    {"percent": None, "amount": money_str(money[0]), "currency": money[1]}
                )
    for table in doc.tables:
        header = " ".join(table.rows[0]).lower()
        if "credit" not in header:
            continue
        for row in table.rows[1:]:
            for cell in row:
                pct = re.search(r"(\d+(?:\.\d+)?)\s?%", cell)
                if pct:
                    credits.append({"percent": pct.group(1), "amount": None, "when": row[0]})
    if first is None and not credits:
        return None
    if first is None:
        first = doc.sentences[0]
    return doc.make_field(first, "service_credits", credits, confidence=0.7)
