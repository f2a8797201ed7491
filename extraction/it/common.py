"""Shared pieces of the IT-terms rules: items with provenance, sentences, numbers, durations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from extraction.normalize import words_to_int

# Template blanks: "[Fill in]", "____ hours", "Agency XXXX", "<insert>", "TBD".
PLACEHOLDER = re.compile(r"\[[^\]]{0,40}\]|_{3,}|\bX{3,}\b|<\s*insert[^>]*>|\bTBD\b", re.I)


@dataclass(frozen=True)
class Item:
    """One IT term read from a document, with its provenance.

    `page` is 1-based; `start`/`end` index that page's text; `snippet` is the sentence.
    `data` holds the typed value (see each rule module for its keys).
    """

    kind: str
    data: dict[str, Any]
    page: int
    start: int
    end: int
    snippet: str
    confidence: float = 0.8

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ITTerms:
    """Every IT term of one document. Lists are empty when nothing was found."""

    sla: list[Item] = field(default_factory=list)
    coverage: list[Item] = field(default_factory=list)
    term: list[Item] = field(default_factory=list)
    fees: list[Item] = field(default_factory=list)
    penalties: list[Item] = field(default_factory=list)
    parties: list[Item] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    KINDS = ("sla", "coverage", "term", "fees", "penalties", "parties")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: [i.to_dict() for i in getattr(self, k)] for k in self.KINDS}
        out["conflicts"] = list(self.conflicts)
        out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class Sentence:
    page: int
    start: int
    end: int
    text: str  # whitespace-flattened (same length as the page slice)


_SPLIT = re.compile(
    r"(?<=[.;!?])(?<![ap]\.m\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bNo\.)\s+(?=[A-Z(\"“<$]|\d+(?:\.\d+)?\s*%)|\n\s*\n|\n(?=\s*(?:[-*•]\s|\d+(?:\.\d+)*\.\s|\d+\)\s|#))"
)


def flatten(text: str) -> str:
    """Same-length copy of text with every whitespace char (line breaks too) as a space."""
    return re.sub(r"\s", " ", text.replace("\u200b", " "))


def sentences(pages: list[str]) -> Iterator[Sentence]:
    for number, raw in enumerate(pages, start=1):
        flat = flatten(raw)
        pos = 0
        for m in _SPLIT.finditer(raw):
            if m.start() > pos:
                yield Sentence(number, pos, m.start(), flat[pos : m.start()])
            pos = m.end()
        if pos < len(raw):
            yield Sentence(number, pos, len(raw), flat[pos:])


def clean_snippet(text: str, limit: int = 400) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


NUM_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
    r"twenty(?:-four)?|thirty|forty(?:-eight)?|sixty|seventy(?:-two)?|ninety|a|an)"
)
NUMBER = rf"(?:\d+(?:\.\d+)?|{NUM_WORDS})(?:\s*\(\s*\d+\s*\))?"


def to_number(text: str) -> float | None:
    text = re.sub(r"\(\s*\d+\s*\)", "", text).strip().lower()
    try:
        return float(text)
    except ValueError:
        value = words_to_int(text)
        return float(value) if value is not None else None


UNIT_MINUTES = {
    "second": 1 / 60,
    "minute": 1,
    "hour": 60,
    "day": 1440,
    "week": 10080,
    "month": 43200,
}


def unit_of(word: str) -> str | None:
    w = word.lower().rstrip("s.")
    return {
        "sec": "second", "second": "second", "min": "minute", "minute": "minute",
        "hr": "hour", "hour": "hour", "day": "day", "workday": "day", "week": "week",
        "month": "month", "mo": "month",
    }.get(w)  # fmt: skip


# A duration: "two (2) business hours", "30 working minutes", "48hrs", "7 calendar days".
DURATION = re.compile(
    rf"(?P<num>{NUMBER})\s*(?:-\s*)?(?P<clock>business|working|work|duty|calendar|clock)?\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|workdays?|weeks?)\b",
    re.I,
)


def parse_duration(m: re.Match[str]) -> tuple[float, bool] | None:
    """(minutes, business clock?) for a DURATION match."""
    value = to_number(m.group("num"))
    unit = unit_of(m.group("unit"))
    if value is None or unit is None:
        return None
    clock = (m.group("clock") or "").lower()
    business = clock in ("business", "working", "work", "duty") or m.group(
        "unit"
    ).lower().startswith("workday")
    return value * UNIT_MINUTES[unit], business
