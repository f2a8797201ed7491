"""List each miss of one duration or parties field with the lawyers' clause, to group by kind.

For every contract where the extractor and the label disagree (scored as
bench/extraction_eval.py scores them), prints the label's answer, the clauses the lawyers
highlighted, the predicted value and the sentence it came from, and any suggestion.

Usage: .venv/bin/python bench/extraction_misses.py --cache /work/cache/extraction
       [--field renewal_term|notice_period_to_terminate_renewal|parties] [--data DIR ...]
       [--half even|odd] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_labels as el  # noqa: E402
import extraction_eval as ev  # noqa: E402


def _short(text: str, width: int = 300) -> str:
    return textwrap.shorten(" ".join(text.split()), width)


def _duration_miss(row: dict, key: str, terms) -> tuple[str, str] | None:
    """(kind, predicted) when the duration field is wrong: 'fp', 'fn' or 'wrong'."""
    answer = row[key]["answer"].strip()
    labels = el.label_durations(answer) if answer else None
    field = getattr(terms, ev.DURATION_FIELDS[key], None) if terms else None
    pred = el.predicted_duration(field)
    if labels and pred is not None and pred in labels:
        return None
    if labels is None and pred is None:
        return None
    kind = "wrong" if labels is not None and pred is not None else ("fp" if pred else "fn")
    return kind, str(pred)


def _party_miss(row: dict, terms) -> tuple[str, str] | None:
    answer = row["parties"]["answer"].strip()
    labels = el.label_parties(answer) if answer else []
    field = getattr(terms, "parties", None) if terms else None
    predicted = [p["name"] for p in field.normalized] if field else []
    tp, fp, fn = el.score_parties(labels, predicted)
    if not fp and not fn:
        return None
    return f"tp{tp} fp{fp} fn{fn}", f"label={labels} pred={predicted}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--field", default="notice_period_to_terminate_renewal")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--half", choices=("even", "odd"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    attr = ev.DURATION_FIELDS.get(args.field, args.field)
    for folder in args.data or list(ev.DATA):
        lines = (folder / "labels.jsonl").read_text().splitlines()
        rows = [json.loads(line) for line in lines if line]
        for i, row in enumerate(rows):
            row["_row"] = i
        rows = ev.half_of(rows, args.half)
        items = ev._extract_cached([folder / r["file"] for r in rows], args.workers, args.cache)
        print(f"===== {folder.name}")
        for row, (_, terms) in zip(rows, items, strict=True):
            terms = None if isinstance(terms, Exception | str) else terms
            if args.field == "parties":
                miss = _party_miss(row, terms)
            else:
                miss = _duration_miss(row, args.field, terms)
            if miss is None:
                continue
            kind, pred = miss
            print(f"\n--- [{kind}] #{row['_row']} {row['file'][4:70]}")
            print(f"  label: {row[args.field]['answer']!r}   pred: {pred}")
            for clause in row[args.field]["clauses"][:4]:
                print(f"  clause: {_short(clause)}")
            field = getattr(terms, attr, None) if terms else None
            if field is not None and args.field != "parties":
                print(f"  snippet p{field.page}: {_short(field.snippet or '')}")
            suggestion = terms.suggestions.get(attr) if terms else None
            if suggestion is not None:
                print(f"  suggestion {suggestion.normalized}: {_short(suggestion.snippet or '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
