"""Per-unit counts taken per period (both backends): a run bills each period on the count it
had; bad counts and the wrong contracts are refused with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from access.roles import PermissionDenied
from billing.frames import contract_from_row
from db.billing.run import preview_run, run_billing
from db.billing.units import record_unit_count, unit_count_history
from db.models import AuditEntry, InvoiceLine
from tests.factories import ADMIN, actor


@pytest.fixture
def devices(store):
    _, contract = store.contract(
        "Pixel Clinics", pricing_model="per_unit", recurring_fee=None, unit_name="device",
        unit_price=Decimal("10"), unit_count=20, start_date=date(2026, 1, 1),
        billing_timing="advance",
    )  # fmt: skip
    return contract


def _units(preview) -> list[tuple]:
    lines = preview.lines
    units = lines[lines["kind"] == "units"]
    return list(zip(units["quantity"].astype(float), units["amount"].astype(float), strict=True))


def test_each_period_is_billed_on_the_count_it_had(session, devices):
    assert _units(preview_run(session=session, actor=ADMIN, period="2026-10")) == [(20.0, 200.0)]
    record_unit_count(session=session, actor=ADMIN, contract_id=devices.id,
                      effective_from=date(2026, 10, 1), count=25)  # fmt: skip
    record_unit_count(session=session, actor=ADMIN, contract_id=devices.id,
                      effective_from=date(2026, 11, 1), count="30")  # fmt: skip
    assert _units(preview_run(session=session, actor=ADMIN, period="2026-09")) == [(20.0, 200.0)]
    assert _units(preview_run(session=session, actor=ADMIN, period="2026-11")) == [(30.0, 300.0)]
    run_billing(session=session, actor=ADMIN, period="2026-10")
    stored = session.scalars(select(InvoiceLine).where(InvoiceLine.kind == "units")).all()
    assert [(float(x.quantity), float(x.amount)) for x in stored] == [(25.0, 250.0)]

    history = unit_count_history(session=session, actor=ADMIN, contract_id=devices.id)
    assert history.to_dict("records") == [
        {"effective_from": date(2026, 11, 1), "count": 30, "source": "taken"},
        {"effective_from": date(2026, 10, 1), "count": 25, "source": "taken"},
        {"effective_from": date(2026, 1, 1), "count": 20, "source": "contract"},
    ]


def test_a_correction_replaces_the_count_and_is_audited(session, devices):
    for n in (25, 24):
        record_unit_count(session=session, actor=ADMIN, contract_id=devices.id,
                          effective_from=date(2026, 10, 1), count=n)  # fmt: skip
    history = unit_count_history(session=session, actor=ADMIN, contract_id=devices.id)
    assert list(history["count"]) == [24, 20]
    audit = session.execute(
        select(AuditEntry.old_value, AuditEntry.new_value).where(AuditEntry.action == "unit_count")
    ).all()
    assert [tuple(a) for a in audit] == [(None, "25"), ("25", "24")]


@pytest.mark.parametrize(
    ("count", "message"),
    [(-1, "cannot be negative"), ("ten", "whole number"), ("2.5", "whole number")],
)
def test_bad_counts_are_refused(session, devices, count, message):
    with pytest.raises(ValueError, match=message):
        record_unit_count(session=session, actor=ADMIN, contract_id=devices.id,
                          effective_from=date(2026, 10, 1), count=count)  # fmt: skip
    assert list(
        unit_count_history(session=session, actor=ADMIN, contract_id=devices.id)["count"]
    ) == [20]


def test_only_per_unit_contracts_and_billing_roles(session, store, devices):
    _, fixed = store.contract("Fixed Fee Ltd")
    with pytest.raises(ValueError, match="not priced per unit"):
        record_unit_count(session=session, actor=ADMIN, contract_id=fixed.id,
                          effective_from=date(2026, 10, 1), count=3)  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_unit_count(session=session, actor=actor("technician"), contract_id=devices.id,
                          effective_from=date(2026, 10, 1), count=3)  # fmt: skip


def test_counts_in_a_contract_row_override_from_their_date():
    row = {"id": 1, "client_id": 1, "pricing_model": "per_unit", "unit_name": "user",
           "unit_price": "5", "unit_count": 10, "start_date": date(2026, 1, 1),
           "unit_counts": {date(2026, 6, 1): 12}}  # fmt: skip
    pricing = contract_from_row(row).pricing
    assert (pricing.count_on(date(2026, 5, 31)), pricing.count_on(date(2026, 6, 1))) == (10, 12)
