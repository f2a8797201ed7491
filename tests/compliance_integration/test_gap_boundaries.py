"""Gap detection through the store at its boundaries: 60 days, yesterday, renewals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from access.roles import PermissionDenied
from db.compliance.gaps import gap_report
from tests.compliance_integration.conftest import ON, credential, indemnity
from tests.factories import ADMIN, actor


@pytest.fixture
def insured(session, world):
    indemnity(session, date(2027, 12, 31))
    return world


def tech_gaps(session):
    report = gap_report(session=session, actor=ADMIN, on=ON, horizon_days=60)
    return [g for g in report.gaps if g.technician_id is not None], report


def test_gap_exactly_60_days_ahead_is_raised_61_is_not(session, insured):
    row = credential(session, insured["tech"], "DBS check", ON + timedelta(days=59))
    (gap,), report = tech_gaps(session)
    assert (gap.kind, gap.starts, gap.days_until, gap.severity) == (
        "expiring",
        ON + timedelta(days=60),
        60,
        "medium",
    )
    assert report.table.loc[0, "technician"] == "Tina Tech"
    assert report.table.loc[0, "contract"] == "C-1"
    row.expires_on = ON + timedelta(days=60)
    session.flush()
    assert tech_gaps(session)[0] == []


def test_expired_yesterday_is_a_critical_open_gap_and_today_is_still_valid(session, insured):
    row = credential(session, insured["tech"], "Background check", ON - timedelta(days=1))
    (gap,), _ = tech_gaps(session)
    assert (gap.kind, gap.starts, gap.days_until, gap.severity) == ("expired", ON, 0, "critical")
    assert f"expired on {ON.isoformat()}" in gap.reason
    row.expires_on = ON  # valid through today: the gap starts tomorrow
    session.flush()
    (gap,), _ = tech_gaps(session)
    assert (gap.kind, gap.starts, gap.days_until) == ("expiring", ON + timedelta(days=1), 1)


def test_renewal_recorded_before_expiry_closes_the_gap(session, insured):
    credential(session, insured["tech"], "DBS check", ON + timedelta(days=10))
    assert len(tech_gaps(session)[0]) == 1
    credential(
        session,
        insured["tech"],
        "DBS check",
        ON + timedelta(days=1000),
        issued_on=ON + timedelta(days=5),
    )
    assert tech_gaps(session)[0] == []


def test_missing_credential_and_low_cover_are_reported(session, world):
    indemnity(session, date(2030, 1, 1), name="Professional indemnity insurance",
              cover_amount=Decimal("5"))  # fmt: skip
    report = gap_report(session=session, actor=ADMIN, on=ON)
    kinds = sorted(report.table["kind"])
    assert kinds == ["insufficient_cover", "missing"]
    assert set(report.by_contract["contract"]) == {"C-1"}
    assert list(report.by_technician["technician"]) == ["Tina Tech"]


def test_bad_horizon_is_refused(session, world):
    with pytest.raises(ValueError, match="horizon"):
        gap_report(session=session, actor=ADMIN, on=ON, horizon_days=-1)


@pytest.mark.parametrize("role", ["executive", "technician"])
def test_gap_report_refuses_roles_without_compliance_work(session, world, role):
    with pytest.raises(PermissionDenied):
        gap_report(session=session, actor=actor(role), on=ON)


def test_exports_name_contracts_and_technicians(session, world):
    import io

    import pdfplumber

    from db.compliance.gaps import report_csv, report_pdf

    report = gap_report(session=session, actor=ADMIN, on=ON)
    csv = report_csv(report).decode()
    assert csv.splitlines()[0].startswith("contract_id,contract,client,technician_id,technician")
    assert "C-1,Acme Dental" in csv and "Tina Tech" in csv
    with pdfplumber.open(io.BytesIO(report_pdf(report))) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "C-1" in text and "Tina Tech" in text
