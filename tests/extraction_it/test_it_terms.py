# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""extraction.it on sentences written the way IT support contracts write them, and the bench
on the labelled real documents (../shared/data/it-docs-dev)."""

from __future__ import annotations

import pytest

from db.config import SHARED_DATA
from extraction.it import NO_SLA, extract_it_terms
from extraction.it.money import parse_amount


def _sla(text: str) -> list[dict]:
    return [i.data for i in extract_it_terms([text]).sla]


def test_named_scale_maps_to_p1_p4_in_scale_order() -> None:
    text = (
        "Critical incidents shall receive a response within 15 minutes. "
        "Serious incidents shall receive a response within 1 hour. "
        "Moderate incidents shall receive a response within 4 business hours. "
        "Low incidents shall receive a response within 2 business days."
    )
    got = {(d["priority"], d["minutes"], d["business"]) for d in _sla(text)}
    assert got == {("P1", 15, False), ("P2", 60, False), ("P3", 240, True), ("P4", 2880, True)}


def test_emergency_urgent_routine_and_standard_enhanced_scopes() -> None:
    text = (
        "Emergency requests must be responded to within 30 minutes (standard) or 15 minutes (enhanced). "
        "Urgent requests must be resolved within 8 hours. Routine requests must be resolved within 5 business days."
    )
    got = {(d["priority"], d["metric"], d["minutes"], d["scope"]) for d in _sla(text)}
    assert ("P1", "response", 30, "standard") in got and ("P1", "response", 15, "enhanced") in got
    assert ("P2", "resolve", 480, None) in got and ("P3", "resolve", 7200, None) in got


def test_onsite_and_restore_metrics_and_support_tier_is_not_priority() -> None:
    text = (
        "For critical devices the contractor shall dispatch a technician within two (2) hours to arrive on-site. "
        "Level 1 support staff shall answer questions about the portal."
    )
    got = _sla(text)
    assert [(d["priority"], d["metric"], d["minutes"]) for d in got] == [("P1", "onsite", 120)]


def test_target_without_priority_is_kept_with_no_priority() -> None:
    got = _sla("The contractor shall respond to service requests within two hours.")
    assert got == [{"priority": None, "level": None, "metric": "response", "minutes": 120, "business": False,
                    "share": None, "scope": None}]  # fmt: skip


def test_no_sla_says_so_and_placeholders_are_never_values() -> None:
    it = extract_it_terms(["This agreement covers office supplies. Delivery is free."])
    assert it.sla == [] and NO_SLA in it.notes
    blank = extract_it_terms(
        ["Critical incidents shall receive a response within ____ hours. Customer: [Fill in]."]
    )
    assert blank.sla == [] and NO_SLA in blank.notes
    assert all("Fill in" not in p.data["name"] for p in blank.parties)


def test_conflicting_targets_for_one_priority_are_shown_as_conflict() -> None:
    it = extract_it_terms(
        [
            "Critical incidents shall receive a response within 15 minutes. "
            "Critical incidents shall receive a response within 1 hour."
        ]
    )
    assert len(it.conflicts) == 1
    c = it.conflicts[0]
    assert c["priority"] == "P1" and c["metric"] == "response"
    assert sorted(v["minutes"] for v in c["values"]) == [15, 60]
    assert any("Conflicting response targets for P1" in n for n in it.notes)


def test_provenance_points_at_the_text() -> None:
    pages = ["Intro page.", "Header\nUrgent tickets must receive a first reply within 1 hour."]
    item = extract_it_terms(pages).sla[0]
    assert item.page == 2
    assert pages[1][item.start : item.end] == "within 1 hour"
    assert "first reply" in item.snippet


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Support is provided 8:00AM through 5:00PM EST, Monday\n– Friday, except Federal holidays.",
         {"days": "Mon-Fri", "start": "08:00", "end": "17:00", "tz": "EST", "holidays_excluded": True}),
        ("The help desk shall be staffed 0600 through 1800 hours.",
         {"days": None, "start": "06:00", "end": "18:00"}),
        ("Core hours are 12:00pm - 6:00pm EST.", {"start": "12:00", "end": "18:00", "tz": "EST"}),
    ],
)  # fmt: skip
def test_coverage_windows(text: str, want: dict) -> None:
    got = [i.data for i in extract_it_terms([text]).coverage]
    assert len(got) == 1
    assert {k: got[0][k] for k in want} == want


def test_several_coverage_windows_24x7_remote_and_onsite_business_hours() -> None:
    text = ("Remote support is available 24x7 for critical incidents. "
            "On-site support is available 8:00 a.m. to 5:00 p.m. Monday through Friday.")  # fmt: skip
    got = {
        (d["days"], d["start"], d["end"], d["scope"])
        for d in (i.data for i in extract_it_terms([text]).coverage)
    }
    assert ("Mon-Sun", "00:00", "24:00", "P1") in got
    assert ("Mon-Fri", "08:00", "17:00", None) in got


def test_term_base_and_options_in_months() -> None:
    it = extract_it_terms(["The period of performance is a base period of twelve (12) months and "
                           "four (4) option periods of twelve months each."])  # fmt: skip
    got = {(d["kind"], d["months"], d["count"]) for d in (i.data for i in it.term)}
    assert got == {("base", 12, 1), ("option", 12, 4)}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("151'440.00", "151440.00"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12,000", "12000"),
    ],
)
def test_local_number_formats(raw: str, value: str) -> None:
    assert str(parse_amount(raw)) == value


def test_fees_rates_caps_and_distractors() -> None:
    text = (
        "The fixed monthly fee of CHF 151'440.00 covers up to 40 hours per month included. "
        "After-hours rate: EUR 1.234,50 per call-out. "
        "Price increases on renewal shall not exceed 5%. "
        "For example, a blended rate of $99 per hour would apply to small projects."
    )
    fees = {i.data["kind"]: i.data for i in extract_it_terms([text]).fees}
    assert fees["monthly_fee"]["amount"] == 151440.0 and fees["monthly_fee"]["currency"] == "CHF"
    assert fees["overtime_rate"]["amount"] == 1234.5 and fees["overtime_rate"]["currency"] == "EUR"
    assert fees["price_escalation"]["percent"] == 5.0
    assert fees["hour_cap"]
    assert fees["blended_rate"]["amount"] is None  # an example is not a fee


def test_work_outside_support_hours_is_priced_as_after_hours_not_the_hourly_rate() -> None:
    text = (
        "Remote support is charged at $110.00 per hour. "
        "Work outside the support hours is charged at $165.00 per hour."
    )
    fees = [(i.data["kind"], i.data["amount"]) for i in extract_it_terms([text]).fees]
    assert ("hourly_rate", 110.0) in fees and ("overtime_rate", 165.0) in fees
    assert ("hourly_rate", 165.0) not in fees


def test_penalty_rules() -> None:
    text = (
        "1% deduction per day up to maximum of 5% of the monthly total cost. "
        "$500 per business day for each late form, up to a maximum of $5,000 per form. "
        "5% addition of total cost if the contractor finishes early."
    )
    got = {(d["kind"], d["percent"], d["amount"], d["cap_percent"], d["cap_amount"])
           for d in (i.data for i in extract_it_terms([text]).penalties)}  # fmt: skip
    assert ("credit", 1.0, None, 5.0, None) in got
    assert ("credit", None, 500.0, None, 5000.0) in got
    assert ("incentive", 5.0, None, None, None) in got


def test_parties_agency_customer_and_placeholder_agency() -> None:
    it = extract_it_terms(["Statement of Work for the Department of Health and Human Services. "
                           "The Department of Health and Human Services will review."])  # fmt: skip
    assert [(p.data["role"], p.data["name"]) for p in it.parties] == [
        ("customer", "Department of Health and Human Services")
    ]
    assert (
        extract_it_terms(["Agency XXXX manages the devices for Agency XXXX offices."]).parties == []
    )


DATA = SHARED_DATA / "it-docs-dev" / "pdf"


def test_bench_meets_targets_on_labelled_real_documents(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.it_terms_eval import main

    assert DATA.exists(), "the labelled IT documents are part of shared/data"
    code = main(["--data", str(DATA)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "MISSED" not in out
