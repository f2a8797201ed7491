"""Issue 17 item 6: field view request -> manager alerted and decides -> billed exactly once.

Real SQLite and PostgreSQL (the `session` fixture runs on both).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.billing.backup_documents import backup_documents
from db.billing.invoices import issue_invoices
from db.billing.run import preview_run, run_billing
from db.field_scope import out_of_scope_requests, record_out_of_scope
from db.models import (
    AuditEntry,
    ContractService,
    Invoice,
    InvoiceLine,
    Notification,
    OutOfScopeRequest,
    Technician,
    TechnicianAssignment,
    User,
)
from db.out_of_scope import decide_request, requests_frame
from tests.factories import ADMIN, actor, make_contract

ON = date(2026, 11, 10)
AT = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)
DECIDED = datetime(2026, 11, 10, 11, 0, tzinfo=UTC)


@pytest.fixture
def field(session):
    """A T&M contract (arrears, no time logged) and a fixed-fee one, a technician on both."""
    am = User(username="am", display_name="Ann Manager", email="ann@example.com",
              role="manager", password_hash="x")  # fmt: skip
    session.add(am)
    session.flush()
    _, tm = make_contract(
        session,
        name="Tempo Labs",
        reference="C-TM",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        pricing_model="time_materials",
        recurring_fee=None,
        hourly_rate=Decimal("120"),
        role_rates={"engineer": "120"},
        billing_timing="arrears",
        account_manager_id=am.id,
    )
    _, fixed = make_contract(
        session,
        name="Fixed Fee Ltd",
        reference="C-FIX",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        hourly_rate=Decimal("95"),
    )
    tech = Technician(name="Tina Tech")
    session.add(tech)
    session.flush()
    for c in (tm, fixed):
        session.add(TechnicianAssignment(technician_id=tech.id, client_id=c.client_id))
        session.add(ContractService(contract_id=c.id, kind="excluded", name="consumables"))
    session.flush()
    return {"tm": tm, "fixed": fixed, "tech": actor("technician", technician_id=tech.id),
            "manager": ADMIN, "am": am}  # fmt: skip


def _record(session, field, contract, text="replace the toner in the printer"):
    return record_out_of_scope(
        session=session,
        actor=field["tech"],
        client_id=contract.client_id,
        description=text,
        matched_clause="consumables",
        today=ON,
        now=AT,
    )


def _request_lines(session, contract_id=None):
    q = select(InvoiceLine).join(Invoice).where(InvoiceLine.kind == "out_of_scope")
    if contract_id is not None:
        q = q.where(Invoice.contract_id == contract_id)
    return list(session.scalars(q))


def test_request_alerts_the_account_manager_once_with_the_quote(session, field):
    req = _record(session, field, field["tm"])
    assert (req.quoted_rate, req.currency, req.status) == (Decimal("120"), "GBP", "pending")
    mail = session.scalars(select(Notification)).all()
    assert [(n.rule, n.recipient) for n in mail] == [("out_of_scope_request", "ann@example.com")]
    assert mail[0].subject == (
        f"[Approval] Tempo Labs (C-TM): out-of-scope request #{req.id} from Tina Tech"
    )
    assert "replace the toner in the printer" in mail[0].body_text
    assert "GBP 120.00 per hour" in mail[0].body_text
    pending = requests_frame(session=session, actor=field["manager"])
    assert list(pending["id"]) == [req.id] and pending["quoted_rate"].iloc[0] == Decimal("120")


def test_chain_field_request_approved_billed_once_and_rerun_keeps_one_line(session, field):
    tm = field["tm"]
    req = _record(session, field, tm)
    preview = preview_run(session=session, actor=ADMIN, period="2026-12")
    assert "out_of_scope" not in set(preview.lines["kind"])  # pending: not billed
    decision = decide_request(
        session=session, actor=field["manager"], request_id=req.id, approve=True,
        hours="1.5", now=DECIDED,
    )  # fmt: skip
    assert decision.amount == Decimal("180.00")
    run_billing(session=session, actor=ADMIN, period="2026-12")
    lines = _request_lines(session, tm.id)
    assert len(lines) == 1
    line = lines[0]
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("1.5"), Decimal("120"), Decimal("180.00")
    )  # fmt: skip
    assert line.rule == f"request:{req.id}"
    assert line.description.startswith(f"Out-of-scope request #{req.id}: replace the toner")
    assert "asked 10 Nov 2026, logged by Tina Tech" in line.description
    assert "approved 10 Nov 2026 by" in line.description and "1.5 h at 120.00" in line.description
    inv = session.get(Invoice, line.invoice_id)
    # T&M with no hours: the request makes its own draft, November's work billed 1 Dec
    assert (inv.key, inv.status, inv.total) == (f"{tm.id}:2026-11-01", "draft", Decimal("180.00"))
    session.refresh(req)
    assert req.invoice_id == inv.id
    count = session.scalar(select(func.count()).select_from(Invoice))
    again = run_billing(session=session, actor=ADMIN, period="2026-12")
    assert (again.created, again.updated) == (0, count)
    assert len(_request_lines(session, tm.id)) == 1
    assert session.scalar(select(func.count()).select_from(Invoice)) == count
    # issued: later runs never rewrite it nor bill the request again
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[inv.id], on=date(2026, 12, 1),
                   accept_findings=True)  # fmt: skip
    run_billing(session=session, actor=ADMIN, period="2026-12")
    run_billing(session=session, actor=ADMIN, period="2027-01")
    assert len(_request_lines(session)) == 1
    session.refresh(inv)
    assert (inv.status, inv.total) == ("issued", Decimal("180.00"))


def test_request_on_a_fee_invoice_is_an_extra_line_and_taxed_with_it(session, field):
    fixed = field["fixed"]
    req = _record(session, field, fixed, "install a new wifi access point")
    decide_request(session=session, actor=field["manager"], request_id=req.id, approve=True,
                   now=DECIDED)  # fmt: skip
    run_billing(session=session, actor=ADMIN, period="2026-12")
    (line,) = _request_lines(session, fixed.id)
    inv = session.get(Invoice, line.invoice_id)
    assert inv.key == f"{fixed.id}:2026-12-01"  # December's fee, billed in advance
    assert line.amount == Decimal("95.00")  # 1 hour at the quoted 95
    assert inv.total == Decimal("5095.00")
    # the backup documents list the request as its own line and still add up to the total
    docs = backup_documents(session=session, actor=ADMIN, invoice_id=inv.id)
    shown = docs.frame[docs.frame["kind"] == "out_of_scope"]
    assert len(shown) == 1 and Decimal(str(shown["amount"].iloc[0])) == Decimal("95.00")


def test_backup_of_an_invoice_holding_only_a_request(session, field):
    req = _record(session, field, field["tm"])
    decide_request(session=session, actor=field["manager"], request_id=req.id, approve=True,
                   now=DECIDED)  # fmt: skip
    run_billing(session=session, actor=ADMIN, period="2026-12")
    (line,) = _request_lines(session, field["tm"].id)
    docs = backup_documents(session=session, actor=ADMIN, invoice_id=line.invoice_id)
    assert list(docs.frame["kind"]) == ["out_of_scope"] and not docs.entries_listed


def test_declined_requests_are_never_billed_and_decisions_are_final(session, field):
    tm = field["tm"]
    req = _record(session, field, tm)
    with pytest.raises(ValueError, match="reason for declining"):
        decide_request(session=session, actor=field["manager"], request_id=req.id,
                       approve=False, now=DECIDED)  # fmt: skip
    decide_request(session=session, actor=field["manager"], request_id=req.id, approve=False,
                   reason="Client will buy toner themselves", now=DECIDED)  # fmt: skip
    with pytest.raises(ValueError, match="already declined"):
        decide_request(session=session, actor=field["manager"], request_id=req.id,
                       approve=True, now=DECIDED)  # fmt: skip
    run_billing(session=session, actor=ADMIN, period="2026-12")
    assert _request_lines(session) == []
    shown = out_of_scope_requests(session=session, actor=field["tech"], client_id=tm.client_id)
    assert (shown[0]["status"], shown[0]["reason"]) == (
        "declined", "Client will buy toner themselves"
    )  # fmt: skip
    audit = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity == "out_of_scope_request", AuditEntry.entity_id == req.id
        )
    ).all()
    assert sorted(set(audit)) == ["create", "decline"]


def test_approval_is_role_checked_and_validates_price(session, field):
    req = _record(session, field, field["tm"])
    for role in ("technician", "executive"):
        with pytest.raises(PermissionDenied):
            decide_request(session=session, actor=actor(role), request_id=req.id,
                           approve=True, now=DECIDED)  # fmt: skip
    with pytest.raises(PermissionDenied):
        requests_frame(session=session, actor=field["tech"])
    bad = [
        ({"hours": "0"}, "Hours must be"),
        ({"hours": "lots"}, "must be a number"),
        ({"rate": "-5", "reason": "x"}, "negative"),
        ({"rate": "100"}, "reason for a rate"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ValueError, match=message):
            decide_request(session=session, actor=field["manager"], request_id=req.id,
                           approve=True, now=DECIDED, **kwargs)  # fmt: skip
    session.refresh(req)
    assert req.status == "pending" and req.amount is None  # nothing half-written
    decide_request(session=session, actor=field["manager"], request_id=req.id, approve=True,
                   rate="100", reason="Loyalty discount", now=DECIDED)  # fmt: skip
    session.refresh(req)
    assert (req.status, req.rate, req.amount, req.decision_reason) == (
        "approved", Decimal("100"), Decimal("100.00"), "Loyalty discount"
    )  # fmt: skip


def test_request_after_the_issued_invoice_goes_on_the_next_one(session, field):
    fixed = field["fixed"]
    run_billing(session=session, actor=ADMIN, period="2026-12")
    dec = session.scalar(select(Invoice).where(Invoice.key == f"{fixed.id}:2026-12-01"))
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[dec.id], on=date(2026, 12, 1),
                   accept_findings=True)  # fmt: skip
    req = _record(session, field, fixed)
    decide_request(session=session, actor=field["manager"], request_id=req.id, approve=True,
                   now=DECIDED)  # fmt: skip
    summary = run_billing(session=session, actor=ADMIN, period="2026-12")
    assert _request_lines(session) == []  # December is issued: never rewritten
    assert summary.findings >= 1
    run_billing(session=session, actor=ADMIN, period="2027-01")
    (line,) = _request_lines(session)
    assert session.get(Invoice, line.invoice_id).key == f"{fixed.id}:2027-01-01"
    assert session.get(OutOfScopeRequest, req.id).invoice_id == line.invoice_id


SMTP_PORT = 8631  # this work's own port range (8631-8639)


def test_the_alert_reaches_the_account_manager_over_real_smtp(session, engine, field):
    from aiosmtpd.controller import Controller

    from db.outbox import deliver
    from notify.smtp import SmtpSettings, send
    from tests.notify.conftest import Recorder

    req = _record(session, field, field["tm"])
    session.commit()
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        settings = SmtpSettings(host="127.0.0.1", port=SMTP_PORT)
        first = deliver(engine=engine, settings=settings, now=AT, send=send)
        again = deliver(engine=engine, settings=settings, now=DECIDED, send=send)
    finally:
        controller.stop()
    assert (first.sent, again.sent) == (1, 0)
    ((_, rcpt, msg),) = recorder.messages
    assert rcpt == ["ann@example.com"]
    assert msg["Subject"] == (
        f"[Approval] Tempo Labs (C-TM): out-of-scope request #{req.id} from Tina Tech"
    )
