"""How a CUAD label and a prediction are read and compared (the strict rules are listed in
bench/extraction_eval.py's docstring): dates, durations, governing law and parties."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extraction.normalize import parse_duration  # noqa: E402

PARTY_THRESHOLD = 85


_BLANK = re.compile(r"\[\s*\]")


def label_date(answer: str) -> object:
    """One label date: a `date`, 'perpetual', or a dict of the parts it knows (blanks None).

    'M/D/YYYY' as CUAD writes them; a first number above 12 means D/M ('31/12/2020'); a part
    written '[]' (or '[ ]', or a year '20[]' / '200[]') is blank: a year with blank digits
    keeps its known prefix under 'year_prefix'.
    """
    answer = answer.strip().lower().rstrip(".")
    if answer == "perpetual":
        return "perpetual"
    parts = [p.strip() for p in re.split(r"[/.-]", answer)]
    if len(parts) != 3:
        year = re.search(r"(\d{4})", answer)
        return {"month": None, "day": None, "year": int(year[1]) if year else None}
    first, second, year_text = parts
    month = int(first) if first.isdigit() else None
    day = int(second) if second.isdigit() else None
    if month and day and month > 12 >= day:
        month, day = day, month
    prefix = _BLANK.sub("", year_text)
    if year_text.isdigit() and len(year_text) == 4:
        year: int | None = int(year_text)
        if month and day:
            try:
                return date(year, month, day)
            except ValueError:
                return {"month": None, "day": None, "year": year}
        return {"month": month, "day": day, "year": year}
    if year_text.isdigit() and len(year_text) == 2:
        full = 2000 + int(year_text) if int(year_text) < 50 else 1900 + int(year_text)
        if month and day:
            try:
                return date(full, month, day)
            except ValueError:
                pass
        return {"month": month, "day": day, "year": full}
    out: dict = {"month": month, "day": day, "year": None}
    if prefix.isdigit():
        out["year_prefix"] = prefix
    return out


def label_dates(answer: str) -> list[object]:
    """Every date of a label: several are ';'-separated ('09/01/2006; 8/31/2007'); any matches.

    A year 1930-1949 is also read a century later: the labels were typed with two-digit
    years and a spreadsheet's pivot put '45' in 1945, while the contract says 'September 1,
    2045' (these are SEC filings from the 1990s on, none ends before them)."""
    out: list[object] = []
    for part in re.split(r"[;,]|\band\b", answer):
        if not part.strip():
            continue
        one = label_date(part)
        out.append(one)
        if isinstance(one, date) and 1930 <= one.year <= 1949:
            out.append(one.replace(year=one.year + 100))
    return out


def predicted_date(field) -> object:
    if field is None:
        return None
    value = field.normalized
    if value == "perpetual":
        return "perpetual"
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return {"text": value}
    if isinstance(value, dict) and value.get("blank"):
        parts = {"year": value.get("year"), "month": value.get("month"), "day": value.get("day")}
        return parts | ({"year_prefix": value["year_prefix"]} if "year_prefix" in value else {})
    return {"text": str(value)} if value is not None else None


def same_date(label: object, pred: object) -> bool:
    if isinstance(label, list):
        return any(same_date(one, pred) for one in label)
    if isinstance(label, dict):  # a label with blanks: compare the parts it knows
        if isinstance(pred, date):
            known = {"year": pred.year, "month": pred.month, "day": pred.day}
        elif isinstance(pred, dict) and "text" not in pred:
            known = pred
        else:
            return False
        for part in ("year", "month", "day"):
            if label.get(part) is not None and known.get(part) != label[part]:
                return False
        prefix = label.get("year_prefix")
        stated = known.get("year") or known.get("year_prefix")  # '19__' states the century
        return not prefix or str(stated or "").startswith(prefix)
    return label == pred


def label_durations(answer: str) -> list[tuple[float, str] | str]:
    """Each duration of a label as (n, unit); 'perpetual' (runs on until a party ends it) as
    the word, like a date label."""
    out: list[tuple[float, str] | str] = []
    for part in re.split(r"[;/,]", answer):
        if re.fullmatch(r"\s*perpetu\w*\s*", part, re.IGNORECASE):
            out.append("perpetual")
            continue
        part = re.sub(r"\bsuc\w*\b|[()]", " ", part).strip()
        parsed = parse_duration(part) if part else None
        if parsed:
            out.append(_unit(parsed))
    return out


def predicted_duration(field) -> tuple[float, str] | str | None:
    if field is None:
        return None
    if field.normalized == "perpetual":
        return "perpetual"
    return _unit(field.normalized) if isinstance(field.normalized, dict) else None


def _unit(parsed: dict) -> tuple[float, str]:
    """Number + unit in one canonical form: whole years, else months ('0.5 year' is the
    '6 months' a contract writes as 'half a year'), so equal lengths compare equal."""
    n, unit = float(parsed["n"]), str(parsed["unit"])
    if unit == "year" and not n.is_integer() and (n * 12).is_integer():
        n, unit = n * 12, "month"
    if unit == "week" and n % 52 == 0:
        return n / 52, "year"
    if unit == "month" and n % 12 == 0:
        return n / 12, "year"
    return n, unit


_COUNTRY_AFTER = re.compile(
    r",\s*(?:the\s+)?(?:United\s+Kingdom|U\.?K\.?|Canada|Australia|U\.?S\.?A?\.?|"
    r"United\s+States(?:\s+of\s+America)?)\b\.?",
    re.IGNORECASE,
)


