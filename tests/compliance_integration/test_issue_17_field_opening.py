"""Issue 17 item 6: the field view opens on the technician's clients with tickets today, then
(on a day without) on the clients of their latest tickets, never just alphabetically."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from db.field_repo import recent_work, search_clients, todays_work
from db.models import Technician, TechnicianAssignment, Ticket
from tests.factories import ADMIN, actor, make_contract
from tests.pages.conftest import TECH, login_as, page

DAY = date(2026, 11, 23)


def _ticket(session, client_id, tech_id, at, n, resolved=True):
    session.add(
        Ticket(
            source="test", external_id=f"T-{n}", client_id=client_id, technician_id=tech_id,
            service_type="network", priority="P3", status="resolved" if resolved else "open",
            created_at=at, resolved_at=at + timedelta(hours=1) if resolved else None,
        )
    )  # fmt: skip


def _world(session):
    tech = Technician(name="Tina Tech")
    session.add(tech)
    session.flush()
    ids = {}
    for name, ref in (("Alpha Dental", "C-A"), ("Beta Labs", "C-B"), ("Gamma Works", "C-G")):
        client, _ = make_contract(session, name=name, reference=ref)
        session.add(TechnicianAssignment(technician_id=tech.id, client_id=client.id))
        ids[name.split()[0]] = client.id
    other, _ = make_contract(session, name="Zeta Unassigned", reference="C-Z")
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    _ticket(session, ids["Gamma"], tech.id, at, 1)  # today, done already
    _ticket(session, ids["Gamma"], tech.id, at + timedelta(hours=2), 2)
    _ticket(session, ids["Beta"], tech.id, at - timedelta(days=3), 3, resolved=False)  # open
    _ticket(session, ids["Alpha"], tech.id, at - timedelta(days=9), 4)
    _ticket(session, other.id, tech.id, at, 5)  # not assigned: never shown
    _ticket(session, ids["Alpha"], None, at, 6)  # someone else's ticket
    session.flush()
    return actor("technician", technician_id=tech.id), ids


def test_today_first_busiest_first_open_tickets_count(session):
    me, ids = _world(session)
    assert todays_work(session=session, actor=me, today=DAY) == {ids["Gamma"]: 2, ids["Beta"]: 1}
    assert list(search_clients(session=session, actor=me, text=""))[0] == ids["Alpha"]


def test_day_without_tickets_falls_back_to_latest_clients(session):
    me, ids = _world(session)
    later = DAY + timedelta(days=5)
    session.query(Ticket).filter(Ticket.external_id == "T-3").update(
        {"resolved_at": datetime(2026, 11, 21, tzinfo=UTC)}
    )
    assert todays_work(session=session, actor=me, today=later) == {}
    assert recent_work(session=session, actor=me, today=later) == [
        ids["Gamma"], ids["Beta"], ids["Alpha"]
    ]  # fmt: skip
    # a ticket after `today` does not count; managers have no technician: no fallback order
    assert recent_work(session=session, actor=me, today=DAY - timedelta(days=5)) == [ids["Alpha"]]
    assert recent_work(session=session, actor=ADMIN, today=later) == []


def test_page_opens_on_todays_client(app_env):
    from db.engine import open_store, session_scope

    me = login_as(app_env, *TECH)
    with session_scope(open_store(app_env)) as s:
        work = todays_work(session=s, actor=me, today=date.today())
        recent = recent_work(session=s, actor=me, today=date.today())
    at = page("pages/field_view.py", app_env, user=TECH).run()
    assert not at.exception
    expected = next(iter(work)) if work else recent[0]
    assert at.selectbox(key="field_client").value == expected
    caption = " ".join(c.value for c in at.caption)
    assert ("for you today" in caption) if work else ("most recent clients" in caption)
