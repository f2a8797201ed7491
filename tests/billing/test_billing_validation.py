import math
from datetime import date
from decimal import Decimal as D

import pytest

from billing.model import Usage
from billing.periods import iter_periods
from billing.pricing import FixedFee, TimeAndMaterials, invoice_lines
from billing.validation import Reason, revenue_recovered, validate_entries
from tests.billing.billing_factories import at, contract, entry

CARD = TimeAndMaterials({"engineer": D("120")}, D("1.5"))
CONTRACTS = [
    contract(contract_id="C1", client_id="K1", pricing=FixedFee(D("1000")), rates=CARD),
    contract(contract_id="C2", client_id="K2", pricing=None),
    contract(
        contract_id="C3",
        client_id="K3",
        pricing=TimeAndMaterials({"engineer": D(100)}),
        end_date=date(2024, 6, 30),
    ),
]


def findings_of(*entries):
    report = validate_entries(entries, CONTRACTS)
    return report, [(f.reason, f.message) for f in report.findings]


def test_clean_entry_passes():
    report, found = findings_of(entry())
    assert found == []
    assert report.accuracy() == 1.0
    assert len(report.billable) == 1


def test_rate_mismatch_is_corrected_not_blocking():
    e = entry(contract_id="C3", client_id="K3", minutes=90, rate_charged=D("95"))
    report, found = findings_of(e)
    # contract 100/h x 1.5 h = 150.00; charged 95 x 1.5 = 142.50; corrected by +7.50
    assert found == [
        (
            Reason.RATE_MISMATCH,
            "charged 95.00/h, contract rate 100.00/h (engineer 100.00/h); "
            "90 min: 150.00 instead of 142.50 (+7.50)",
        )
    ]
    assert report.findings[0].amount == D("7.50")
    assert report.billable == [e]  # billed at the contract rate
    assert report.accuracy() == 0.0  # but the entry as recorded was wrong


def test_after_hours_rate_without_multiplier_is_a_mismatch():
    e = entry(entitlement_outcome="covered_after_hours", rate_charged=D("120"), minutes=60)
    _, found = findings_of(e)
    # contract 120 x 1.5 = 180/h for 1 h = 180.00; charged 120.00
    assert found == [
        (
            Reason.RATE_MISMATCH,
            "charged 120.00/h, contract rate 180.00/h (engineer 120.00/h x 1.5 after hours); "
            "60 min: 180.00 instead of 120.00 (+60.00)",
        )
    ]


def test_out_of_scope_without_approval():
    report, found = findings_of(entry(entitlement_outcome="out_of_scope", minutes=30))
    assert found == [(Reason.NOT_APPROVED, "out-of-scope work (30 min, engineer) has no approval")]
    assert report.billable == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"contract_id": None, "client_id": "K9"},
            "client K9 has no contract in force on 2024-03-05",
        ),
        (
            {"contract_id": "C3", "client_id": "K3", "started_at": at(1, month=8)},
            "contract C3 is not in force on 2024-08-01 (2024-01-01 to 2024-06-30)",
        ),
        ({"contract_id": "C7"}, "contract C7 is unknown"),
        (
            {"entitlement_outcome": "no-contract"},
            "entitlement check found no contract covering this work",
        ),
    ],
)
def test_no_contract(overrides, message):
    report, found = findings_of(entry(**overrides))
    assert found == [(Reason.NO_CONTRACT, message)]
    assert report.billable == []


def test_contract_is_resolved_for_entries_without_one():
    report, found = findings_of(entry(contract_id=None, client_id="K1"))
    assert found == []
    assert report.entries[0].contract_id == "C1"


def test_duplicate_names_the_first_entry():
    first = entry(ticket_id="T9", started_at=at(5, 9), minutes=45)
    second = entry(ticket_id="T9", started_at=at(5, 9), minutes=45)
    report, found = findings_of(first, second)
    assert found == [
        (
            Reason.DUPLICATE,
            f"same technician U1, ticket T9, start 2024-03-05T09:00:00+00:00 and 45 min "
            f"as entry {first.entry_id}",
        )
    ]
    assert report.billable == [first]


@pytest.mark.parametrize(("minutes", "shown"), [(-15, "-15"), (0, "0"), (None, "missing")])
def test_negative_zero_or_missing_minutes(minutes, shown):
    _, found = findings_of(entry(minutes=minutes))
    assert found == [(Reason.NEGATIVE_MINUTES, f"minutes must be > 0, got {shown}")]


