"""Upload -> review -> Apply on the demo PDFs and on real contracts: every extracted term
reaches its live home, and each home shows downstream - a new ticket's entitlement and SLA
due time, the next invoice draft, the field card, the compliance requirements, the renewal
stage (issue 12, items 4 and the chain tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import select

from db.billing.run import preview_run
from db.compliance.loaders import load_requirements
from db.compliance.requirements import requirements_frame
from db.config import SHARED_DATA
from db.contracts_repo import set_services
from db.documents.apply import apply_to_contract
from db.documents.review import review_term
from db.documents.upload import store_upload
from db.field_repo import field_card
from db.models import (
    AuditEntry,
    Calendar,
    Contact,
    Contract,
    ExtractedTerm,
    ServiceCreditRule,
    SlaPolicy,
    Technician,
    Ticket,
    TimeEntry,
)
from db.renewals.pipeline import renewal_pipeline
from db.sla.entitlements import entitlements
from db.sla.outcomes import sla_details
from tests.factories import ADMIN, make_contract

TODAY = date(2026, 11, 23)
CUAD = SHARED_DATA / "cuad-service-dev" / "pdf"


def _upload_review_apply(session, data: bytes, filename: str, client: str, **contract):
    """A contract for `client`, the PDF uploaded, every pending term accepted, then Apply."""
    fields = {"currency": "USD", "timezone": "America/New_York", "end_date": None, **contract}
    _, c = make_contract(session, name=client, **fields)
    doc = store_upload(session=session, actor=ADMIN, filename=filename, data=data).document_id
    for t in session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == doc)):
        if t.review_state == "pending":
            review_term(session=session, actor=ADMIN, term_id=t.id, action="accept")
    c = session.get(Contract, c.id)
    result = apply_to_contract(session=session, actor=ADMIN, document_id=doc, contract_id=c.id,
                               expected_version=c.version, today=TODAY)  # fmt: skip
    session.flush()
    return session.get(Contract, c.id), doc, result


def _ticket(session, c: Contract, priority: str, service: str, created: datetime) -> int:
    t = Ticket(source="test", external_id=f"{c.reference}-{priority}-{created:%Y%m%d%H%M}",
               client_id=c.client_id, contract_id=c.id, service_type=service, priority=priority,
               status="open", created_at=created)  # fmt: skip
    session.add(t)
    session.flush()
    return t.id


def _entitlement(session, c: Contract, service: str, created: datetime) -> str:
    frame = pd.DataFrame([{"ticket_id": 1, "client_id": c.client_id, "created_at": created,
                           "service_type": service}])  # fmt: skip
    return entitlements(session=session, tickets=frame)["entitlement"].iloc[0]


def _response_due(session, ticket_id: int, now: datetime) -> pd.Timestamp:
    out = sla_details(session=session, now=now, ticket_ids=[ticket_id])
    row = out[out["metric"] == "response"]
    assert len(row) == 1, out
    return pd.Timestamp(row["due_at"].iloc[0])


def _stage(session, c: Contract) -> str:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    board = renewal_pipeline(session=session, actor=ADMIN, now=now).contracts
    return str(board.set_index("reference").loc[c.reference, "stage"])


def test_managed_prose_terms_live_downstream(session, pdfs):
    """8x5 Eastern, public holidays excluded, Texas law, silver, escalation, insurance."""
    data, expected = pdfs["managed_prose"]
    c, doc, result = _upload_review_apply(session, data, "managed.pdf", expected.customer,
                                          start_date=date(2024, 11, 1))  # fmt: skip
    # one SLA policy version for the Apply: the SLA term and the document's matrix merged
    days = session.scalars(select(SlaPolicy.effective_from).where(SlaPolicy.contract_id == c.id))
    days = list(days)
    assert len(days) == len(set(days)) == 1, days
    # tier, facts, escalation contacts with levels
    assert c.tier == "silver"
    assert c.facts["governing_law"] == "Texas" and c.facts["warranty"] == "90 days"
    assert c.facts["liability_cap"] == "1,000,000.00 USD"
    assert "60 days' notice" in c.facts["termination_for_convenience"]
    levels = {p.escalation_level: p.name for p in session.scalars(
        select(Contact).where(Contact.contract_id == c.id, Contact.is_escalation))}  # fmt: skip
    assert levels == {1: "Jordan Reyes", 2: "Alex Kowalski", 3: "Casey Brennan"}
    # a calendar with the contract's hours and the US public holidays it excludes
    cal = session.get(Calendar, c.calendar_id)
    days = {h.day for h in cal.holidays}
    assert date(2026, 11, 26) in days and date(2026, 12, 25) in days  # Thanksgiving, Christmas
    assert date(2026, 3, 2) not in days  # Texas Independence Day is not a public holiday
    # a new P2 ticket on the eve of Thanksgiving: 2 h left Wednesday, the rest on Friday
    created = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # 15:00 Eastern
    tid = _ticket(session, c, "P2", "Server maintenance", created)
    assert _entitlement(session, c, "Server maintenance", created) == "covered"
    assert _response_due(session, tid, created) == pd.Timestamp("2026-11-27 15:00", tz="UTC")
    # compliance: insurance minimums and technician checks, on the compliance page's frame
    frame = requirements_frame(session=session, actor=ADMIN, contract_id=c.id)
    got = {(r.kind, r.name): r.minimum_cover for r in frame.itertuples()}
    assert got[("insurance", "general liability")] == Decimal("2000000.00")
    assert ("credential", "background check") in got and ("credential", "CompTIA A+") in got
    assert c.id in {r.contract_id for r in load_requirements(session=session)}
    # field card and renewal stage
    card = field_card(session=session, actor=ADMIN, client_id=c.client_id, today=TODAY)
    assert card.contract_id == c.id and card.tier == "silver"
    assert [e["level"] for e in card.escalation if e.get("level")][:3] == [1, 2, 3]
    assert _stage(session, c) == "active"  # initial term to 2027-11-01, notice 90 days
    # the audit names each home
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "apply_terms")
                           .order_by(AuditEntry.id.desc()).limit(1))  # fmt: skip
    assert "calendar.holidays" in entry.new_value and "escalation.level 1" in entry.new_value


def test_block_hours_overage_reaches_the_invoice_draft(session, pdfs):
    data, expected = pdfs["block_hours"]
    c, _, _ = _upload_review_apply(session, data, "block.pdf", expected.customer,
                                   start_date=date(2024, 6, 1))  # fmt: skip
    assert c.pricing_model == "block_hours"
    assert (c.included_hours, c.overage_rate) == (Decimal("20"), Decimal("125.00"))
    # the document lists no services: the reviewer names the one the block covers
    set_services(session=session, actor=ADMIN, contract_id=c.id, kind="included", names=["support"])
    tech = Technician(name="Tess Tech")
    session.add(tech)
    session.flush()
    for day in range(5, 10):  # 25 hours in October, billed (in advance) with November
        started = datetime(2026, 10, day, 13, tzinfo=UTC)  # 09:00 Eastern, inside 07-19
        ticket = _ticket(session, c, "P3", "support", started)
        session.add(TimeEntry(client_id=c.client_id, contract_id=c.id, ticket_id=ticket,
                              technician_id=tech.id, started_at=started, minutes=300,
                              role="Help Desk Technician", service_type="support",
                              approved=True, currency="USD"))  # fmt: skip
    session.flush()
    preview = preview_run(session=session, actor=ADMIN, period="2026-11")
    lines = preview.lines[preview.lines["contract"] == c.reference]
    over = lines[lines["unit_price"] == Decimal("125.00")]
    assert len(over) == 1, lines.to_string()
    assert (over["quantity"].iloc[0], over["amount"].iloc[0]) == (Decimal("5"), Decimal("625.00"))
    assert Decimal("7600.00") in set(lines["amount"])  # the block fee itself


def test_msa_sla_credit_rule_and_24x7(session, pdfs):
    data, expected = pdfs["msa_sla"]
    c, doc, _ = _upload_review_apply(session, data, "msa.pdf", expected.customer,
                                     start_date=date(2025, 10, 1))  # fmt: skip
    rules = list(session.scalars(select(ServiceCreditRule).where(
        ServiceCreditRule.contract_id == c.id)))  # fmt: skip
    assert rules and all(r.source_document_id == doc for r in rules)
    created = datetime(2026, 11, 28, 23, 50, tzinfo=UTC)  # a Saturday night
    tid = _ticket(session, c, "P1", "Server maintenance", created)
    assert _response_due(session, tid, created) == pd.Timestamp(created + timedelta(minutes=30))
    assert c.tier == "platinum"


REAL = [  # real contracts nobody on the team wrote (CUAD v1, cuad-service-dev)
    "UAGHINC_04_14_2004-EX-10.18-MAINTENANCE AGREEMENT.PDF",
    "ReynoldsConsumerProductsInc_20200121_S-1A_EX-10.22_11948918_EX-10.22_Service Agreement.pdf",
    "CCAINDUSTRIESINC_04_14_2014-EX-10.1-OUTSOURCING AGREEMENT.PDF",
    "BICYCLETHERAPEUTICSPLC_03_10_2020-EX-10.11-SERVICE AGREEMENT.PDF",
]


@pytest.mark.parametrize("name", REAL, ids=lambda n: n.split("-")[0][:20])
def test_real_contract_chain(session, name):
    """The terms a real contract states reach their homes, and the engines use them."""
    from contracts.term import term_at
    from extraction import extract

    data = (CUAD / name).read_bytes()
    terms = extract(data).terms()
    customer = str(terms["customer"].normalized)
    c, _, _ = _upload_review_apply(session, data, name, customer, start_date=date(2000, 1, 1))
    if "effective_date" in terms:
        assert c.start_date.isoformat() == terms["effective_date"].normalized
    assert c.facts["governing_law"] == terms["governing_law"].normalized
    reqs = requirements_frame(session=session, actor=ADMIN, contract_id=c.id)
    wanted = {i["type"] for i in (terms["insurance"].normalized if "insurance" in terms else [])}
    assert wanted <= set(reqs[reqs["kind"] == "insurance"]["name"])
    if "liability_cap" in terms:
        assert c.facts["liability_cap"]
    # a ticket, the invoice draft and the field card inside the first term
    day = c.start_date + timedelta(days=40)
    created = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
    assert _entitlement(session, c, "support", created) != "no_contract"
    if c.pricing_model == "time_materials":  # hourly rates, no fee: billed on the work done
        assert c.hourly_rate is not None
        tech = Technician(name="Tess Tech")
        session.add(tech)
        session.flush()
        ticket = _ticket(session, c, "P3", "support", created)
        session.add(TimeEntry(client_id=c.client_id, contract_id=c.id, ticket_id=ticket,
                              technician_id=tech.id, started_at=created, minutes=120,
                              service_type="support", approved=True,
                              currency=c.currency))  # fmt: skip
        session.flush()
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)  # billed the month after
    preview = preview_run(session=session, actor=ADMIN, period=f"{day:%Y-%m}")
    assert c.reference in set(preview.invoices["contract"]), (c.pricing_model, preview.findings)
    card = field_card(session=session, actor=ADMIN, client_id=c.client_id, today=created.date())
    assert (card.contract_id, card.tier) == (c.id, c.tier)
    # today: an auto-renewing contract runs on (renewal stage open), a fixed one has lapsed
    stage = _stage(session, c)
    assert (stage == "lapsed") == (term_at(c, TODAY) is None), stage
