"""Pricing rules (pricing model, overage rate, rollover, named holidays) on contract text,
and calibrated confidence: the measured precision from extraction/patterns/confidence.json."""

from __future__ import annotations

import json

from extraction import extract
from extraction.confidence import MIN_BUCKET, PATH, UNMEASURED, calibrated, smoothed
from extraction.document import build_document
from extraction.extract import terms_from_document
from tests.documents_integration.conftest import DATA  # noqa: F401 - the shared test data

BLOCK = (
    "BLOCK HOURS SUPPORT AGREEMENT\n"
    "The Customer purchases a block of 20 support hours per month for a fee of $4,000.00 "
    "per month.\n"
    "Hours used above the included hours are billed at an overage rate of $140.00 per hour.\n"
    "Unused hours roll over to the next month, up to 10 hours.\n"
    "Support hours are Monday to Friday, 8:00 a.m. to 6:00 p.m. Eastern Time, excluding "
    "the following holidays: New Year's Day, Memorial Day, Thanksgiving and Christmas Day.\n"
)


def _terms(text: str):
    return terms_from_document(build_document([text]))


def test_block_hours_pricing_terms_are_read():
    t = _terms(BLOCK)
    assert t["pricing_model"].normalized["model"] == "block_hours"
    assert t["overage_rate"].normalized == {"rate": "140.00", "currency": "USD", "basis": "stated"}
    assert t["rollover"].normalized == {"rollover": True, "cap_hours": 10}
    hol = t["holidays"].normalized
    assert hol["excluded"] is True
    assert hol["named"] == ["New Year's Day", "Memorial Day", "Thanksgiving Day", "Christmas Day"]


def test_expiring_hours_and_no_overage_stated():
    t = _terms(
        "The Customer pays a fixed fee of $2,500.00 per month for support.\n"
        "Unused hours expire at the end of each month and do not roll over.\n"
    )
    assert t["rollover"].normalized["rollover"] is False
    assert "overage_rate" not in t  # never guessed
    assert t["pricing_model"].normalized["model"] == "fixed"


def test_confidence_is_the_committed_measured_precision():
    table = json.loads(PATH.read_text())["fields"]
    law = table["governing_law"]
    assert law["confidence"] == smoothed(law["tp"], law["n"])
    bucket = law["by_prior"]["0.90"]
    assert bucket["n"] >= MIN_BUCKET and calibrated("governing_law", 0.9) == bucket["confidence"]
    small = {k: b for k, b in table["liability_cap"]["by_prior"].items() if b["n"] < MIN_BUCKET}
    for prior in small:  # a bucket seen too rarely falls back to the field's figure
        assert calibrated("liability_cap", float(prior)) == table["liability_cap"]["confidence"]
    assert calibrated("escalation", 0.75) == UNMEASURED == 0.5  # unlabelled: a reviewer decides
    assert smoothed(3, 3) == 0.8  # three right of three cannot claim 1.0


def test_extract_reports_measured_confidences_not_the_rules_own(tmp_path):
    raw = extract(DATA / "managed_services.pdf", calibrate=False).terms()
    measured = extract(DATA / "managed_services.pdf").terms()
    assert raw.keys() == measured.keys()
    for name, f in measured.items():
        assert f.confidence == calibrated(name, raw[name].confidence), name
    assert any(f.confidence != raw[n].confidence for n, f in measured.items())
