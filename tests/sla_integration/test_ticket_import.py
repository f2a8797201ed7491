"""Ticket import into the store: idempotent upsert, client matching, bad files write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.models import AuditEntry, Ticket, TicketEvent
from db.sla.import_mappings import save_mapping
from db.sla.tickets_import import import_tickets
from sla import ImportRejected
from tests.factories import ADMIN, actor
from tests.sla_integration.sla_data import build

HEAD = "Ticket #,Company,Type,Priority,Date Entered,Date Responded,Date Resolved,Status,Pauses\n"
GOOD = (
    HEAD + "CW-1,Acme Dental,desktop support,Priority 3 - Normal Response,"
    "06/01/2026 10:00 AM,06/01/2026 11:00 AM,,Waiting,2026-06-01 12:00/2026-06-01 13:00\n"
    + "CW-2,acme  dental,desktop support,Priority 1 - Emergency Response,"
    "06/02/2026 09:00 AM,06/02/2026 09:10 AM,06/02/2026 01:00 PM,Closed,\n"
    + "CW-3,Acme Dentl,desktop support,Priority 2 - Quick Response,"
    "06/03/2026 09:00 AM,,,New,\n"
)
MAPPING = {"Pauses": "pauses"}


def _import(session, data: str, **kw):
    return import_tickets(
        session=session, actor=ADMIN, data=data.encode(), filename="cw.csv",
        mapping=kw.pop("mapping", None), preset=kw.pop("preset", None),
        source_tz="Europe/London", **kw,
    )  # fmt: skip


@pytest.fixture
def store(session):
    ids = build(session)
    fields = {"external_id": "Ticket #", "client_name": "Company", "service_type": "Type",
              "priority": "Priority", "created_at": "Date Entered",
              "first_response_at": "Date Responded", "resolved_at": "Date Resolved",
              "status": "Status", "pauses": "Pauses"}  # fmt: skip
    save_mapping(session=session, actor=ADMIN, name="cw-with-pauses", mapping=fields)
    session.commit()
    return ids


def _counts(session):
    tickets = session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.source != "test")
    )
    events = session.scalar(select(func.count()).select_from(TicketEvent))
    return tickets, events


def test_import_then_reimport_changes_nothing(session, store):
    first = _import(session, GOOD, mapping="cw-with-pauses")
    session.commit()
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert first.errors.empty
    assert list(first.fuzzy_matches["in_file"]) == ["Acme Dentl"]
    t1 = session.scalar(select(Ticket).where(Ticket.external_id == "CW-1"))
    assert t1.contract_id == store["contract"] and t1.priority == "P3"
    assert t1.created_at.isoformat() == "2026-06-01T09:00:00+00:00"  # 10:00 BST
    kinds = session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == t1.id)).all()
    assert sorted(kinds) == ["paused", "resumed"]
    before = _counts(session)
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    again = _import(session, GOOD, mapping="cw-with-pauses")
    session.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _counts(session) == before
    # only the import itself is recorded, no field changes
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits + 1


def test_changed_row_updates_and_is_audited(session, store):
    _import(session, GOOD, mapping="cw-with-pauses")
    session.commit()
    changed = GOOD.replace("06/03/2026 09:00 AM,,,New", "06/03/2026 09:00 AM,,,In Progress")
    report = _import(session, changed, mapping="cw-with-pauses")
    session.commit()
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    row = session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "ticket", AuditEntry.field == "status")
    )
    assert (row.old_value, row.new_value) == ("New", "In Progress")


@pytest.mark.parametrize(
    "data, message",
    [
        ("Ticket #,Company\nX,Acme\n", "Missing required column"),
        ("", "is empty"),
    ],
)
def test_rejected_file_writes_nothing_and_keeps_earlier_imports(session, store, data, message):
    _import(session, GOOD, mapping="cw-with-pauses")
    session.commit()
    before = _counts(session)
    with pytest.raises(ImportRejected, match=message):
        _import(session, data, preset="connectwise")
    session.rollback()
    assert _counts(session) == before


def test_bad_rows_are_listed_and_good_rows_import(session, store):
    bad = (
        HEAD
        + "CW-9,Acme Dental,desktop support,P3,06/01/2026 10:00 AM,,05/01/2026 10:00 AM,Closed,\n"
        + "CW-10,Unknown Corp,desktop support,P3,06/01/2026 10:00 AM,,,New,\n"
        + "CW-11,Acme Dental,desktop support,Whenever,06/01/2026 10:00 AM,,,New,\n"
        + "CW-12,Acme Dental,desktop support,P4,not a date,,,New,\n"
        + "CW-13,Acme Dental,desktop support,P4,06/01/2026 10:00 AM,,,New,\n"
        + "CW-13,Acme Dental,desktop support,P4,06/01/2026 10:00 AM,,,New,\n"
    )
    report = _import(session, bad, preset="connectwise")
    assert report.inserted == 1
    reasons = dict(zip(report.errors["row"], report.errors["reason"], strict=False))
    assert reasons[2] == "resolved before created"
    assert reasons[3] == "unknown client 'Unknown Corp'"
    assert reasons[4] == "unknown priority 'Whenever'"
    assert reasons[5].startswith("cannot read date")
    assert reasons[7].startswith("duplicate id 'CW-13'")


def test_unknown_preset_and_missing_mapping_and_role(session, store):
    with pytest.raises(ImportRejected, match="Unknown preset"):
        _import(session, GOOD, preset="remedy")
    with pytest.raises(ImportRejected, match="No saved mapping"):
        _import(session, GOOD, mapping="nope")
    with pytest.raises(PermissionDenied):
        import_tickets(session=session, actor=actor("executive"), data=b"", filename="x.csv",
                       preset="zendesk")  # fmt: skip


def test_mapping_validation(session, store):
    with pytest.raises(ValueError, match="needs a column for"):
        save_mapping(session=session, actor=ADMIN, name="x", mapping={"external_id": "Id"})
    with pytest.raises(ValueError, match="Unknown field"):
        save_mapping(session=session, actor=ADMIN, name="x", mapping={"colour": "C"})
