"""Field view data: technicians reach only assigned clients; scope answers; requests logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from access.roles import PermissionDenied
from db.field_repo import field_card, search_clients
from db.field_scope import check_request, record_out_of_scope
from db.models import AuditEntry, OutOfScopeRequest
from tests.compliance_integration.conftest import ON
from tests.factories import ADMIN, actor


def tech_actor(world):
    return actor("technician", technician_id=world["tech"].id)


def test_technician_sees_only_assigned_clients_and_is_refused_others(session, world):
    me = tech_actor(world)
    assert search_clients(session=session, actor=me, text="") == {world["client"].id: "Acme Dental"}
    assert search_clients(session=session, actor=me, text="other") == {}
    assert len(search_clients(session=session, actor=ADMIN, text="")) == 2
    with pytest.raises(PermissionDenied, match="not assigned to you"):
        field_card(session=session, actor=me, client_id=world["other"].id, today=ON)
    with pytest.raises(PermissionDenied):
        check_request(
            session=session, actor=me, client_id=world["other"].id, text="fix printer", today=ON
        )
    with pytest.raises(PermissionDenied):
        record_out_of_scope(
            session=session,
            actor=me,
            client_id=world["other"].id,
            description="x",
            matched_clause=None,
            today=ON,
        )
    with pytest.raises(PermissionDenied):
        search_clients(session=session, actor=actor("executive"), text="")


def test_search_by_contract_reference(session, world):
    assert search_clients(session=session, actor=ADMIN, text="c-2") == {
        world["other"].id: "Other Client"
    }


def test_card_has_sla_lines_services_and_contacts(session, world):
    card = field_card(
        session=session, actor=tech_actor(world), client_id=world["client"].id, today=ON
    )
    assert card.contract == "C-1"
    assert card.sla_lines[0] == (
        "P1: respond within 30 minutes, resolve within 8 hours, 24x7"
    )  # gold P1 is 24x7
    assert card.sla_lines[1].startswith("P2: respond within 1 business hour, resolve within")
    assert card.included == [("printer", "Printer and MFP support")]
    assert card.escalation[0]["phone"] == "+44 20 7946 0001"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("replace the toner in the printer", "out_of_scope"),
        ("the printer in reception keeps jamming", "in_scope"),
        ("", "unclear"),
        ("xqzv plorb wemmet", "unclear"),
        ("bitte den Drucker im Empfang reparieren", "unclear"),
    ],
)
def test_scope_check_against_contract_services(session, world, text, verdict):
    answer = check_request(
        session=session, actor=tech_actor(world), client_id=world["client"].id, text=text, today=ON
    )
    assert answer.verdict == verdict
    if verdict == "out_of_scope":
        assert answer.clause == "Printer consumables (toner, ink, paper)"
        assert "Ann Manager (account manager)" in answer.script


def test_no_active_contract_is_never_in_scope(session, world):
    later = world["contract"].end_date.replace(year=2030)
    answer = check_request(
        session=session,
        actor=ADMIN,
        client_id=world["client"].id,
        text="fix the printer",
        today=later,
    )
    assert answer.verdict == "out_of_scope"
    assert "No active contract" in answer.message


def test_out_of_scope_request_is_recorded_pending_and_audited(session, world):
    me = tech_actor(world)
    row = record_out_of_scope(
        session=session,
        actor=me,
        client_id=world["client"].id,
        description="  replace the toner  ",
        matched_clause="Printer consumables (toner, ink, paper)",
        today=ON,
    )
    stored = session.scalars(select(OutOfScopeRequest)).one()
    assert stored.id == row.id
    assert (stored.status, stored.description, stored.contract_id, stored.technician_id) == (
        "pending",
        "replace the toner",
        world["contract"].id,
        world["tech"].id,
    )
    assert session.scalars(
        select(AuditEntry.field).where(AuditEntry.entity == "out_of_scope_request")
    ).all() == ["description"]
    with pytest.raises(ValueError, match="Describe"):
        record_out_of_scope(
            session=session,
            actor=me,
            client_id=world["client"].id,
            description="   ",
            matched_clause=None,
            today=ON,
        )


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("replace the toner in the printer", "out_of_scope"),
        ("the printer in reception keeps jamming", "in_scope"),
    ],
)
def test_carve_out_inside_an_included_service_is_read_as_an_exclusion(
    session, world, text, verdict
):
    from db.models import ContractService

    service = session.scalars(
        select(ContractService).where(ContractService.kind == "included")
    ).one()
    service.description = "Printer and MFP support (excluding consumables)"
    session.flush()
    answer = check_request(
        session=session, actor=ADMIN, client_id=world["client"].id, text=text, today=ON
    )
    assert answer.verdict == verdict


def test_todays_work_lists_the_technicians_clients_with_tickets_today(session, world):
    from datetime import UTC, datetime, timedelta

    from db.field_repo import todays_work
    from db.models import Technician, TechnicianAssignment, Ticket

    me = tech_actor(world)
    assert todays_work(session=session, actor=me, today=ON) == {}
    morning = datetime(2026, 11, 23, 8, tzinfo=UTC)

    def ticket(n, client, tech, created, resolved=None):
        session.add(
            Ticket(
                source="t",
                external_id=str(n),
                client_id=client.id,
                technician_id=tech.id,
                service_type="desktop",
                priority="P3",
                status="open",
                created_at=created,
                resolved_at=resolved,
            )
        )

    ticket(1, world["client"], world["tech"], morning)
    ticket(2, world["client"], world["tech"], morning - timedelta(days=3))  # still open
    ticket(
        3, world["client"], world["tech"], morning - timedelta(days=3), morning
    )  # resolved: not open work
    ticket(
        4, world["client"], world["tech"], morning - timedelta(days=9), morning - timedelta(days=8)
    )  # done last week: not today's work
    someone = Technician(name="Other Tech")
    session.add(someone)
    session.flush()
    session.add(TechnicianAssignment(technician_id=someone.id, client_id=world["other"].id))
    ticket(5, world["other"], someone, morning)  # another technician's visit
    session.flush()
    assert todays_work(session=session, actor=me, today=ON) == {world["client"].id: 2}
    assert todays_work(session=session, actor=ADMIN, today=ON) == {}
