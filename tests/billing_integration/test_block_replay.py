"""The block-hours balance from summed minutes equals the replay of every old invoice.

The reference is the old path: `invoice_run` over every entitled entry of the rollover
contracts' history (what `_replay_states` did before it summed minutes per day). Random
contracts (cycles, timing, alignment, zones, caps, end dates, calendars with versions,
rate cards) and random entries (bad minutes, missing ticket or technician, duplicates,
wrong currency, out-of-scope services, unapproved work, work across closing time and
across midnight) must give identical states at several cut-off dates.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from billing.pricing import BlockHours
from billing.run import invoice_run
from db.billing.common import _start
from db.billing.compute import _coverage
from db.billing.inputs import (
    _billing,
    _contract_rows,
    _entitle,
    _entry_frame,
    _replay_states,
    _time_entries,
)
from db.calendars import change_calendar
from db.models import Calendar, Contract, ContractService, Technician, Ticket, TimeEntry
from tests.factories import ADMIN, make_contract

ZONES = ("UTC", "Europe/London", "America/New_York", "Australia/Sydney")
SERVICES = ("network", "backup", "hardware procurement")


def _calendars(session, rnd: random.Random) -> list[int | None]:
    ids: list[int | None] = [None]  # 24x7
    for n, zone in enumerate(ZONES[:3]):
        cal = Calendar(name=f"Office {n}", spec="Mon-Fri 08:00-18:00", timezone=zone)
        session.add(cal)
        session.flush()
        ids.append(cal.id)
    change_calendar(session=session, actor=ADMIN, calendar_id=ids[1], spec="Mon-Fri 07:00-20:00",
                    valid_from=datetime(2025, 9, 1, tzinfo=UTC))  # fmt: skip
    return ids


def _contracts(session, rnd: random.Random, calendars: list[int | None]) -> list[Contract]:
    out = []
    for n in range(7):
        start = date(2024, 6, 1) + timedelta(days=rnd.randrange(0, 700))
        end = rnd.choice([None, start + timedelta(days=rnd.randrange(200, 900))])
        card = rnd.choice([None, {"engineer": "120"}])
        _, c = make_contract(
            session,
            name=f"Block {n}",
            reference=f"B-{n}",
            start_date=start,
            end_date=end,
            currency="GBP",
            pricing_model="block_hours",
            recurring_fee=Decimal("1000"),
            included_hours=Decimal(rnd.choice(["4", "7.5", "10"])),
            overage_rate=Decimal("90"),
            rollover=n != 6,  # one without rollover: never replayed
            rollover_cap_hours=rnd.choice([None, Decimal("3"), Decimal("12.5")]),
            billing_cycle=rnd.choice(["monthly", "monthly", "quarterly"]),
            billing_timing=rnd.choice(["advance", "arrears"]),
            billing_alignment=rnd.choice(["calendar", "anniversary"]),
            calendar_id=rnd.choice(calendars),
            timezone=rnd.choice(ZONES),
            role_rates=card,
        )
        kinds = [("included", "*")] if rnd.random() < 0.5 else [("included", "network")]
        kinds += [("excluded", "hardware procurement")]
        for kind, name in kinds:
            session.add(ContractService(contract_id=c.id, kind=kind, name=name))
        out.append(c)
    session.flush()
    return out


def _entries(session, rnd: random.Random, contracts: list[Contract]) -> None:
    tech = Technician(name="Tess Tech")
    session.add(tech)
    session.flush()
    rows: list[TimeEntry] = []
    for c in contracts:
        tickets = []
        for i in range(12):
            t = Ticket(source="test", external_id=f"T-{c.id}-{i}", client_id=c.client_id,
                       contract_id=c.id, service_type=rnd.choice(SERVICES), priority="P3",
                       status="resolved", created_at=datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip
            session.add(t)
            tickets.append(t)
        session.flush()
        for _ in range(110):
            day = c.start_date + timedelta(days=rnd.randrange(-20, 800))
            at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                minutes=rnd.randrange(0, 24 * 60, 15)
            )
            rows.append(
                TimeEntry(
                    client_id=c.client_id,
                    contract_id=c.id,
                    ticket_id=None if rnd.random() < 0.04 else rnd.choice(tickets).id,
                    technician_id=None if rnd.random() < 0.04 else tech.id,
                    started_at=at,
                    minutes=rnd.choice([-15, 0, 15, 30, 45, 60, 90, 120, 180, 240, 600]),
                    role=rnd.choice(["engineer", "engineer", "manager"]),
                    service_type=rnd.choice([None, None, *SERVICES]),
                    rate_charged=rnd.choice([None, Decimal("100"), Decimal("120")]),
                    currency=rnd.choice(["GBP", "GBP", "gbp", None, "", "EUR"]),
                    approved=rnd.random() < 0.5,
                )
            )
    for e in rnd.sample(rows, 15):  # exact duplicates (same technician, ticket, start, minutes)
        rows.append(
            TimeEntry(
                client_id=e.client_id,
                contract_id=e.contract_id,
                ticket_id=e.ticket_id,
                technician_id=e.technician_id,
                started_at=e.started_at,
                minutes=e.minutes,
                role=e.role,
                currency=e.currency,
            )  # fmt: skip
        )
    session.add_all(rows)
    session.flush()


def _reference(session, contracts, *, until: date, coverage) -> dict:
    """The old _replay_states: invoice_run over every entitled entry of the history."""
    rolling = [
        c
        for c in contracts
        if isinstance(c.pricing, BlockHours) and c.pricing.rollover and c.start_date <= until
    ]
    if not rolling:
        return {}
    frame = _entry_frame(
        session,
        TimeEntry.contract_id.in_([c.contract_id for c in rolling]),
        TimeEntry.started_at >= _start(min(c.start_date for c in rolling) - timedelta(days=1)),
        TimeEntry.started_at < _start(until + timedelta(days=2)),
    )
    entries = _time_entries(_entitle(session, frame))
    return dict(invoice_run(rolling, entries, run_date=until, coverage=coverage).block_states)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summed_replay_equals_the_invoice_run_replay(session, seed):
    rnd = random.Random(seed)
    made = _contracts(session, rnd, _calendars(session, rnd))
    _entries(session, rnd, made)
    rows = _contract_rows(session)
    contracts = [c for c in (_billing(r)[0] for r in rows) if c is not None]
    coverage = _coverage(session, rows)
    assert any(coverage.values()), "some contracts must have a coverage calendar"
    rolled = 0
    for until in (date(2025, 3, 31), date(2025, 11, 15), date(2026, 6, 30), date(2027, 1, 31)):
        expected = _reference(session, contracts, until=until, coverage=coverage)
        assert _replay_states(session, contracts, until=until, coverage=coverage) == expected
        rolled += sum(1 for s in expected.values() if s.rollover_in_hours)
    assert rolled, "the comparison must include carried balances"


@pytest.mark.parametrize(
    ("start", "minutes", "until", "carried"),
    [
        # Fri 9 Jan 10:00-20:00: 8 covered hours use the block, 2 after-hours are billed apart
        (datetime(2026, 1, 9, 10, tzinfo=UTC), 600, date(2026, 2, 1), Decimal("4")),
        # Tue 31 Mar 17:00 to Wed 1 Apr 09:00: 1 covered hour in March (12 + 12 + 11 carried),
        # the other in April
        (datetime(2026, 3, 31, 17, tzinfo=UTC), 960, date(2026, 4, 1), Decimal("35")),
    ],
)
def test_entry_across_closing_time_counts_each_covered_part_on_its_day(
    session, start, minutes, until, carried
):
    """Under Mon-Fri 08:00-18:00 with 12 h a month, only covered parts use the block, each
    in the month it was worked."""
    cal = Calendar(name="Office", spec="Mon-Fri 08:00-18:00", timezone="UTC")
    session.add(cal)
    session.flush()
    _, c = make_contract(session, name="Cross Ltd", reference="X-1", start_date=date(2026, 1, 1),
                         end_date=None, pricing_model="block_hours", recurring_fee=Decimal("500"),
                         included_hours=Decimal("12"), overage_rate=Decimal("90"), rollover=True,
                         billing_timing="arrears", calendar_id=cal.id, timezone="UTC")  # fmt: skip
    session.add(ContractService(contract_id=c.id, kind="included", name="*"))
    tech = Technician(name="T")
    session.add(tech)
    session.flush()
    ticket = Ticket(
        source="test",
        external_id="X",
        client_id=c.client_id,
        contract_id=c.id,
        service_type="network",
        priority="P3",
        status="resolved",
        created_at=start,
    )
    session.add(ticket)
    session.flush()
    session.add(TimeEntry(client_id=c.client_id, contract_id=c.id, ticket_id=ticket.id,
                          technician_id=tech.id, started_at=start, minutes=minutes,
                          role="engineer", currency="GBP"))  # fmt: skip
    session.flush()
    rows = _contract_rows(session)
    contracts = [_billing(r)[0] for r in rows]
    coverage = _coverage(session, rows)
    states = _replay_states(session, contracts, until=until, coverage=coverage)
    assert states[c.id].rollover_in_hours == carried
    assert states == _reference(session, contracts, until=until, coverage=coverage)
