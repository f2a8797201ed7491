"""Assignment checks, the name registry and the risk tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from compliance.gaps import MissingCredential, check_assignment, gaps
from compliance.requirements import (
    Assignment,
    ContractRequirements,
    HeldCredential,
    Holdings,
    InsurancePolicy,
    InsuranceRequirement,
    NameEntry,
    TechnicianCredential,
    default_registry,
    normalise_name,
    registry_with,
)
from compliance.risk import gaps_frame, risk_by_contract, risk_by_technician

VISIT = date(2026, 4, 14)
HOSPITAL = ContractRequirements(
    "C-7",
    date(2025, 1, 1),
    credentials=(
        TechnicianCredential("Criminal record check"),
        TechnicianCredential("CSCS card"),
        TechnicianCredential("CompTIA A+", applies_to="all"),
    ),
)


def test_technician_with_everything_can_be_assigned() -> None:
    held = [
        HeldCredential("T1", "DBS check", date(2024, 5, 1), date(2027, 5, 1)),
        HeldCredential("T1", "CSCS", date(2023, 1, 1), date(2028, 1, 1)),
        HeldCredential("T1", "A+", date(2020, 1, 1), None),
    ]
    assert check_assignment(held, HOSPITAL, VISIT) == []


def test_missing_expired_and_not_yet_valid_credentials_are_listed_with_reasons() -> None:
    held = [
        HeldCredential("T2", "background check", date(2023, 1, 1), date(2026, 4, 14)),
        HeldCredential("T2", "CSCS card", date(2026, 5, 1), date(2031, 5, 1)),
    ]
    assert check_assignment(held, HOSPITAL, VISIT) == [
        MissingCredential("DBS check", "expired on 2026-04-14"),
        MissingCredential("CSCS card", "not valid until 2026-05-01"),
        MissingCredential("CompTIA A+", "not held"),
    ]


def test_remote_work_only_needs_credentials_that_apply_to_all() -> None:
    assert check_assignment([], HOSPITAL, VISIT, onsite=False) == [
        MissingCredential("CompTIA A+", "not held")
    ]


def test_unknown_credential_blocks_assignment_with_a_clear_message() -> None:
    contract = ContractRequirements(
        "C-8", date(2025, 1, 1), credentials=(TechnicianCredential("XYZ"),)
    )
    assert check_assignment([], contract, VISIT) == [
        MissingCredential(
            "XYZ", "unknown credential 'XYZ': add it to the credential list or fix the requirement"
        )
    ]


def test_registry_synonyms_and_company_specific_names() -> None:
    registry = default_registry()
    assert registry.canonical("credential", "Background Check") == "DBS check"
    assert registry.canonical("credential", "criminal-record check") == "DBS check"
    assert registry.canonical("certification", "ISO/IEC 27001:2022") == "ISO 27001"
    assert registry.canonical("certification", "soc2 type 2") == "SOC 2 Type II"
    assert registry.satisfies("credential", "Enhanced DBS check", "background check")
    assert not registry.satisfies("credential", "DBS check", "Enhanced DBS check")
    assert normalise_name("Employer’s  Liability") == "employers liability"
    custom = registry_with([NameEntry("credential", "NHS smartcard", ("smartcard",))])
    contract = ContractRequirements(
        "C-9", date(2025, 1, 1), credentials=(TechnicianCredential("NHS Smartcard"),)
    )
    held = [HeldCredential("T3", "smartcard", date(2025, 1, 1), date(2027, 1, 1))]
    assert check_assignment(held, contract, VISIT, registry=custom) == []


def _sample_gaps() -> list:
    on = date(2026, 3, 2)
    contracts = [
        ContractRequirements(
            "C-1",
            date(2025, 1, 1),
            insurance=(InsuranceRequirement("cyber", Decimal("1000000")),),
            credentials=(TechnicianCredential("DBS check"),),
        ),
        ContractRequirements("C-2", date(2025, 1, 1), credentials=(TechnicianCredential("DBS"),)),
    ]
    holdings = Holdings(
        policies=(InsurancePolicy("cyber", Decimal("1000000"), date(2026, 4, 1)),),
        credentials=(
            HeldCredential("T1", "DBS check", date(2024, 1, 1), date(2026, 3, 20)),
            HeldCredential("T2", "DBS check", date(2024, 1, 1), None),
        ),
    )
    assignments = [
        Assignment("T1", "C-1", date(2025, 1, 1)),
        Assignment("T1", "C-2", date(2025, 1, 1)),
        Assignment("T2", "C-2", date(2025, 1, 1)),
        Assignment("T3", "C-2", date(2026, 3, 10)),
    ]
    return gaps(contracts, holdings, assignments, on)


def test_gaps_frame_has_one_row_per_gap() -> None:
    frame = gaps_frame(_sample_gaps())
    assert list(frame.columns) == [
        "contract_id",
        "technician_id",
        "requirement",
        "kind",
        "severity",
        "starts",
        "days_until",
        "reason",
        "key",
    ]
    assert frame[["contract_id", "severity", "days_until"]].values.tolist() == [
        ["C-2", "critical", 8],
        ["C-1", "high", 18],
        ["C-2", "high", 18],
        ["C-1", "high", 30],
        ["C-2", "low", -791],
    ]
    technicians = frame["technician_id"].tolist()
    assert technicians[:3] + technicians[4:] == ["T3", "T1", "T1", "T2"]
    assert pd.isna(technicians[3])  # the company's own insurance has no technician


def test_risk_by_contract_counts_and_includes_clean_contracts() -> None:
    frame = risk_by_contract(_sample_gaps(), contract_ids=["C-1", "C-2", "C-3"])
    assert frame.drop(columns="first_gap").values.tolist() == [
        ["C-2", 1, 1, 0, 1, 2, "critical"],
        ["C-1", 0, 2, 0, 0, 2, "high"],
        ["C-3", 0, 0, 0, 0, 0, "ok"],
    ]
    assert frame["first_gap"].tolist()[:2] == [date(2026, 3, 10), date(2026, 3, 20)]
    assert pd.isna(frame["first_gap"].iloc[2])


def test_risk_by_technician_counts_contracts() -> None:
    frame = risk_by_technician(_sample_gaps())
    assert frame[
        ["technician_id", "critical", "high", "low", "gaps", "worst", "contracts"]
    ].values.tolist() == [
        ["T3", 1, 0, 0, 1, "critical", 1],
        ["T1", 0, 2, 0, 2, "high", 2],
        ["T2", 0, 0, 1, 0, "low", 1],
    ]


def test_risk_frames_of_no_gaps_are_empty_but_typed() -> None:
    assert gaps_frame([]).empty
    assert risk_by_contract([], ["C-1"]).values.tolist()[0][:7] == ["C-1", 0, 0, 0, 0, 0, "ok"]
    assert risk_by_technician([]).empty
