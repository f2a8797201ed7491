"""Calibrated confidence: a term's confidence is its rule's measured precision, not a constant.

`extraction/patterns/confidence.json` is written by `bench/calibrate_confidence.py`, which
runs the extractors over the labelled sets (CUAD service-dev and other, the IT documents of
tests/data/it_labels.json) and counts, per field, how many values it reported and how many
of those were right. A rule's own number (the "prior" each rule passes to `make_field`)
only picks the bucket: a field whose rules report several priors (a stated liability cap at
0.75, a mere limitation at 0.55) is measured per prior when that prior was seen at least
`MIN_BUCKET` times, else per field.

The stored value is the smoothed precision (tp + 1) / (n + 2): a rule seen three times
cannot claim 1.0, and a field nobody has labelled gets 0.5, below any sensible auto-accept
threshold (db/documents/settings.py, default 0.95) - it always goes to a reviewer.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from extraction.schema import Field

PATH = Path(__file__).resolve().parent / "patterns" / "confidence.json"
MIN_BUCKET = 10
UNMEASURED = 0.5


def smoothed(tp: int, n: int) -> float:
    """Laplace-smoothed precision: (tp + 1) / (n + 2), rounded to 3 places."""
    return round((tp + 1) / (n + 2), 3)


def prior_key(prior: float) -> str:
    """The bucket name of a rule's own confidence (0.8 -> "0.80")."""
    return f"{prior:.2f}"


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The committed calibration table ({} when the file is missing: everything unmeasured)."""
    if not PATH.exists():
        return {}
    return json.loads(PATH.read_text(encoding="utf-8")).get("fields", {})


def calibrated(name: str, prior: float) -> float:
    """Measured precision of the rule that reported field `name` with its own `prior`."""
    entry = table().get(name)
    if not entry:
        return UNMEASURED
    bucket = entry.get("by_prior", {}).get(prior_key(prior))
    if bucket and bucket["n"] >= MIN_BUCKET:
        return float(bucket["confidence"])
    return float(entry["confidence"])


def calibrate_fields(found: dict[str, Field]) -> dict[str, Field]:
    """The same fields with their confidence replaced by the measured one."""
    return {k: replace(f, confidence=calibrated(f.name, f.confidence)) for k, f in found.items()}
