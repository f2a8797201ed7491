"""IT support terms (issue 14): SLA matrix, coverage windows, term with options, fees / rates
/ caps, penalty rules and parties, read from real IT support documents with provenance.

    from extraction.it import extract_it_terms
    it = extract_it_terms(pages)          # pages: list of page texts (ContractTerms.pages)
    it.sla, it.coverage, it.term, it.fees, it.penalties, it.parties, it.conflicts, it.notes

A separate call from `extraction.extract` (which stays the general extractor): run it on
the same page texts. Every Item has page, start, end (page-relative) and the sentence.
"""

from __future__ import annotations

from dataclasses import replace

from extraction.confidence import calibrated
from extraction.it.common import Item, ITTerms, sentences
from extraction.it.coverage import coverage_windows
from extraction.it.money import fee_lines
from extraction.it.parties import parties
from extraction.it.penalties import penalty_rules
from extraction.it.sla import sla_targets
from extraction.it.term import term_periods

NO_SLA = "No SLA targets found in this document: no SLA policy will be proposed."


def extract_it_terms(pages: list[str], *, calibrate: bool = True) -> ITTerms:
    """Every IT term of the pages; confidences are measured precisions (field "it.<kind>",
    extraction/confidence.py) unless ``calibrate=False`` (the calibration script)."""
    sents = list(sentences(pages))
    out = ITTerms()
    out.sla, out.conflicts = sla_targets(sents)
    out.coverage = coverage_windows(sents)
    out.term = term_periods(sents, pages)
    out.fees = fee_lines(sents)
    out.penalties = penalty_rules(sents)
    out.parties = parties(sents, pages)
    if calibrate:
        for kind in ITTerms.KINDS:
            setattr(out, kind, [replace(i, confidence=calibrated(f"it.{kind}", i.confidence))
                                for i in getattr(out, kind)])  # fmt: skip
    if not out.sla:
        out.notes.append(NO_SLA)
    for c in out.conflicts:
        out.notes.append(
            f"Conflicting {c['metric']} targets for {c['priority']}"
            + (f" ({c['scope']})" if c["scope"] else "")
            + ": "
            + ", ".join(f"{v['minutes']:g} min on p.{v['page']}" for v in c["values"])
            + " - choose one when reviewing."
        )
    return out


__all__ = ["NO_SLA", "ITTerms", "Item", "extract_it_terms"]
