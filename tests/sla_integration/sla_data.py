"""A hand-built store for exact SLA numbers: one gold contract on London 09:00-17:00."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from db.clients_repo import create_client
from db.models import Calendar, Contact, SlaPolicy, SlaTarget, Ticket, TicketEvent, User
from tests.factories import ADMIN, make_contract

NOW = datetime(2026, 6, 8, 14, 0, tzinfo=UTC)  # Monday, BST: coverage is 08:00-16:00 UTC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def build(session: Session) -> dict[str, int]:
    cal = Calendar(name="London 9-5", spec="Mon-Fri 09:00-17:00", timezone="Europe/London")
    manager = User(username="am", display_name="Account Manager", email="am@example.com",
                   role="manager", password_hash="x")  # fmt: skip
    session.add_all([cal, manager])
    session.flush()
    client, contract = make_contract(session, calendar_id=cal.id)
    contract.account_manager_id = manager.id
    session.add(Contact(client_id=client.id, name="Esme", email="esme@acme.example",
                        is_escalation=True, escalation_level=1))  # fmt: skip
    # From June the contract answers P3 tickets twice as fast as the gold default.
    version = SlaPolicy(contract_id=contract.id, effective_from=date(2026, 6, 1))
    version.targets.append(SlaTarget(priority="P3", service_type="*", response_minutes=120,
                                     resolution_minutes=960, calendar="contract"))  # fmt: skip
    session.add(version)
    other = create_client(session=session, actor=ADMIN, name="No Contract Ltd")
    session.flush()

    def ticket(ext, prio, created, first=None, resolved=None, client_id=client.id, cid=contract.id):
        t = Ticket(source="test", external_id=ext, client_id=client_id, contract_id=cid,
                   service_type="desktop support", priority=prio,
                   status="resolved" if resolved else "open", created_at=at(created),
                   first_response_at=at(first) if first else None,
                   resolved_at=at(resolved) if resolved else None)  # fmt: skip
        session.add(t)
        session.flush()
        return t.id

    ids = {
        # before opening, paused 2h on day one, resolved next day
        "T1": ticket("T1", "P3", "2026-03-02 08:00", "2026-03-02 10:00", "2026-03-03 12:00"),
        # new contract version in force: 120/960, never answered
        "T2": ticket("T2", "P3", "2026-06-01 09:00"),
        # P1 is 24x7 on gold: created on a Saturday
        "T3": ticket("T3", "P1", "2026-06-06 10:00", "2026-06-06 10:20"),
        # P2 (60 min response) 50 minutes in: past the 75% warning share
        "T4": ticket("T4", "P2", "2026-06-08 13:10"),
        "T5": ticket("T5", "P3", "2026-06-02 10:00", client_id=other.id, cid=None),
    }
    session.add_all([
        TicketEvent(ticket_id=ids["T1"], at=at("2026-03-02 13:00"), kind="paused",
                    value="waiting on customer"),
        TicketEvent(ticket_id=ids["T1"], at=at("2026-03-02 15:00"), kind="resumed"),
    ])  # fmt: skip
    session.flush()
    return ids | {"contract": contract.id, "client": client.id}