def test_rate_in_another_currency():
    e = entry(contract_id="C3", client_id="K3", currency="USD", rate_charged=D("95"))
    _, found = findings_of(e)
    # no rate comparison across currencies: one finding, not two
    assert found == [(Reason.CURRENCY_MISMATCH, "rate charged in USD, contract C3 bills in EUR")]


def test_contract_without_pricing_model():
    _, found = findings_of(entry(contract_id="C2", client_id="K2"))
    assert found == [(Reason.NO_PRICING_MODEL, "contract C2 has no pricing model")]


@pytest.mark.parametrize("missing", [None, "", " ", float("nan")])
def test_missing_ticket_and_technician(missing):
    _, found = findings_of(entry(ticket_id=missing, technician_id=missing))
    assert found == [
        (Reason.MISSING_TICKET, "no ticket on the entry"),
        (Reason.MISSING_TECHNICIAN, "no technician on the entry"),
    ]


def test_coverage_flag_contradicting_entitlement():
    _, found = findings_of(entry(after_hours=True))
    assert found == [
        (
            Reason.COVERAGE_MISMATCH,
            "entry is flagged after hours but entitlement says inside coverage hours",
        )
    ]
    _, found = findings_of(entry(entitlement_outcome="covered_after_hours", after_hours=False))
    assert found[0][0] is Reason.COVERAGE_MISMATCH


def test_billable_work_without_a_contracted_rate():
    e = entry(role="architect", entitlement_outcome="out_of_scope", approved=True)
    _, found = findings_of(e)
    assert found == [(Reason.NO_RATE, "no contracted rate for role 'architect' on contract C1")]


def test_unknown_outcome_and_outcome_spelling_variants():
    _, found = findings_of(entry(entitlement_outcome="maybe"))
    assert found == [
        (
            Reason.UNKNOWN_OUTCOME,
            "entitlement outcome 'maybe' is not one of covered, covered_after_hours, "
            "out_of_scope, no_contract",
        )
    ]
    _, found = findings_of(entry(entitlement_outcome="Covered-After-Hours"))
    assert found == []


def test_accuracy_per_run_and_per_client():
    entries = [
        entry(),
        entry(),
        entry(),
        entry(minutes=-5),
        entry(contract_id="C2", client_id="K2"),
    ]
    report = validate_entries(entries, CONTRACTS)
    assert report.accuracy() == pytest.approx(3 / 5)
    by_client = report.accuracy_by_client()
    assert by_client.to_dict("records") == [
        {"client_id": "K1", "entries": 4, "passed": 3, "accuracy": 0.75},
        {"client_id": "K2", "entries": 1, "passed": 0, "accuracy": 0.0},
    ]
    frame = report.findings_frame()
    assert list(frame["reason"]) == ["NEGATIVE_MINUTES", "NO_PRICING_MODEL"]
    assert list(frame["blocking"]) == [True, True]


def test_accuracy_of_an_empty_run_is_nan_not_an_error():
    report = validate_entries([], CONTRACTS)
    assert math.isnan(report.accuracy())
    assert report.accuracy_by_client().empty
    assert report.findings_frame().empty


def test_revenue_recovered_figures():
    c1 = CONTRACTS[0]
    entries = [
        entry(entitlement_outcome="out_of_scope", approved=True, minutes=90),
        entry(entitlement_outcome="covered_after_hours", rate_charged=D("150"), minutes=60),
        entry(entitlement_outcome="out_of_scope", approved=True, minutes=30, rate_charged=D("130")),
    ]
    report = validate_entries(entries, CONTRACTS)
    period = next(p for p in iter_periods(c1, until=date(2025, 1, 1)) if p.start.month == 3)
    lines = invoice_lines(c1, period, Usage(report.billable))
    figures = revenue_recovered(lines, report).to_dict("records")
    # out of scope 120 min at 120 = 240.00; after hours 60 min at 180 = 180.00;
    # rate errors: after hours charged 150 instead of 180 for 1 h -> +30.00 recovered;
    # out of scope charged 130 instead of 120 for 0.5 h -> 65.00 vs 60.00 -> 5.00 overcharge
    assert figures == [
        {
            "currency": "EUR",
            "out_of_scope_captured": D("240.00"),
            "overage_billed": D("0.00"),
            "after_hours_billed": D("180.00"),
            "rate_undercharge_recovered": D("30.00"),
            "rate_overcharge_corrected": D("5.00"),
        }
    ]
