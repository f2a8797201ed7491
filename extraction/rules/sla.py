"""SLA targets per priority and coverage hours, from SLA matrices and from prose.

A table row 'P1 - Critical | 30 minutes | 4 hours' under a 'Response | Resolution' header and
the sentence 'Priority 1 incidents: response within 30 minutes, resolution within 4 hours'
give the same normalized matrix: {'P1': {'response': {...}, 'resolution': {...}}}.
"""

from __future__ import annotations

import re

from extraction.document import Document, Sentence, squash
from extraction.normalize import parse_duration
from extraction.schema import Field, Table

_LEVEL_WORDS = {
    "critical": 1, "urgent": 1, "emergency": 1, "high": 2, "major": 2, "medium": 3,
    "normal": 3, "moderate": 3, "low": 4, "minor": 4, "planned": 4, "request": 4,
}  # fmt: skip
_PRIORITY = re.compile(r"\b(?:P|priority\s*|severity\s*|sev\s*|level\s*)-?\s*([1-5])\b", re.I)
_LEVEL = re.compile(r"\b(" + "|".join(_LEVEL_WORDS) + r")\b", re.I)
_RESPONSE = re.compile(r"respon|acknowledg|react", re.I)
_RESOLUTION = re.compile(r"resol|restor|fix|workaround|repair", re.I)


def priority_of(text: str) -> str | None:
    """'P1 - Critical', 'Severity 2', 'High' -> 'P1', 'P2', 'P2'."""
    match = _PRIORITY.search(text)
    if match:
        return f"P{match.group(1)}"
    match = _LEVEL.search(text)
    return f"P{_LEVEL_WORDS[match.group(1).lower()]}" if match else None


def _from_table(table: Table) -> dict[str, dict[str, object]]:
    header = [c.lower() for c in table.rows[0]]
    response_col = next((i for i, c in enumerate(header) if _RESPONSE.search(c)), None)
    resolution_col = next((i for i, c in enumerate(header) if _RESOLUTION.search(c)), None)
    if response_col is None and resolution_col is None:
        return {}
    if not any(re.search(r"priority|severity|level|impact|category", c) for c in header):
        return {}
    matrix: dict[str, dict[str, object]] = {}
    for row in table.rows[1:]:
        label = row[0] if row else ""
        priority = priority_of(label)
        if priority is None or priority in matrix:
            continue
        entry: dict[str, object] = {}
        for key, col in (("response", response_col), ("resolution", resolution_col)):
            if col is not None and col < len(row):
                duration = parse_duration(row[col])
                if duration:
                    entry[key] = duration
        if entry:
            matrix[priority] = entry
    return matrix


def _from_sentence(doc: Document, sentence: Sentence) -> tuple[str, dict[str, object]] | None:
    flat = sentence.flat
    priority = priority_of(flat[:80])
    if priority is None:
        return None
    text = doc.pages[sentence.page - 1]
    entry: dict[str, object] = {}
    for ent in sentence.of("DURATION"):
        before = text[sentence.start : ent.start][-80:]
        duration = parse_duration(ent.text)
        if not duration:
            continue
        res = [m.end() for m in _RESOLUTION.finditer(before)]
        rsp = [m.end() for m in _RESPONSE.finditer(before)]
        key = (
            "resolution"
            if (res and (not rsp or res[-1] > rsp[-1]))
            else "response"
            if rsp
            else None
        )
        if key and key not in entry:
            entry[key] = duration
    return (priority, entry) if entry else None


