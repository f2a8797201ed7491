"""No guesses: fallbacks the contract does not state come only as suggestions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extraction.document import build_document
from extraction.extract import terms_from_document

ROOT = Path(__file__).resolve().parents[2]


def test_no_effective_date_stated_is_only_a_suggestion():
    from extraction.document import build_document
    from extraction.extract import terms_from_document

    doc = build_document(
        [
            "This Services Agreement is dated March 3, 2020 between Acme Inc. and Beta LLC. "
            "Acme shall provide support services to Beta."
        ],  # fmt: skip
        [],
    )
    suggestions: dict = {}
    found = terms_from_document(doc, suggestions)
    assert found["agreement_date"].normalized == "2020-03-03"
    assert "effective_date" not in found
    assert suggestions["effective_date"].normalized == "2020-03-03"
    stated = build_document(
        [
            "This Services Agreement is dated March 3, 2020 and is effective as of April 1, 2020 "
            '(the "Effective Date").'
        ],  # fmt: skip
        [],
    )
    suggestions = {}
    assert terms_from_document(stated, suggestions)["effective_date"].normalized == "2020-04-01"
    assert suggestions == {}


def test_termination_notice_is_not_the_renewal_notice():
    doc = build_document(
        [
            "This Support Agreement is dated March 3, 2020 between Acme Inc. and Beta LLC. "
            "Either party may terminate this Agreement for convenience upon sixty (60) days "
            "prior written notice to the other party."
        ],  # fmt: skip
        [],
    )
    suggestions: dict = {}
    found = terms_from_document(doc, suggestions)
    assert "notice_period" not in found
    assert suggestions["notice_period"].normalized == {"n": 60, "unit": "day"}


def test_cli_json_carries_suggestions_under_their_own_key(tmp_path):
    contract = ROOT / "tests" / "data" / "managed_services.pdf"
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "extract", str(contract), "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    record = json.loads(out.stdout.splitlines()[0])
    assert isinstance(record["suggestions"], dict)
    for name, suggestion in record["suggestions"].items():
        assert record[name] is None  # a suggestion never stands beside a value
        assert suggestion["confidence"] < 0.85


def test_a_duration_that_is_not_the_agreements_term_is_only_a_suggested_initial_term():
    preamble = (
        'This Services Agreement is made as of March 3, 2020 (the "Effective Date") between '
        "Acme Inc. and Beta LLC. "
    )
    for covenant in (
        "Said books and records shall be maintained for a two (2) year period following the "
        "expiration or termination of this Agreement.",
        "Beginning on the Effective Date, you will pay to us for each month (or part of a month, "
        "including the final month you operate under this Agreement) the Monthly Fees.",
        "Talent agrees that Company shall, for a period of nine (9) months following the "
        "effective date of termination, have the right to continue to sell Product.",
    ):
        suggestions: dict = {}
        found = terms_from_document(build_document([preamble + covenant], []), suggestions)
        assert "initial_term" not in found, covenant
        assert "initial_term" in suggestions, covenant
    # the agreement's own term, read in the term sentence or naming the agreement, is the value
    for stated, months in (
        ("The term of this Agreement shall be three (3) years from the Effective Date.", 36),
        ("This agreement is for a term of ten (10) years.", 120),
    ):
        suggestions = {}
        found = terms_from_document(build_document([preamble + stated], []), suggestions)
        term = found["initial_term"].normalized
        assert term["n"] * (12 if term["unit"] == "year" else 1) == months, stated
        assert "initial_term" not in suggestions
