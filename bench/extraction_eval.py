"""Score extract() on the 40 lawyer-labelled CUAD service contracts, as their README says.

Dates equal as calendar dates ('perpetual' as a word; a label with blanks like '[]/[]/2000'
compares the known year); durations equal after normalising to number + unit; governing law
equal ignoring case, 'State of' and 'laws of'; parties matched name by name with rapidfuzz,
ignoring role labels and punctuation; Yes/No categories scored as clause detection over all
contracts. Other fields count only where the label is non-empty.

Usage: .venv/bin/python bench/extraction_eval.py [--data DIR] [--workers 2] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extraction import ContractTerms, extract_many  # noqa: E402
from extraction.normalize import parse_duration  # noqa: E402

DATA = Path("/work/shared/data/cuad-service-dev")
DATE_FIELDS = {"agreement_date": "agreement_date", "effective_date": "effective_date",
               "expiration_date": "expiration_date"}  # fmt: skip
DURATION_FIELDS = {
    "renewal_term": "renewal_term",
    "notice_period_to_terminate_renewal": "notice_period",
}
YES_NO = {"insurance": "insurance", "cap_on_liability": "liability_cap",
          "termination_for_convenience": "termination_for_convenience",
          "warranty_duration": "warranty_duration"}  # fmt: skip
PARTY_THRESHOLD = 85


def label_date(answer: str) -> object:
    answer = answer.strip().lower()
    if answer == "perpetual":
        return "perpetual"
    m = re.fullmatch(r"(\d+)/(\d+)/(\d{4})", answer)
    if m:
        return date(int(m[3]), int(m[1]), int(m[2]))
    year = re.search(r"(\d{4})$", answer)
    return {"year": int(year[1]) if year else None}


def predicted_date(field) -> object:
    if field is None:
        return None
    value = field.normalized
    if value == "perpetual":
        return "perpetual"
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, dict) and value.get("blank"):
        return {"year": value.get("year")}
    return None


def same_date(label: object, pred: object) -> bool:
    if isinstance(label, dict):  # a label with blanks: compare the parts it knows
        if isinstance(pred, date):
            return label["year"] == pred.year
        return isinstance(pred, dict) and label["year"] in (None, pred.get("year"))
    return label == pred


def label_durations(answer: str) -> list[tuple[float, str]]:
    out = []
    for part in answer.split(";"):
        part = re.sub(r"\bsuc\w*\b", "", part).strip()
        parsed = parse_duration(part) if part else None
        if parsed:
            out.append(_unit(parsed))
    return out


def _unit(parsed: dict) -> tuple[float, str]:
    n, unit = float(parsed["n"]), str(parsed["unit"])
    if unit == "week" and n % 52 == 0:
        return n / 52, "year"
    if unit == "month" and n % 12 == 0:
        return n / 12, "year"
    return n, unit


def norm_law(text: str) -> str:
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
        part = re.sub(r"\([^)]*\)?", "", part)
        part = re.sub(r"\s*[\"“”‘’][^\"“”‘’]*[\"“”‘’]\s*", " ", part).strip(" ,.")
        if not part or re.search(r"\[\s*\*|^\[\]", part):
            continue
        # Descriptions such as 'Each of the foregoing parties is referred to ...' are not names.
        if part[0].islower() or re.match(
            r"(?:each|together|individually|collectively)\b", part, re.I
        ):
            continue
        for piece in re.split(r"\s+and\s+(?=[A-Z])", part):
            if norm_name(piece):
                names.append(piece)
    return names


def score_parties(labels: list[str], predicted: list[str]) -> tuple[int, int, int]:
    unmatched = [norm_name(p) for p in predicted]
    tp = 0
    for label in labels:
        target = norm_name(label)
        best = max(
            ((fuzz.token_set_ratio(target, p), i) for i, p in enumerate(unmatched)), default=(0, -1)
        )
        if best[0] >= PARTY_THRESHOLD:
            tp += 1
            unmatched.pop(best[1])
    return tp, len(unmatched), len(labels) - tp


def evaluate(rows: list[dict], results: list[ContractTerms | None], verbose: bool) -> dict:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for row, terms in zip(rows, results, strict=True):
        name = row["file"][4:44]

        def get(attr: str, terms=terms):
            return getattr(terms, attr) if terms is not None else None

        for key, attr in DATE_FIELDS.items():
            answer = row[key]["answer"].strip()
            if not answer:
                continue
            label, pred = label_date(answer), predicted_date(get(attr))
            _count(counts[key], label, pred, same_date(label, pred), verbose, f"{key} {name}")
        for key, attr in DURATION_FIELDS.items():
            answer = row[key]["answer"].strip()
            if not answer:
                continue
            labels = label_durations(answer)
            field = get(attr)
            pred = _unit(field.normalized) if field and isinstance(field.normalized, dict) else None
            _count(counts[key], labels, pred, pred in labels, verbose, f"{key} {name}")
        answer = row["governing_law"]["answer"].strip()
        if answer:
            field = get("governing_law")
            pred = field.normalized if field else None
            _count(
                counts["governing_law"],
                answer,
                pred,
                bool(pred) and same_law(answer, pred),
                verbose,
                name,
            )
        answer = row["parties"]["answer"].strip()
        if answer:
            labels = label_parties(answer)
            field = get("parties")
            predicted = [p["name"] for p in field.normalized] if field else []
            tp, fp, fn = score_parties(labels, predicted)
            c = counts["parties"]
            c[0], c[1], c[2] = c[0] + tp, c[1] + fp, c[2] + fn
            if verbose and (fp or fn):
                print(f"  parties  {name}: label={labels} pred={predicted}")
        for key, attr in YES_NO.items():
            label = row[key]["answer"].strip().lower() == "yes"
            pred = get(attr) is not None
            c = counts[key]
            if label and pred:
                c[0] += 1
            elif pred:
                c[1] += 1
                if verbose:
                    print(f"  {key} FP {name}: {get(attr).snippet[:150]}")
            elif label:
                c[2] += 1
                if verbose:
                    print(f"  {key} FN {name}")
    return counts


def _count(c: list[int], label, pred, ok: bool, verbose: bool, name: str) -> None:
    if ok:
        c[0] += 1
        return
    if pred is not None:
        c[1] += 1
    c[2] += 1
    if verbose:
        print(f"  miss {name}: label={label!r} pred={pred!r}")


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    rows = [
        json.loads(line) for line in (args.data / "labels.jsonl").read_text().splitlines() if line
    ]
    started = time.perf_counter()
    batch = extract_many([args.data / r["file"] for r in rows], workers=args.workers)
    elapsed = time.perf_counter() - started
    for item in batch:
        if item.error:
            print(f"error {item.name}: {item.error}")
    counts = evaluate(rows, [item.terms for item in batch], args.verbose)
    print(f"\n{len(rows)} contracts extracted in {elapsed:.1f} s\n")
    print(f"{'field':38} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    total = [0, 0, 0]
    for key, (tp, fp, fn) in counts.items():
        p, r, f = f1(tp, fp, fn)
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        print(f"{key:38} {p:6.2f} {r:6.2f} {f:6.2f} {tp:4} {fp:3} {fn:3}")
    p, r, f = f1(*total)
    print(f"{'micro average':38} {p:6.2f} {r:6.2f} {f:6.2f} {total[0]:4} {total[1]:3} {total[2]:3}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
