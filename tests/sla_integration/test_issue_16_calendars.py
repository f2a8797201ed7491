"""Issue 16 item 5: managed coverage calendars - versions keep past SLA results, holidays for
any year the data needs, bad calendars refused (both stores); the CLI end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import select

from db.calendars import calendar_detail, change_calendar, create_calendar, load_calendars
from db.config import ROOT
from db.models import AuditEntry, Calendar, CalendarVersion, Ticket
from db.sla.outcomes import sla_outcomes
from tests.factories import ADMIN, actor, make_contract


def _ticket(session, contract, ref: str, at: datetime) -> Ticket:
    t = Ticket(source="test", external_id=ref, client_id=contract.client_id,
               contract_id=contract.id, service_type="network", priority="P3", status="open",
               created_at=at)  # fmt: skip
    session.add(t)
    session.flush()
    return t


def _due(session, contract, now: datetime) -> dict[str, pd.Timestamp]:
    frame = sla_outcomes(session=session, now=now, contract_ids=[contract.id])
    frame = frame[frame["metric"] == "response"]
    refs = dict(session.execute(select(Ticket.id, Ticket.external_id)).all())
    return {refs[int(t)]: pd.Timestamp(d) for t, d in zip(frame["ticket_id"], frame["due_at"],
                                                          strict=True)}  # fmt: skip


def utc(*args) -> pd.Timestamp:
    return pd.Timestamp(datetime(*args, tzinfo=UTC))


def test_changing_hours_leaves_an_old_tickets_due_time_and_a_new_ticket_uses_the_new(session):
    cal = create_calendar(session=session, actor=ADMIN, name="London 9-5",
                          spec="Mon-Fri 09:00-17:00", timezone="Europe/London")  # fmt: skip
    _, c = make_contract(session, name="Versioned Co", calendar_id=cal.id)  # gold: P3 resp 240
    # Mon 2 Nov 15:00 (London = UTC): 2 h that day, 2 h from Tue 09:00 -> due Tue 11:00
    _ticket(session, c, "OLD", datetime(2026, 11, 2, 15, tzinfo=UTC))
    now = datetime(2026, 11, 20, tzinfo=UTC)
    before = _due(session, c, now)
    assert before["OLD"] == utc(2026, 11, 3, 11)

    change_calendar(session=session, actor=ADMIN, calendar_id=cal.id,
                    spec="Mon-Fri 08:00-20:00",
                    valid_from=datetime(2026, 11, 9, tzinfo=UTC))  # fmt: skip
    # Mon 9 Nov 15:00 under 08:00-20:00: 4 h the same day -> due 19:00
    _ticket(session, c, "NEW", datetime(2026, 11, 9, 15, tzinfo=UTC))
    after = _due(session, c, now)
    assert after["OLD"] == utc(2026, 11, 3, 11)  # unchanged (new hours would give 19:00 Mon)
    assert after["NEW"] == utc(2026, 11, 9, 19)
    versions = session.scalars(
        select(CalendarVersion).where(CalendarVersion.calendar_id == cal.id)
        .order_by(CalendarVersion.version)
    ).all()  # fmt: skip
    assert [(v.version, v.spec) for v in versions] == [
        (1, "Mon-Fri 09:00-17:00"),
        (2, "Mon-Fri 08:00-20:00"),
    ]
    assert load_calendars(session=session)[cal.id].hours[0] == ((480, 1200),)  # current


def test_a_calendar_changed_for_the_first_time_keeps_its_stored_self_as_version_1(session):
    # as the demo seed and the document mapper store them: a row, no versions
    row = Calendar(name="Seeded", spec="Mon-Fri 09:00-17:00", timezone="Europe/London")
    session.add(row)
    session.flush()
    _, c = make_contract(session, name="Seeded Co", calendar_id=row.id)
    _ticket(session, c, "OLD", datetime(2026, 11, 2, 15, tzinfo=UTC))
    change_calendar(session=session, actor=ADMIN, calendar_id=row.id, spec="24x7",
                    valid_from=datetime(2026, 11, 9, tzinfo=UTC))  # fmt: skip
    assert _due(session, c, datetime(2026, 11, 20, tzinfo=UTC))["OLD"] == utc(2026, 11, 3, 11)


def test_holidays_of_a_year_beyond_the_seed_come_from_the_package(session):
    cal = create_calendar(session=session, actor=ADMIN, name="UK 9-5",
                          spec="Mon-Fri 09:00-17:00", timezone="Europe/London",
                          country="GB")  # fmt: skip
    _, c = make_contract(session, name="Far Future Co", calendar_id=cal.id)
    # Mon 24 Dec 2040 16:00: 1 h; Tue 25 Christmas, Wed 26 Boxing Day; Thu 27 09:00 + 3 h
    _ticket(session, c, "XMAS", datetime(2040, 12, 24, 16, tzinfo=UTC))
    due = _due(session, c, datetime(2041, 1, 10, tzinfo=UTC))
    assert due["XMAS"] == utc(2040, 12, 27, 12)
    days = calendar_detail(session=session, actor=ADMIN, calendar_id=cal.id, year=2040)
    assert {date(2040, 12, 25), date(2040, 12, 26)} <= set(days["holidays"]["day"])


def test_an_own_date_added_later_does_not_move_earlier_tickets(session):
    cal = create_calendar(session=session, actor=ADMIN, name="Office",
                          spec="Mon-Fri 09:00-17:00", timezone="Europe/London")  # fmt: skip
    _, c = make_contract(session, name="Closure Co", calendar_id=cal.id)
    _ticket(session, c, "OLD", datetime(2026, 11, 2, 15, tzinfo=UTC))
    change_calendar(session=session, actor=ADMIN, calendar_id=cal.id,
                    add_holidays={date(2026, 11, 3): "Office move"},
                    valid_from=datetime(2026, 11, 2, 18, tzinfo=UTC))  # fmt: skip
    # a ticket created after the change: Mon 2 Nov 19:00 -> next opening Wed 4 Nov 09:00 + 4 h
    _ticket(session, c, "NEW", datetime(2026, 11, 2, 19, tzinfo=UTC))
    due = _due(session, c, datetime(2026, 11, 20, tzinfo=UTC))
    assert due["OLD"] == utc(2026, 11, 3, 11) and due["NEW"] == utc(2026, 11, 4, 13)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"spec": "Mon-Fri 08:00-18:00, 12:00-20:00"}, "Overlapping windows on Mon"),
        ({"timezone": "Europe/Lndon"}, "Unknown time zone 'Europe/Lndon'"),
        ({"country": "XX"}, "No holidays known for country 'XX'"),
        ({"spec": "weekdays nine to five"}, "Unknown coverage spec"),
        ({"name": "  "}, "Give the calendar a name"),
    ],
)
def test_bad_calendars_are_refused_and_nothing_is_written(session, kw, message):
    args = {"name": "Bad", "spec": "Mon-Fri 09:00-17:00", "timezone": "Europe/London", **kw}
    with pytest.raises(ValueError, match=message):
        create_calendar(session=session, actor=ADMIN, **args)
    assert session.scalars(select(Calendar)).all() == []
    assert session.scalars(select(CalendarVersion)).all() == []


def test_bad_changes_are_refused_and_leave_the_calendar_as_it_was(session):
    cal = create_calendar(session=session, actor=ADMIN, name="Keep",
                          spec="Mon-Fri 09:00-17:00", timezone="Europe/London")  # fmt: skip
    for kw, message in (
        ({"spec": "Mon 08:00-12:00, 11:00-13:00"}, "Overlapping"),
        ({"timezone": "Nowhere/City"}, "Unknown time zone"),
        ({"spec": "Mon-Fri 09:00-17:00"}, "Nothing to change"),
        ({"remove_holidays": [date(2026, 1, 1)]}, "not one of this calendar's own"),
    ):
        with pytest.raises(ValueError, match=message):
            change_calendar(session=session, actor=ADMIN, calendar_id=cal.id, **kw)
    session.expire_all()
    row = session.get(Calendar, cal.id)
    assert (row.spec, row.timezone) == ("Mon-Fri 09:00-17:00", "Europe/London")
    assert len(session.scalars(select(CalendarVersion)).all()) == 1
    with pytest.raises(PermissionError):
        change_calendar(session=session, actor=actor("executive"), calendar_id=cal.id,
                        spec="24x7")  # fmt: skip
    audits = session.scalars(select(AuditEntry).where(AuditEntry.entity == "calendar")).all()
    assert [a.action for a in audits] == ["create"]


def test_cli_create_change_show_and_refusals(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cal.db'}"}

    def cli(*args):
        command = [sys.executable, str(ROOT / "cli.py"), "calendars", *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
        )

    bad = cli("create", "--name", "X", "--hours", "Mon-Fri 08:00-18:00, 12:00-20:00",
              "--zone", "Europe/London")  # fmt: skip
    assert bad.returncode == 2 and "Overlapping windows on Mon" in bad.stderr
    bad = cli("create", "--name", "X", "--hours", "8x5", "--zone", "Mars/Base")
    assert bad.returncode == 2 and "Unknown time zone 'Mars/Base'" in bad.stderr
    ok = cli("create", "--name", "UK", "--hours", "Mon-Fri 08:00-12:00, 13:00-18:00",
             "--zone", "Europe/London", "--country", "GB", "--subdivision", "SCT")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert cli("set-hours", "1", "Mon-Fri 07:00-19:00").returncode == 0
    assert cli("add-holiday", "1", "2043-06-01", "--name", "Office move").returncode == 0
    shown = cli("show", "1", "--year", "2043")
    assert shown.returncode == 0
    assert "Saint Andrew's Day" in shown.stdout and "Office move (own date)" in shown.stdout
    assert "Mon-Fri 07:00-19:00" in shown.stdout
    assert "Mon-Fri 08:00-12:00, 13:00-18:00" in shown.stdout
    listed = cli("list")
    assert "UK" in listed.stdout and "GB/SCT" in listed.stdout
