# ruff: noqa: E501 - scoring lines read best unbroken
"""Measure each extractor's precision on the labelled sets; write extraction/patterns/confidence.json.

One command: `.venv/bin/python bench/calibrate_confidence.py [--workers 2] [--limit N] [--check]`

- CUAD service-dev + other (lawyer labels): dates, renewal term, notice period, governing law,
  parties, customer/provider (a party the lawyers named), auto-renewal (a renewal term is
  labelled), and the Yes/No clauses (insurance, liability cap, termination for convenience,
  warranty) as detection. Matching is bench/extraction_eval.py's.
- IT documents (tests/data/it_labels.json): the general extractor's SLA targets and coverage
  hours (every value reported must be in the labels), and each IT-extractor kind
  ("it.sla", "it.coverage", ...) item by item with bench/it_terms_eval.py's matching.

A field counts only where it was reported (precision, not recall). Per field and per rule
prior the file keeps n, tp and the smoothed precision (tp + 1) / (n + 2) that extraction uses
(extraction/confidence.py). `--check` recomputes and fails when the committed file differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_labels as el  # noqa: E402
import extraction_eval as ev  # noqa: E402
import it_terms_eval as it_ev  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from extraction.confidence import PATH, prior_key, smoothed  # noqa: E402
from extraction.document import build_document  # noqa: E402
from extraction.errors import ExtractionError  # noqa: E402
from extraction.extract import extract, terms_from_document  # noqa: E402
from extraction.it import extract_it_terms  # noqa: E402
from extraction.normalize import duration_minutes  # noqa: E402
from extraction.pdf import read_pdf  # noqa: E402
from extraction.schema import Field  # noqa: E402

Counts = dict[str, dict[str, Any]]
_RESPONSE = {"response", "answer", "onsite"}


def _raw(path: str) -> Any:
    try:
        return extract(path, calibrate=False)
    except ExtractionError:
        return None


def _add(counts: Counts, name: str, prior: float, ok: bool) -> None:
    entry = counts.setdefault(name, {"n": 0, "tp": 0, "by_prior": {}})
    bucket = entry["by_prior"].setdefault(prior_key(prior), {"n": 0, "tp": 0})
    for c in (entry, bucket):
        c["n"] += 1
        c["tp"] += int(ok)


def _party_ok(labels: list[str], name: str) -> bool:
    target = el.norm_name(name)
    return any(
        fuzz.token_set_ratio(el.norm_name(lab), target) >= el.PARTY_THRESHOLD for lab in labels
    )


def score_cuad(row: dict[str, Any], terms: Any, counts: Counts) -> None:
    """Count every labelled field the extractor reported for one CUAD contract."""
    if terms is None:
        return
    for key, attr in ev.DATE_FIELDS.items():
        if (f := getattr(terms, attr)) is not None:
            answer = row[key]["answer"].strip()
            ok = bool(answer) and el.same_date(el.label_dates(answer), el.predicted_date(f))
            _add(counts, attr, f.confidence, ok)
    for key, attr in ev.DURATION_FIELDS.items():
        f = getattr(terms, attr)
        if f is not None and isinstance(f.normalized, dict):
            answer = row[key]["answer"].strip()
            ok = bool(answer) and el._unit(f.normalized) in el.label_durations(answer)
            _add(counts, attr, f.confidence, ok)
    if (f := terms.governing_law) is not None:
        answer = row["governing_law"]["answer"].strip()
        _add(
            counts,
            "governing_law",
            f.confidence,
            bool(answer) and el.same_law(answer, f.normalized),
        )
    labels = el.label_parties(row["parties"]["answer"].strip())
    if (f := terms.parties) is not None:
        tp, fp, _ = el.score_parties(labels, [p["name"] for p in f.normalized])
        _add(counts, "parties", f.confidence, tp > 0 and fp == 0)
    for attr in ("customer", "provider"):
        if (f := getattr(terms, attr)) is not None:
            _add(counts, attr, f.confidence, _party_ok(labels, str(f.normalized)))
    if (f := terms.auto_renewal) is not None:
        renews = bool(row["renewal_term"]["answer"].strip())
        _add(counts, "auto_renewal", f.confidence, bool(f.normalized) == renews)
    for key, attr in ev.YES_NO.items():
        if (f := getattr(terms, attr)) is not None:
            _add(counts, attr, f.confidence, row[key]["answer"].strip().lower() == "yes")


def _sla_ok(normalized: dict[str, Any], labels: list[dict[str, Any]]) -> bool:
    """Every (priority, metric, minutes) reported is one the labels state."""
    for priority, pair in normalized.items():
        for metric, duration in (pair or {}).items():
            minutes = duration_minutes(duration) if isinstance(duration, dict) else None
            if minutes is None:
                continue
            if not any(
                lab["priority"] == priority
                and (lab["metric"] in _RESPONSE) == (metric == "response")
                and abs(lab["minutes"] - minutes) < 0.01
                for lab in labels
            ):
                return False
    return True


def _coverage_ok(normalized: dict[str, Any], labels: list[dict[str, Any]]) -> bool:
    start, end = normalized.get("start"), normalized.get("end")
    return any(lab["start"] == start and lab["end"] == end for lab in labels)


def score_it(
    name: str, pages: list[str], tables: list, labels: dict[str, Any], counts: Counts
) -> None:
    """The general extractor's SLA/coverage and the IT extractor's items on one IT document."""
    found: dict[str, Field] = terms_from_document(build_document(pages, tables))
    if (f := found.get("sla_targets")) is not None:
        _add(counts, "sla_targets", f.confidence, _sla_ok(f.normalized, labels.get("sla", [])))
    if (f := found.get("coverage_hours")) is not None and "start" in f.normalized:
        _add(
            counts,
            "coverage_hours",
            f.confidence,
            _coverage_ok(f.normalized, labels.get("coverage", [])),
        )
    it = extract_it_terms(pages, calibrate=False)
    for kind in it.KINDS:
        gold = list(labels.get(kind, []))
        for item in getattr(it, kind):
            hit = next((j for j, g in enumerate(gold) if it_ev.matches(kind, g, item.data)), None)
            if hit is not None:
                gold.pop(hit)
            _add(counts, f"it.{kind}", item.confidence, hit is not None)


def measure(workers: int, limit: int | None) -> Counts:
    counts: Counts = {}
    for folder in ev.DATA:
        rows = [json.loads(x) for x in (folder / "labels.jsonl").read_text().splitlines() if x]
        rows = rows[:limit] if limit else rows
        paths = [str(folder / r["file"]) for r in rows]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for row, terms in zip(rows, pool.map(_raw, paths, chunksize=4), strict=True):
                score_cuad(row, terms, counts)
        print(f"{folder.name}: {len(rows)} contracts", file=sys.stderr)
    labels = json.loads(it_ev.LABELS.read_text())["documents"]
    for name, lab in sorted(labels.items())[: limit or None]:
        path = it_ev.DATA / name
        if path.suffix.lower() == ".pdf":
            content = read_pdf(path.read_bytes(), name=name)
            pages, tables = content.pages, content.tables
        else:
            pages, tables = [path.read_text(encoding="utf-8")], []
        score_it(name, pages, tables, lab, counts)
    print(f"it-docs-dev: {len(labels)} documents", file=sys.stderr)
    return counts


def table(counts: Counts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(counts):
        c = counts[name]
        out[name] = {"n": c["n"], "tp": c["tp"], "confidence": smoothed(c["tp"], c["n"]),
                     "by_prior": {k: {**b, "confidence": smoothed(b["tp"], b["n"])}
                                  for k, b in sorted(c["by_prior"].items())}}  # fmt: skip
    return {
        "_about": "Written by bench/calibrate_confidence.py - do not edit by hand. Per field: n values "
        "reported on the labelled sets, tp of them right, confidence = (tp + 1) / (n + 2); "
        "by_prior: the same per rule prior (used when n >= extraction.confidence.MIN_BUCKET). "
        "Fields not listed are unmeasured: confidence 0.5.",
        "sets": [str(p.name) for p in ev.DATA] + ["it-docs-dev (tests/data/it_labels.json)"],
        "fields": out,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, help="only the first N documents of each set (a trial)")
    ap.add_argument("--out", type=Path, default=PATH)
    ap.add_argument("--check", action="store_true", help="fail when the committed file differs")
    args = ap.parse_args(argv)
    result = table(measure(args.workers, args.limit))
    text = json.dumps(result, indent=1, sort_keys=False) + "\n"
    for name, entry in result["fields"].items():
        print(f"{name:30} n={entry['n']:4} tp={entry['tp']:4} confidence={entry['confidence']:.3f}")
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("calibration file is current" if same else f"{args.out} is out of date: rerun")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