def norm_law(text: str) -> str:
    """Lower-case words of a jurisdiction; 'England, United Kingdom; Wales, United Kingdom'
    -> 'england and wales' (the country after a comma only locates the state or province)."""
    text = _COUNTRY_AFTER.sub("", text)
    text = text.lower().replace(";", " and ")
    text = re.sub(r"\b(?:the\s+)?(?:laws?\s+of|state\s+of|commonwealth\s+of)\b", " ", text)
    text = re.sub(r"[^a-z ]", " ", text)
    return " ".join(w for w in text.split() if w not in ("the",))


def same_law(label: str, pred: str) -> bool:
    a, b = norm_law(label), norm_law(pred)
    return bool(a and b) and (a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def norm_name(name: str) -> str:
    name = re.sub(r"\([^)]*\)|[\"“”‘’']", " ", name)
    name = re.sub(r"[^\w&]+", " ", name.lower())
    return " ".join(name.split())


def label_parties(answer: str) -> list[str]:
    names = []
    for part in answer.split(";"):
        if collective := _COLLECTIVE.search(part):
            # 'ZANOTTI EAST INC. ("Zanotti") (collectively the "Parties")' names a party before
            # the definition; 'Miltenyi and Bellicum (individually a "Party" ...)' none anew.
            opens = part.rfind("(", 0, collective.start())
            part = part[: opens if opens >= 0 else collective.start()]
            if not part.strip() or re.search(r"\s(?:and|AND)\s", re.sub(r"\([^)]*\)?", "", part)):
                continue
        own_terms = {t.strip().lower() for t in re.findall(r"[\"“”]([^\"“”]+)[\"“”]", part)}
        part = re.sub(r"\([^)]*\)?", "", part)
        part = re.sub(r"\s*[\"“”‘’][^\"“”‘’]*[\"“”‘’]\s*", " ", part).strip(" ,.")
        if not part or re.search(r"\[\s*\*|^\[\]", part):
            continue
        # Descriptions such as 'Each of the foregoing parties is referred to ...' are not names.
        if part[0].islower() or re.match(
            r"(?:each|together|individually|collectively)\b", part, re.I
        ):
            continue
        if part.lower() in own_terms or part.lower() in ("you", "we"):
            continue  # 'Agent ("Agent")' in a form: the contract names no one
        # 'A Ltd. and B Inc. (each "Recipient")' names two parties, 'Savings and Loan
        # Association' one: split on 'and' only after a company suffix.
        for piece in _split_label(part):
            # The lawyers often highlight the same party twice ('TELCOSTAR PTE, LTD.' in the
            # preamble and again in 'TELCOSTAR PTE, LTD. and ...'): one party, counted once.
            if norm_name(piece) and norm_name(piece) not in {norm_name(n) for n in names}:
                names.append(piece)
    # A short name the label also lists ('Miltenyi' beside 'Miltenyi Biotec GmbH') is the
    # same party under its defined term, not another one.
    return [
        n
        for n in names
        if not any(set(norm_name(n).split()) < set(norm_name(o).split()) for o in names)
    ]


_AND = re.compile(r",?\s+and\s+(?=[A-Z])")
_SUFFIX_END = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Co|Company|LLP|L\.?P|AG|GmbH|plc|N\.A|"
    r"B\.V|N\.V|S\.A)\.?$",
    re.IGNORECASE,
)


def _split_label(part: str) -> list[str]:
    pieces, start = [], 0
    for match in _AND.finditer(part):
        if _SUFFIX_END.search(part[start : match.start()].strip()):
            pieces.append(part[start : match.start()])
            start = match.end()
    return [*pieces, part[start:]]


# The label's definition of "Party"/"Parties": a collective reference, not another party.
# "Party A" / "Party B" name one party (Chinese contracts): not the collective "Parties".
_COLLECTIVE = re.compile(
    r"[\"“”‘’']\s*(?:a\s+|the\s+)?Part(?:y|ies)\b(?!\s+(?-i:[A-Z])\b|\s+\d\b)", re.IGNORECASE
)
# What follows a name without changing whose it is: a trade name, successors, affiliates.
_TAIL = re.compile(
    r"\s(?:d b a|dba|doing business as|f k a|fka|formerly known as|together with|including its|"
    r"including his|and its|and all of its|through its|on behalf of|acting through)\s.*$"
)
_FORM = re.compile(
    r"\b(?:the|inc|incorporated|llc|l l c|ltd|limited|corp|corporation|co|company|plc|l p|lp|"
    r"llp|n a|ag|gmbh|s a|b v|n v|pty|pte)\b"
)


def _core(name: str) -> str:
    """A normalised name without its trailing clause and legal-form words."""
    return " ".join(_FORM.sub(" ", _TAIL.sub("", name)).split())


def same_party(label: str, predicted: str) -> float:
    """Similarity 0-100 of two normalised names: spelling ('Ostenonics' / 'Osteonics') or the
    same name once trade names and legal forms are set aside. Unlike a token-set ratio, a
    name with an address or a second party glued on ('KALLO Inc with principal offices at
    ...') or a fragment of one ('Trust') does not match."""
    a, b = _core(label), _core(predicted)
    return max(fuzz.ratio(label, predicted), fuzz.ratio(a, b) if a and b else 0.0)


def score_parties(labels: list[str], predicted: list[str]) -> tuple[int, int, int]:
    unmatched = [norm_name(p) for p in predicted]
    tp = 0
    for label in labels:
        target = norm_name(label)
        best = max(((same_party(target, p), i) for i, p in enumerate(unmatched)), default=(0, -1))
        if best[0] >= PARTY_THRESHOLD:
            tp += 1
            unmatched.pop(best[1])
    return tp, len(unmatched), len(labels) - tp
