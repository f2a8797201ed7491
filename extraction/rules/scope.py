"""Scope and relationship terms: document type, included/excluded services, escalation
contacts and the service tier (stated, or inferred from coverage and SLA targets)."""

from __future__ import annotations

import re

from extraction.document import Document, Sentence, squash
from extraction.normalize import duration_minutes
from extraction.schema import Field

_DOC_TYPES = [
    ("amendment", r"\bamendment\b|\baddendum\b"),
    (
        "renewal letter",
        r"\brenewal\s+(?:notice|letter|confirmation)\b|\bnotice\s+of\s+renewal\b|re:\s*(?:contract\s+)?renewal",
    ),
    ("NDA", r"non-?disclosure|confidentiality\s+agreement|mutual\s+nda\b|\bnda\b"),
    ("SOW", r"statement\s+of\s+work|\bsow\b"),
    ("SLA schedule", r"service\s+level\s+(?:agreement|schedule)|\bsla\b"),
    ("MSA", r"master\s+(?:services?|subscription|support)\s+agreement|\bmsa\b"),
    ("managed services agreement", r"managed\s+services?\s+agreement"),
    ("block hours agreement", r"block[\s-]+(?:of\s+)?hours|prepaid\s+hours|retainer\s+agreement"),
    (
        "maintenance agreement",
        r"maintenance(?:\s+and\s+support)?\s+(?:agreement|contract)|support\s+and\s+maintenance\s+agreement",
    ),
    ("hosting agreement", r"hosting\s+agreement"),
    ("consulting agreement", r"consult(?:ing|ancy)\s+agreement"),
    ("outsourcing agreement", r"outsourcing\s+agreement"),
    (
        "service agreement",
        r"services?\s+agreement|support\s+(?:agreement|contract)|services?\s+contract",
    ),
]
_TITLE = re.compile(
    r"agreement|contract|amendment|addendum|schedule|statement\s+of\s+work|renewal|letter|"
    r"terms\s+and\s+conditions|\bnda\b",
    re.I,
)


def document_type(doc: Document) -> Field | None:
    """The kind of document, from its title (first heading-like line naming an agreement)."""
    if not doc.pages:
        return None
    text = doc.pages[0]
    offset = 0
    for line in text.split("\n")[:40]:
        start = text.find(line, offset)
        offset = start + len(line)
        clean = squash(line)
        if not clean or len(clean) > 120 or not _TITLE.search(clean):
            continue
        letters = [c for c in clean if c.isalpha()]
        heading = letters and (
            sum(c.isupper() for c in letters) / len(letters) > 0.6
            or clean.istitle()
            or len(clean.split()) <= 8
        )
        if not heading:
            continue
        for kind, pattern in _DOC_TYPES:
            if re.search(pattern, clean, re.I):
                sentence = doc.sentence_at(1, start)
                return Field(
                    name="document_type",
                    value=clean,
                    normalized=kind,
                    confidence=0.85,
                    page=1,
                    start=start,
                    end=start + len(line.rstrip()),
                    snippet=sentence.flat if sentence else clean,
                )
    head = squash(text[:1500])
    for kind, pattern in _DOC_TYPES:
        match = re.search(pattern, head, re.I)
        if match:
            return Field("document_type", match.group(0), kind, 0.5, 1, 0, 0, head[:200])
    return None


_BULLET = re.compile(r"^\s*(?:[-•*▪◦–]|\(?[a-zA-Z0-9]{1,3}[.)])\s+(?P<item>.+)$")
_HEADINGS = {
    "included_services": re.compile(
        r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:included\s+services|services\s+included|in[\s-]scope\s+services|"
        r"covered\s+services|scope\s+of\s+services|the\s+(?:services|support)\s+(?:include|includes|cover|covers)"
        r"(?:\s+the\s+following)?|the\s+following\s+services\s+are\s+(?:included|covered))\b.*$",
        re.I,
    ),
    "excluded_services": re.compile(
        r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:excluded\s+services|exclusions|services\s+not\s+(?:included|covered)|"
        r"out[\s-]of[\s-]scope(?:\s+services)?|the\s+following\s+(?:services\s+)?are\s+(?:not\s+included|"
        r"excluded|not\s+covered|out\s+of\s+scope)|the\s+(?:services|support)\s+(?:does|do)\s+not\s+"
        r"(?:include|cover))\b.*$",
        re.I,
    ),
}