def sla_targets(doc: Document) -> Field | None:
    """Response and resolution targets per priority (P1..P5), tables first, then prose."""
    for table in doc.tables:
        matrix = _from_table(table)
        if matrix:
            page_text = doc.pages[table.page - 1]
            first = " ".join(table.rows[1])
            at = page_text.find(table.rows[1][0]) if table.rows[1][0] else -1
            start = max(at, 0)
            end = start + len(table.rows[1][0]) if at >= 0 else 0
            return Field(
                name="sla_targets",
                value=first,
                normalized=matrix,
                confidence=0.9,
                page=table.page,
                start=start,
                end=end,
                snippet=" | ".join(" / ".join(r) for r in table.rows[:3])[:400],
            )
    matrix: dict[str, dict[str, object]] = {}
    first_sentence: Sentence | None = None
    for sentence in doc.with_cue("SLA"):
        found = _from_sentence(doc, sentence)
        if found and found[0] not in matrix:
            matrix[found[0]] = found[1]
            first_sentence = first_sentence or sentence
    if not matrix or first_sentence is None:
        return None
    return doc.make_field(
        first_sentence, "sla_targets", dict(sorted(matrix.items())), confidence=0.75
    )


_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_DAY_RANGE = re.compile(rf"\b{_DAY}\s*(?:through|to|thru|-|–)\s*{_DAY}", re.I)
_HOURS = re.compile(
    r"(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?\s*(?:to|until|-|–|and)\s*"
    r"(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?",
    re.I,
)
_ZONE = re.compile(
    r"\b(Eastern|Central|Mountain|Pacific)\s+(?:Standard\s+|Daylight\s+)?Time\b|\b(ET|CT|MT|PT|EST|CST|"
    r"PST|GMT|UTC|CET|BST|AEST)\b|\blocal\s+time\b",
)


def _clock(hour: str, minute: str | None, meridiem: str | None) -> str:
    h = int(hour)
    mer = (meridiem or "").lower().replace(".", "")
    if mer == "pm" and h < 12:
        h += 12
    if mer == "am" and h == 12:
        h = 0
    return f"{h:02d}:{int(minute or 0):02d}"


def coverage_hours(doc: Document) -> Field | None:
    """Coverage: '8x5'/'24x7' labels, days and hours, holidays, time zone when named."""
    best: tuple[int, Sentence, dict[str, object]] | None = None
    for sentence in doc.with_cue("COVERAGE"):
        flat = sentence.flat
        info: dict[str, object] = {}
        label = sentence.of("COVERAGE")
        if label:
            info["label"] = re.sub(r"\s|×|/", "", label[0].text).lower().replace("x", "x")
        if re.search(
            r"24\s*(?:hours?)?\s*(?:a|per)\s*day[, ]+(?:7|seven)\s*days|around\s+the\s+clock",
            flat,
            re.I,
        ):
            info.setdefault("label", "24x7")
        days = _DAY_RANGE.search(flat)
        if days:
            a, b = _DAYS.index(days.group(1).lower()), _DAYS.index(days.group(2).lower())
            info["days"] = _DAYS[a : b + 1]
        hours = _HOURS.search(flat)
        if hours and (hours.group(3) or hours.group(6) or hours.group(2)):
            info["start"] = _clock(hours.group(1), hours.group(2), hours.group(3))
            info["end"] = _clock(hours.group(4), hours.group(5), hours.group(6))
        if re.search(
            r"(?:excluding|except(?:\s+on)?|other\s+than|not\s+including)\s+(?:\w+\s+){0,3}holidays",
            flat,
            re.I,
        ):
            info["holidays_excluded"] = True
        elif re.search(r"including\s+(?:\w+\s+){0,3}holidays|365\s+days", flat, re.I):
            info["holidays_excluded"] = False
        zone = _ZONE.search(flat)
        if zone and ("start" in info or "label" in info):
            info["timezone"] = squash(zone.group(0))
        score = len(info)
        if "label" not in info and "days" not in info:
            continue
        if best is None or score > best[0]:
            best = (score, sentence, info)
    if best is None:
        return None
    _, sentence, info = best
    if "label" not in info and "days" in info and "start" in info:
        span = (int(str(info["end"])[:2]) - int(str(info["start"])[:2])) % 24 or 24
        info["label"] = f"{span}x{len(info['days'])}"  # type: ignore[arg-type]
    if info.get("label") == "24x7":
        info.setdefault("days", list(_DAYS))
        info.setdefault("start", "00:00")
        info.setdefault("end", "24:00")
        info.setdefault("holidays_excluded", False)
    return doc.make_field(sentence, "coverage_hours", info, confidence=0.8)
