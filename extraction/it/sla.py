# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""SLA matrix: targets per priority from sentences and table rows (flattened to sentences).

Each target: priority ('P1'..'P4' or None), level (the document's own word), metric
(answer / response / onsite / restore / resolve), minutes, business (clock), share (percent
of tickets, when a row says "50% within 4 hours"), scope ('standard', 'enhanced', ...).
Named scales (Critical / Serious / Moderate / Low, Emergency / Urgent / Routine, Severity 1-4)
are ranked in the order the scale implies and mapped to P1.. in that order. "Level 1" alone
(a support tier) is not a priority; "Level 1: Emergent" is.
"""

from __future__ import annotations

import re
from typing import Any

from extraction.it.common import (
    DURATION,
    PLACEHOLDER,
    Item,
    Sentence,
    clean_snippet,
    parse_duration,
)

# rank of a scale word: lower is more urgent; the document's scale maps ranks to P1.. in order
_LEVEL_RANK = [
    (r"emergen(?:cy|t)", 0), (r"critical", 0), (r"(?:priority|severity|sev|p)\s*-?\s*1\b", 0),
    (r"urgent", 1), (r"non-?\s?critical", 1.5), (r"high", 2), (r"serious", 2), (r"major", 2),
    (r"(?:priority|severity|sev|p)\s*-?\s*2\b", 2), (r"moderate", 3), (r"medium", 3), (r"normal", 3),
    (r"(?:priority|severity|sev|p)\s*-?\s*3\b", 3), (r"routine", 3), (r"non-?\s?routine", 4),
    (r"low", 4), (r"minor", 4), (r"(?:priority|severity|sev|p)\s*-?\s*4\b", 4),
]  # fmt: skip
_LEVEL = re.compile(
    r"(?<![\w-])(?:"
    r"(?:priority|severity|sev)\s*-?\s*[1-4]\b|P[1-4]\b"
    r"|level\s*[1-4]\s*[:\-–]\s*(?=(?:emergen|critical|urgent|high|routine|non-routine|normal|low|moderate|serious))"
    r"|non-?\s?critical|non-?\s?routine|emergen(?:cy|t)|critical|urgent|high|serious|moderate|medium|normal|routine|low|minor"
    r")(?![\w-])(?!\s*\((?:AQL|\+|-)\))(?!\s+(?:level|quality|school|season|volume|value|cost|risk|failure|use|path|number))",
    re.I,
)
_METRICS = [
    ("answer", re.compile(r"\banswer(?:ed)?\b.{0,40}\bcalls?|\bcalls?\b.{0,40}\banswer", re.I)),
    ("onsite", re.compile(r"\bdispatch|\bon-?\s?site\b|\barriv", re.I)),
    (
        "restore",
        re.compile(r"\brestor|\btemporary device|\bsubstitute device|\bwork-?around", re.I),
    ),
    (
        "resolve",
        re.compile(
            r"\bresol|\bremediat|\bcomplet(?:ed|ion)\b|\bfix(?:ed)?\b|\brepair(?:ed)?\b", re.I
        ),
    ),
    (
        "response",
        re.compile(r"\brespon(?:d|ds|se|ses|ded|ding)\b|\brepl(?:y|ies)\b|\backnowledg", re.I),
    ),
]
# sentences about deadlines that are not service levels
_NOT_SLA = re.compile(
    r"corrective action|invoice|kick-?off|post[- ]award|non-disclosure|training|closing date|"
    r"submission of (?:the )?(?:quote|proposal)|\bplan will be\b|mitigation plan|protest|closeout|\breport\b|"
    r"readiness review|\btest\b",
    re.I,
)
_DUR = re.sub(r"\(\?P<\w+>", "(?:", DURATION.pattern)
_TARGET = re.compile(
    rf"(?:within|in under|no (?:later|more) than|not to exceed|under|<)\s*(?:the\s+first\s+)?(?:a\s+)?{_DUR}"
    rf"|\(\s*{_DUR}\s*\)"
    r"|(?P<next>(?:by\s+(?P<at>\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?)\s+(?:on\s+)?)?(?:the\s+)?next\s+business\s+day)"
    r"|(?P<immediate>\bimmediate(?:ly)?\s+(?=respon|dispatch|on-?site|restor)|(?<=respond\s)immediately\b)",
    re.I,
)
_SCOPE = re.compile(
    r"^\s*\((standard|enhanced|premium|basic|gold|silver|bronze|remote|on-?site)\)", re.I
)
_SHARE = re.compile(
    r"(\d{1,3})\s*%\s*(?:of\s+(?:all\s+)?(?:calls|tickets|incidents|requests)\s+)?(?:within|in)\s*$",
    re.I,
)
_ALL_DAY = re.compile(r"any time of the day or night|24\s*(?:x|/|×)\s*7|around the clock", re.I)


def _level_rank(word: str) -> float:
    w = word.lower()
    for pattern, rank in _LEVEL_RANK:
        if re.fullmatch(pattern, w) or re.match(pattern + r"$", w):
            return rank
    m = re.match(r"level\s*([1-4])", w)
    if m:  # "Level 1: Emergent" -> rank of the word after it, resolved by the caller
        return int(m.group(1)) - 1
    return 9


def _durations(s: Sentence) -> list[dict[str, Any]]:
    out = []
    text = s.text
    for m in _TARGET.finditer(text):
        if m.group("next"):
            minutes, business = 1440.0, True
        elif m.group("immediate"):
            minutes, business = 0.0, False
        else:
            dm = DURATION.search(m.group(0))
            if dm is None:
                continue
            parsed = parse_duration(dm)
            if parsed is None:
                continue
            minutes, business = parsed
        # an "or 30 minutes (enhanced)" right after a target is a second target
        out.append({"start": m.start(), "end": m.end(), "minutes": minutes, "business": business})
        tail = text[m.end() :]
        sc = _SCOPE.match(tail)
        if sc:
            out[-1]["scope"] = sc.group(1).lower()
            alt = re.match(rf"\s*\(\w+\)\s*,?\s*or\s+{_DUR}\s*(\((\w+)\))?", tail, re.I)
            if alt:
                dm = DURATION.search(alt.group(0))
                parsed = parse_duration(dm) if dm else None
                if parsed:
                    scope2 = re.search(r"\((\w+)\)\s*$", alt.group(0))
                    out.append({
                        "start": m.end() + dm.start(), "end": m.end() + alt.end(),
                        "minutes": parsed[0], "business": parsed[1],
                        "scope": scope2.group(1).lower() if scope2 else None,
                    })  # fmt: skip
        share = _SHARE.search(text[max(0, m.start() - 40) : m.start()])
        if share:
            out[-1]["share"] = int(share.group(1))
    return out


_STRONG = re.compile(
    r"\brespon(?:d|ds|se|ses|ded|ding)\b|\brepl(?:y|ies)\b|\bresol|\bremediat|\brestor|\bdispatch|\bon-?\s?site|\banswer",
    re.I,
)
_TICKETISH = re.compile(
    r"\b(?:tickets?|incidents?|problems?|issues?|requests?|calls?|outages?|service orders?|"
    r"work orders?|faults?|failures?|help|defects?|devices?|tasks?)\b|<\s*\d",
    re.I,
)
_AFTER_NOUN = re.compile(
    r"^[^.;]{0,40}?\b(?:devices?|tickets?|incidents?|requests?|issues?|calls?|problems?|systems?|equipment|priority|severity)\b",
    re.I,
)


def _metric(clause: str) -> str | None:
    for name, pattern in _METRICS:
        if pattern.search(clause):
            return name
    return None


def sla_targets(sents: list[Sentence]) -> tuple[list[Item], list[dict[str, Any]]]:
    raw: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    for s in sents:
        if PLACEHOLDER.search(s.text) and not DURATION.search(s.text):
            continue
        found = _durations(s)
        if not found:
            continue
        levels = [(m.start(), m.end(), m.group(0)) for m in _LEVEL.finditer(s.text)]
        prev_end = 0
        for i, d in enumerate(found):
            seg_start = prev_end
            before = s.text[seg_start : d["start"]]
            nxt = found[i + 1]["start"] if i + 1 < len(found) else len(s.text)
            after = s.text[d["end"] : nxt]
            prev_end = d["end"]
            clause = before[-160:] + s.text[d["start"] : d["end"]] + after[:120]
            if _NOT_SLA.search(clause):
                continue
            # the verb usually comes before "within"; only look after it when nothing does
            metric = _metric(before[-160:] + s.text[d["start"] : d["end"]]) or _metric(clause)
            if metric is None:
                if raw and raw[-1]["sentence"] == s:
                    metric = raw[-1]["metric"]
                else:
                    continue
            # level words: the nearest before (with "X or Y" coordination), else just after
            words = [lv for lv in levels if d["start"] - 300 < lv[0] < d["start"]]
            chosen: list[str] = []
            if words:
                last_word = words[-1]
                chosen = [last_word[2]]
                for lv in reversed(words[:-1]):
                    gap = s.text[lv[1] : (chosen and last_word[0])]
                    if re.fullmatch(r"\s*(?:,|or|and|/|&)\s*", gap):
                        chosen.insert(0, lv[2])
                        last_word = lv
                    else:
                        break
            elif d.get("scope") and raw and raw[-1]["sentence"] == s:
                chosen = raw[-1]["levels"]
            else:
                after_words = [
                    lv
                    for lv in levels
                    if d["end"] <= lv[0] < d["end"] + 80
                    and lv[0] < nxt
                    and _AFTER_NOUN.match(s.text[lv[1] :])
                ]
                if after_words:
                    chosen = [after_words[0][2]]
                elif (
                    last
                    and last["page"] == s.page
                    and s.start - last["end"] < 600
                    and last["levels"]
                    and metric in ("restore", "resolve")
                    and last["metric"] in ("response", "onsite")
                ):
                    # the restore step of the row whose response step named the level
                    chosen = last["levels"]
            entry = {
                "sentence": s, "page": s.page, "end": s.end, "levels": chosen, "metric": metric,
                "minutes": d["minutes"], "business": d["business"], "scope": d.get("scope"),
                "share": d.get("share"), "span": (s.start + d["start"], s.start + d["end"]),
            }  # fmt: skip
            if not chosen and not (_STRONG.search(clause) and _TICKETISH.search(clause)):
                continue  # without a priority, only a clear service-level sentence counts
            if d["minutes"] == 0 and not chosen:
                continue
            if _ALL_DAY.search(s.text):
                entry["business"] = False
            raw.append(entry)
            last = entry
    # the document's scale: distinct words ranked, then P1.. in rank order
    ranks: dict[str, float] = {}
    for e in raw:
        for w in e["levels"]:
            ranks[w.lower()] = _word_rank(w)
    order = sorted(set(ranks.values()))
    pmap = {r: f"P{min(order.index(r) + 1, 4)}" for r in order}
    items: list[Item] = []
    seen: set[tuple[Any, ...]] = set()
    for e in raw:
        priorities = [pmap[ranks[w.lower()]] for w in e["levels"]] or [None]
        for w, p in zip(e["levels"] or [None], priorities, strict=False):
            key = (p, e["metric"], e["minutes"], e["business"], e["scope"], e["share"])
            if key in seen:
                continue
            seen.add(key)
            s = e["sentence"]
            items.append(
                Item(
                    kind="sla_target",
                    data={
                        "priority": p,
                        "level": w,
                        "metric": e["metric"],
                        "minutes": e["minutes"],
                        "business": e["business"],
                        "share": e["share"],
                        "scope": e["scope"],
                    },  # fmt: skip
                    page=s.page,
                    start=e["span"][0],
                    end=e["span"][1],
                    snippet=clean_snippet(s.text),
                    confidence=0.8 if p else 0.6,
                )  # fmt: skip
            )
    return items, conflicts(items)


def _word_rank(word: str) -> float:
    m = re.match(r"level\s*([1-4])", word, re.I)
    if m:
        return int(m.group(1)) - 1  # "Level 2: Urgent" ranks by its number within its own scale
    return _level_rank(word)


def conflicts(items: list[Item]) -> list[dict[str, Any]]:
    """Targets that disagree for one priority, metric and scope: shown, never resolved."""
    groups: dict[tuple[Any, ...], list[Item]] = {}
    for it in items:
        d = it.data
        if d["priority"] is None:
            continue
        groups.setdefault((d["priority"], d["metric"], d["scope"], d["share"]), []).append(it)
    out = []
    for (priority, metric, scope, _share), group in groups.items():
        values = {(g.data["minutes"], g.data["business"]) for g in group}
        if len(values) > 1:
            out.append({
                "priority": priority, "metric": metric, "scope": scope,
                "values": [{"minutes": g.data["minutes"], "business": g.data["business"],
                            "page": g.page, "snippet": g.snippet} for g in group],
            })  # fmt: skip
    return out
