"""List every date miss of the CUAD sets with the lawyers' clause, to group misses by kind.

Usage: .venv/bin/python bench/date_misses.py --cache /work/cache/extraction [--field F]
       [--data DIR ...] [--half even|odd] [--workers 2]

Prints one block per miss: the label and its clauses, what the rules found and their snippet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_labels import label_dates, predicted_date, same_date  # noqa: E402
from extraction_eval import DATA, DATE_FIELDS, _extract_cached, half_of  # noqa: E402


def misses(folder: Path, cache: Path, workers: int, half: str | None, fields: list[str]) -> None:
    rows = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines() if line]
    for i, row in enumerate(rows):
        row["_row"] = i
    rows = half_of(rows, half)
    items = _extract_cached([folder / r["file"] for r in rows], workers, cache)
    for row, (_, terms) in zip(rows, items, strict=True):
        if isinstance(terms, Exception):
            continue
        for key in fields:
            attr = DATE_FIELDS[key]
            answer = row[key]["answer"].strip()
            field = getattr(terms, attr)
            pred = predicted_date(field)
            label = label_dates(answer) if answer else None
            if label is None and pred is None:
                continue
            if label is not None and pred is not None and same_date(label, pred):
                continue
            kind = "FN" if pred is None else ("FP" if label is None else "WRONG")
            print(f"=== {folder.name} #{row['_row']} {key} {kind}: label={answer!r} pred={pred}")
            print(f"    file: {row['file'][4:90]}")
            for clause in row[key]["clauses"][:3]:
                print(f"    clause: {' '.join(clause.split())[:400]}")
            if field is not None:
                print(f"    snippet: {field.snippet[:400]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--half", choices=("even", "odd"))
    parser.add_argument("--field", action="append", choices=list(DATE_FIELDS))
    args = parser.parse_args()
    for folder in args.data or list(DATA):
        misses(folder, args.cache, args.workers, args.half, args.field or list(DATE_FIELDS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
