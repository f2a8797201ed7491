# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Score extraction.it on the labelled IT support documents (tests/data/it_labels.json).

Per term kind, recall = labelled items found / labelled items, precision = extracted items
that match a label / extracted items (after the extractor's own de-duplication). Matching:
- sla: priority, metric, minutes and clock (business or calendar) equal;
- coverage: start and end equal, and days where the label states them;
- term: kind (base / option) equal, and months / count where the label states them;
- fees: kind equal (and amount where labelled); penalties: kind equal, and every number
  the label states (percent, cap, amount) equal;
- parties: role equal and name similar (rapidfuzz token_set_ratio >= 85).
Each extracted item matches at most one label, and each label at most one item.

Usage: .venv/bin/python bench/it_terms_eval.py [--data DIR] [--labels FILE] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.config import ROOT, SHARED_DATA  # noqa: E402
from extraction.it import extract_it_terms  # noqa: E402
from extraction.pdf import read_pdf  # noqa: E402

DATA = SHARED_DATA / "it-docs-dev" / "pdf"
LABELS = ROOT / "tests" / "data" / "it_labels.json"
KINDS = ("sla", "coverage", "term", "fees", "penalties", "parties")
TARGETS = {"sla": (0.85, 0.90), "coverage": (0.85, None), "term": (0.75, None),
           "fees": (0.75, None), "penalties": (0.75, None), "parties": (0.75, None)}  # fmt: skip


def load_pages(path: Path) -> list[str]:
    if path.suffix.lower() == ".pdf":
        return read_pdf(path.read_bytes(), name=path.name).pages
    return [path.read_text(encoding="utf-8")]


def matches(kind: str, label: dict[str, Any], got: dict[str, Any]) -> bool:
    if kind == "sla":
        return (label["priority"] == got["priority"] and label["metric"] == got["metric"]
                and abs(label["minutes"] - got["minutes"]) < 0.01 and bool(label["business"]) == bool(got["business"]))  # fmt: skip
    if kind == "coverage":
        if (label["start"], label["end"]) != (got["start"], got["end"]):
            return False
        return label.get("days") is None or label["days"] == got["days"]
    if kind == "term":
        if label["kind"] != got["kind"]:
            return False
        return all(label.get(k) is None or label[k] == got.get(k) for k in ("months", "count"))
    if kind == "fees":
        return label["kind"] == got["kind"] and (
            label.get("amount") is None or label["amount"] == got.get("amount")
        )
    if kind == "penalties":
        pairs = {
            "pct": "percent",
            "cap_pct": "cap_percent",
            "amount": "amount",
            "cap_amount": "cap_amount",
        }
        return label["kind"] == got["kind"] and all(
            label.get(k) is None or got.get(v) == label[k] for k, v in pairs.items()
        )
    if kind == "parties":
        return (
            label["role"] == got["role"]
            and fuzz.token_set_ratio(label["name"].lower(), got["name"].lower()) >= 85
        )
    raise ValueError(kind)


def score_document(
    labels: dict[str, Any], extracted: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    out = {}
    for kind in KINDS:
        gold = labels.get(kind, [])
        got = [i["data"] for i in extracted[kind]]
        used: set[int] = set()
        tp_labels = 0
        misses = []
        for g in gold:
            hit = next(
                (j for j, x in enumerate(got) if j not in used and matches(kind, g, x)), None
            )
            if hit is None:
                misses.append(g)
            else:
                used.add(hit)
                tp_labels += 1
        extra = [x for j, x in enumerate(got) if j not in used]
        out[kind] = {
            "tp": tp_labels,
            "gold": len(gold),
            "got": len(got),
            "misses": misses,
            "extra": extra,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    labels = json.loads(args.labels.read_text())["documents"]
    totals = {k: {"tp": 0, "gold": 0, "got": 0} for k in KINDS}
    for name, lab in sorted(labels.items()):
        pages = load_pages(args.data / name)
        result = extract_it_terms(pages).to_dict()
        scored = score_document(lab, result)
        for kind, sc in scored.items():
            for key in ("tp", "gold", "got"):
                totals[kind][key] += sc[key]
            if args.verbose and (sc["misses"] or sc["extra"]):
                print(f"{name} [{kind}]")
                for m in sc["misses"]:
                    print(
                        "   MISS ",
                        {k: v for k, v in m.items() if k != "quote"},
                        "|",
                        m.get("quote", ""),
                    )
                for x in sc["extra"]:
                    print("   EXTRA", x)
        if args.verbose and result["notes"]:
            print(f"{name} notes: {result['notes']}")
    print(
        f"{'kind':<10} {'labels':>6} {'found':>6} {'right':>6} {'recall':>7} {'precision':>9}  target"
    )
    ok = True
    for kind in KINDS:
        t = totals[kind]
        recall = t["tp"] / t["gold"] if t["gold"] else 1.0
        precision = t["tp"] / t["got"] if t["got"] else (1.0 if not t["gold"] else 0.0)
        r_target, p_target = TARGETS[kind]
        met = recall >= r_target and (p_target is None or precision >= p_target)
        ok &= met
        target = f"R>={r_target}" + (f" P>={p_target}" if p_target else "")
        print(
            f"{kind:<10} {t['gold']:>6} {t['got']:>6} {t['tp']:>6} {recall:>7.2f} {precision:>9.2f}  {target} {'ok' if met else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
