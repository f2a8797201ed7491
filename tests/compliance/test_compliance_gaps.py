"""Gap detection: boundaries of the 60-day horizon, renewals, synonyms, cover, stable keys."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from compliance.gaps import Gap, gaps
from compliance.requirements import (
    Assignment,
    ClauseAttestation,
    CompanyCertification,
    ContractRequirements,
    HeldCredential,
    Holdings,
    InsurancePolicy,
    InsuranceRequirement,
    ProviderCertification,
    SecurityClause,
    TechnicianCredential,
)

ON = date(2026, 3, 2)
SINCE = date(2025, 1, 1)


def days(n: int) -> date:
    return ON + timedelta(days=n)


def dbs_contract(**kwargs) -> ContractRequirements:
    return ContractRequirements(
        "C-100", SINCE, credentials=(TechnicianCredential("background check"),), **kwargs
    )


def tech_gaps(*held: HeldCredential, onsite: bool = True, on: date = ON) -> list[Gap]:
    assignment = Assignment("T7", "C-100", SINCE, onsite=onsite)
    return gaps([dbs_contract()], Holdings(credentials=held), [assignment], on)


def dbs(expiry: date | None, issued: date = date(2023, 6, 1)) -> HeldCredential:
    return HeldCredential("T7", "DBS check", issued, expiry)


@pytest.mark.parametrize(
    ("expires_in", "severity", "kind"),
    [
        (60, "medium", "expiring"),  # exactly at the horizon: raised
        (31, "medium", "expiring"),
        (30, "high", "expiring"),
        (1, "high", "expiring"),
        (0, "critical", "expired"),  # the expiry day no longer counts
        (-1, "critical", "expired"),  # expired yesterday: a current gap
    ],
)
def test_credential_gap_at_boundaries(expires_in: int, severity: str, kind: str) -> None:
    [gap] = tech_gaps(dbs(days(expires_in)))
    assert (gap.severity, gap.kind, gap.starts) == (severity, kind, days(expires_in))
    assert gap.days_until == expires_in
    assert gap.contract_id == "C-100" and gap.technician_id == "T7"
    assert gap.requirement == "credential: DBS check"
    assert gap.key == f"C-100|credential: DBS check|technician:T7|{days(expires_in)}"


def test_expiring_exactly_in_60_days_reason() -> None:
    [gap] = tech_gaps(dbs(date(2026, 5, 1)))
    assert gap.reason == (
        "DBS check for technician T7 expires on 2026-05-01 (in 60 days); no renewal recorded"
    )


def test_expired_yesterday_reason() -> None:
    [gap] = tech_gaps(dbs(date(2026, 3, 1)))
    assert gap.reason == "DBS check for technician T7 expired on 2026-03-01; no renewal recorded"


def test_expiring_in_61_days_is_not_raised_yet() -> None:
    assert tech_gaps(dbs(days(61))) == []
    [gap] = tech_gaps(dbs(days(61)), on=ON + timedelta(days=1))
    assert gap.starts == days(61) and gap.days_until == 60


def test_renewal_before_expiry_closes_the_gap() -> None:
    renewal = HeldCredential("T7", "criminal record check", days(10), days(400))
    assert tech_gaps(dbs(days(20)), renewal) == []


def test_renewal_after_expiry_leaves_a_gap_until_it_starts() -> None:
    renewal = HeldCredential("T7", "DBS check", days(25), days(400))
    [gap] = tech_gaps(dbs(days(20)), renewal)
    assert (gap.severity, gap.kind, gap.starts) == ("high", "expiring", days(20))
    assert gap.reason.endswith("; the next one starts on 2026-03-27")


def test_credential_without_expiry_counts_but_is_flagged() -> None:
    [flag] = tech_gaps(dbs(None, issued=date(2024, 2, 1)))
    assert (flag.kind, flag.severity, flag.starts) == ("no_expiry", "low", date(2024, 2, 1))
    assert (
        flag.reason == "DBS check for technician T7 is counted as valid but has no expiry recorded"
    )
    assert flag.key == "C-100|credential: DBS check|technician:T7|2024-02-01|no-expiry"


def test_onsite_technician_missing_credential_is_critical_even_before_the_visit() -> None:
    visit = Assignment("T8", "C-100", days(40), days(40), onsite=True)
    [gap] = gaps([dbs_contract()], Holdings(), [visit], ON)
    assert (gap.severity, gap.kind, gap.starts, gap.days_until) == (
        "critical",
        "missing",
        days(40),
        40,
    )
    assert gap.reason == "DBS check for technician T8: none recorded"


def test_onsite_only_credential_is_not_required_of_remote_technicians() -> None:
    assert tech_gaps(onsite=False) == []
    remote = ContractRequirements(
        "C-100", SINCE, credentials=(TechnicianCredential("CompTIA A+", applies_to="all"),)
    )
    [gap] = gaps([remote], Holdings(), [Assignment("T7", "C-100", SINCE, onsite=False)], ON)
    assert (gap.requirement, gap.severity, gap.kind) == (
        "credential: CompTIA A+",
        "critical",
        "missing",
    )


def test_assignments_outside_the_window_or_contract_are_ignored() -> None:
    finished = Assignment("T7", "C-100", SINCE, days(-1))
    too_late = Assignment("T9", "C-100", days(61))
    other_contract = Assignment("T5", "C-999", SINCE)
    assert gaps([dbs_contract()], Holdings(), [finished, too_late, other_contract], ON) == []


def test_contract_ended_or_starting_beyond_horizon_has_no_gaps() -> None:
    policy = InsuranceRequirement("cyber", Decimal("1000000"))
    ended = ContractRequirements("C-1", SINCE, days(-1), insurance=(policy,))
    future = ContractRequirements("C-2", days(61), insurance=(policy,))
    assert gaps([ended, future], Holdings(), [], ON) == []


def test_contract_starting_soon_raises_gap_from_its_start() -> None:
    starting = ContractRequirements(
        "C-3", days(20), insurance=(InsuranceRequirement("cyber", Decimal("1000000")),)
    )
    [gap] = gaps([starting], Holdings(), [], ON)
    assert (gap.severity, gap.kind, gap.starts) == ("high", "missing", days(20))
    assert gap.reason == "cyber insurance (at least GBP 1,000,000.00): none recorded"


def test_gap_key_is_stable_from_day_to_day() -> None:
    held = Holdings(credentials=(dbs(days(45)),))
    assignment = [Assignment("T7", "C-100", SINCE)]
    keys = {
        g.key for n in range(0, 50, 7) for g in gaps([dbs_contract()], held, assignment, days(n))
    }
    assert keys == {f"C-100|credential: DBS check|technician:T7|{days(45)}"}


INSURED = ContractRequirements(
    "C-200",
    SINCE,
    insurance=(InsuranceRequirement("professional indemnity", Decimal("2000000")),),
)


def test_insurance_below_minimum_cover_is_a_gap() -> None:
    small = InsurancePolicy("PI", Decimal("1000000"), days(300))
    [gap] = gaps([INSURED], Holdings(policies=(small,)), [], ON)
    assert (gap.kind, gap.severity, gap.starts) == ("insufficient_cover", "critical", SINCE)
    assert gap.reason == (
        "professional indemnity insurance (at least GBP 2,000,000.00): cover GBP 1,000,000.00 "
        "is below the required GBP 2,000,000.00"
    )


def test_insurance_at_minimum_cover_meets_requirement_under_a_synonym() -> None:
    exact = InsurancePolicy("Errors and Omissions", Decimal("2000000.00"), days(300))
    assert gaps([INSURED], Holdings(policies=(exact,)), [], ON) == []


def test_insurance_in_another_currency_is_not_silently_accepted() -> None:
    dollars = InsurancePolicy("professional indemnity", Decimal("5000000"), days(300), "USD")
    [gap] = gaps([INSURED], Holdings(policies=(dollars,)), [], ON)
    assert gap.kind == "currency_mismatch"
    assert gap.reason.endswith("policy is in USD, the currency required is GBP")


def test_policy_renewed_with_lower_cover_is_a_future_gap() -> None:
    current = InsurancePolicy("PI", Decimal("2000000"), days(15), starts=date(2025, 3, 1))
    renewed = InsurancePolicy("PI", Decimal("500000"), days(380), starts=days(15))
    [gap] = gaps([INSURED], Holdings(policies=(current, renewed)), [], ON)
    assert (gap.kind, gap.severity, gap.starts) == ("insufficient_cover", "high", days(15))


def test_certification_synonyms_and_implied_certifications() -> None:
    contract = ContractRequirements(
        "C-300",
        SINCE,
        certifications=(
            ProviderCertification("ISO 27001"),
            ProviderCertification("Cyber Essentials"),
        ),
    )
    held = Holdings(
        certifications=(
            CompanyCertification("ISO/IEC 27001:2022", days(500)),
            CompanyCertification("Cyber Essentials Plus", days(200)),
        )
    )
    assert gaps([contract], held, [], ON) == []
    weaker = ContractRequirements("C-301", SINCE, certifications=(ProviderCertification("CE+"),))
    only_basic = Holdings(certifications=(CompanyCertification("Cyber Essentials", days(200)),))
    [gap] = gaps([weaker], only_basic, [], ON)
    assert (gap.requirement, gap.kind) == ("certification: Cyber Essentials Plus", "missing")


def test_security_clauses_by_certificate_evidence_or_attestation() -> None:
    contract = ContractRequirements(
        "C-400",
        SINCE,
        clauses=(
            SecurityClause("Data handling", "Client data stays in the UK", evidence="ISO 27001"),
            SecurityClause("Encryption at rest", "All laptops use full-disk encryption"),
        ),
    )
    held = Holdings(
        certifications=(CompanyCertification("ISO 27001", days(45)),),
        attestations=(
            ClauseAttestation("C-400", "encryption at rest", date(2025, 9, 1), days(90)),
        ),
    )
    [gap] = gaps([contract], held, [], ON)
    assert (gap.requirement, gap.kind, gap.severity, gap.starts) == (
        "security clause: Data handling",
        "expiring",
        "medium",
        days(45),
    )
    assert gap.reason.startswith("ISO 27001 certification (evidence for security clause")
    unattested = gaps([contract], Holdings(certifications=held.certifications), [], ON)
    assert [(g.requirement, g.kind, g.severity) for g in unattested] == [
        ("security clause: Encryption at rest", "missing", "critical"),
        ("security clause: Data handling", "expiring", "medium"),
    ]


def test_unknown_credential_is_a_finding_not_a_pass() -> None:
    contract = ContractRequirements(
        "C-500",
        SINCE,
        credentials=(TechnicianCredential("XYZ"), TechnicianCredential("DBS chek")),
    )
    found = gaps([contract], Holdings(), [], ON)
    assert [(g.requirement, g.kind, g.severity, g.reason) for g in found] == [
        (
            "credential: DBS chek",
            "unknown_requirement",
            "critical",
            "unknown credential 'DBS chek': add it to the credential list or fix the "
            "requirement (did you mean 'DBS check'?)",
        ),
        (
            "credential: XYZ",
            "unknown_requirement",
            "critical",
            "unknown credential 'XYZ': add it to the credential list or fix the requirement",
        ),
    ]


def test_unknown_insurance_and_certification_are_findings() -> None:
    contract = ContractRequirements(
        "C-501",
        SINCE,
        insurance=(InsuranceRequirement("alien abduction", Decimal("1")),),
        certifications=(ProviderCertification("ISO 99999"),),
    )
    found = gaps([contract], Holdings(), [], ON)
    assert [g.reason for g in found] == [
        "unknown certification 'ISO 99999': add it to the certification list or fix the "
        "requirement",
        "unknown insurance 'alien abduction': add it to the insurance list or fix the requirement",
    ]


def test_gaps_are_sorted_most_urgent_first() -> None:
    contract = dbs_contract(
        insurance=(InsuranceRequirement("cyber", Decimal("1000000")),),
        certifications=(ProviderCertification("ISO 9001"),),
    )
    held = Holdings(
        policies=(InsurancePolicy("cyber", Decimal("1000000"), days(50)),),
        certifications=(CompanyCertification("ISO 9001", days(10)),),
    )
    found = gaps([contract], held, [Assignment("T7", "C-100", SINCE)], ON)
    assert [(g.severity, g.requirement) for g in found] == [
        ("critical", "credential: DBS check"),
        ("high", "certification: ISO 9001"),
        ("medium", "insurance: cyber"),
    ]


def test_requirement_values_are_validated() -> None:
    with pytest.raises(ValueError, match="Decimal"):
        InsuranceRequirement("cyber", 1000000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ISO code"):
        InsuranceRequirement("cyber", Decimal("1"), "pounds")
    with pytest.raises(ValueError, match="applies_to"):
        TechnicianCredential("DBS check", applies_to="remote")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ends before it starts"):
        ContractRequirements("C", date(2026, 1, 2), date(2026, 1, 1))