def services(doc: Document) -> dict[str, Field]:
    """Included and excluded services as lists, from headed bullet lists or inline lists."""
    out: dict[str, Field] = {}
    for name, heading in _HEADINGS.items():
        for page_no, text in enumerate(doc.pages, start=1):
            lines = text.split("\n")
            offset = 0
            positions = []
            for line in lines:
                positions.append(offset)
                offset += len(line) + 1
            for i, line in enumerate(lines):
                if not heading.match(line):
                    continue
                items: list[str] = []
                inline = re.split(r":\s*", line, maxsplit=1)
                if len(inline) == 2 and len(inline[1].strip()) > 3:
                    items = [
                        squash(p).rstrip(".")
                        for p in re.split(r";|,\s+(?:and\s+)?|\s+and\s+", inline[1])
                        if squash(p)
                    ]
                end_at = positions[i] + len(line)
                for follow in lines[i + 1 : i + 30]:
                    bullet = _BULLET.match(follow)
                    if not bullet:
                        if items or not follow.strip():
                            if items:
                                break
                            continue
                        break
                    items.append(squash(bullet.group("item")).rstrip(".;"))
                    end_at = text.find(follow, end_at) + len(follow)
                if items:
                    sentence = doc.sentence_at(page_no, positions[i])
                    out[name] = Field(
                        name=name,
                        value=squash(text[positions[i] : end_at])[:500],
                        normalized=items,
                        confidence=0.8,
                        page=page_no,
                        start=positions[i],
                        end=end_at,
                        snippet=squash(line) if sentence is None else squash(line),
                    )
                    break
            if name in out:
                break
    return out


def escalation(doc: Document) -> Field | None:
    """The escalation clause and its contacts [{level, name, phone, email}]."""
    clause: Sentence | None = None
    for sentence in doc.with_cue("ESCALATION"):
        clause = sentence
        break
    if clause is None:
        return None
    contacts: list[dict[str, object]] = []
    for table in doc.tables:
        header = [c.lower() for c in table.rows[0]]
        if not any("phone" in c or "mail" in c for c in header):
            continue
        for row in table.rows[1:]:
            item: dict[str, object] = {}
            for head, cell in zip(header, row, strict=False):
                if "level" in head:
                    digits = re.search(r"\d+", cell)
                    item["level"] = int(digits.group(0)) if digits else cell
                elif "name" in head or "contact" in head:
                    item["name"] = cell
                elif "title" in head or "role" in head:
                    item["title"] = cell
                elif "phone" in head:
                    item["phone"] = cell
                elif "mail" in head:
                    item["email"] = re.sub(r"\s+", "", cell)  # long addresses wrap in cells
            if item.get("name") or item.get("email"):
                contacts.append(item)
    if not contacts:
        contacts = _contacts_from_text(doc, clause)
    return doc.make_field(clause, "escalation", {"contacts": contacts}, confidence=0.75)


def _contacts_from_text(doc: Document, clause: Sentence) -> list[dict[str, object]]:
    contacts: list[dict[str, object]] = []
    window = [s for s in doc.sentences if clause.index <= s.index < clause.index + 25]
    for sentence in window:
        emails = sentence.of("EMAIL")
        phones = sentence.of("PHONE")
        if not emails and not phones:
            continue
        flat = sentence.flat
        name = re.search(
            r"(?:Level\s*(\d)\s*[:.-]?\s*)?([A-Z][a-z]+(?:\s+[A-Z][a-z'.-]+){1,2})", flat
        )
        item: dict[str, object] = {}
        if name and name.group(1):
            item["level"] = int(name.group(1))
        if name:
            item["name"] = name.group(2)
        if phones:
            item["phone"] = squash(phones[0].text)
        if emails:
            item["email"] = emails[0].text
        contacts.append(item)
    return contacts


_TIER = re.compile(r"\b(platinum|gold|silver|bronze)\b", re.I)


def service_tier(doc: Document, coverage: Field | None, sla: Field | None) -> Field | None:
    """The tier as stated ('Gold Support'), else inferred from coverage and P1 targets."""
    for sentence in doc.with_cue("TIER"):
        match = _TIER.search(sentence.text)
        if match and re.search(r"tier|level|plan|support|package|service", sentence.text, re.I):
            return doc.make_field(
                sentence,
                "service_tier",
                {
                    "tier": match.group(1).lower(),
                    "inferred": False,
                    "reason": "stated in the contract",
                },
                span=(sentence.start + match.start(), sentence.start + match.end()),
                confidence=0.9,
            )
    if coverage is None and sla is None:
        return None
    label = str(coverage.normalized.get("label", "")) if coverage else ""
    p1 = sla.normalized.get("P1", {}) if sla else {}
    response = duration_minutes(p1["response"]) if "response" in p1 else None
    if label == "24x7" and response is not None and response <= 60:
        tier = "platinum"
    elif label in ("24x7", "12x5", "12x7") or (response is not None and response <= 60):
        tier = "gold"
    elif label or (response is not None and response <= 240):
        tier = "silver"
    else:
        tier = "bronze"
    reason = f"coverage {label or 'not stated'}; P1 response " + (
        f"{int(response)} minutes" if response is not None else "not stated"
    )
    source = coverage or sla
    assert source is not None
    return Field(
        name="service_tier",
        value=tier,
        normalized={"tier": tier, "inferred": True, "reason": reason},
        confidence=0.5,
        page=source.page,
        start=source.start,
        end=source.end,
        snippet=f"Inferred: {reason}. {source.snippet}"[:400],
    )
