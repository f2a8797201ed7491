"""Contract versions and the Apply preview, on a real demo MSA and a real amendment PDF.

An MSA (demo template msa_sla) is applied, then an amendment that states only a new P1
target and a new monthly fee, effective 1 March 2026. A ticket created before the amendment
keeps its old target, one after gets the new one; February is billed at the old fee, March
at the new one; an amendment over an issued March invoice is refused; the preview lists the
diff and its consequences before anything changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.billing.invoices import issue_invoices
from db.billing.run import preview_run, run_billing
from db.contract_versions import history, snapshot_at
from db.contracts_repo import ConflictError, update_contract
from db.documents.apply import apply_to_contract, document_kind, preview_apply
from db.documents.apply_consequences import InvoiceOverlap
from db.documents.review import review_term
from db.documents.upload import store_upload
from db.models import (
    AuditEntry,
    Contract,
    ContractVersion,
    ExtractedTerm,
    Invoice,
    SlaPolicy,
    Ticket,
)
from db.sla.outcomes import sla_outcomes
from demo.pdf_writer import Doc
from tests.factories import ADMIN, make_contract

AMENDED_FROM = date(2026, 3, 1)
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


def amendment_pdf(path: Path, provider: str, customer: str) -> bytes:
    """An amendment that states only what changes (a P1 target and the monthly fee)."""
    doc = Doc()
    doc.title("SECOND AMENDMENT TO MASTER SERVICES AGREEMENT")
    doc.para(
        'This Second Amendment (the "Amendment") is entered into and effective as of March 1, '
        f'2026 by and between {provider} (the "Provider") and {customer} (the "Customer").'
    )
    doc.heading("1. Service Levels")
    doc.para(
        "Priority 1 (Critical) incidents: the Provider shall respond within 15 minutes and "
        "resolve the incident within 2 hours."
    )
    doc.heading("2. Fees")
    doc.para("The monthly fee is amended to $9,000.00 per month.")
    doc.para("All other terms of the Agreement remain unchanged.")
    doc.save(path)
    return path.read_bytes()


def _accept_all(session, document_id):
    for t in session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == document_id)):
        if t.review_state == "pending":
            action = "reject" if t.field == "service_tier" else "accept"  # inferred, not stated
            review_term(session=session, actor=ADMIN, term_id=t.id, action=action)


def _ticket(session, contract, ext, priority, created):
    t = Ticket(source="test", external_id=ext, client_id=contract.client_id,
               contract_id=contract.id, service_type="server maintenance", priority=priority,
               status="open", created_at=created)  # fmt: skip
    session.add(t)
    session.flush()
    return t


@pytest.fixture
def applied(session, pdfs, tmp_path):
    """The MSA applied to its client's contract; the amendment uploaded and accepted."""
    data, expected = pdfs["msa_sla"]
    _, contract = make_contract(
        session, name=expected.customer, start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    msa = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data).document_id
    _accept_all(session, msa)
    apply_to_contract(session=session, actor=ADMIN, document_id=msa, contract_id=contract.id,
                      expected_version=contract.version, today=date(2025, 10, 1))  # fmt: skip
    pdf = amendment_pdf(tmp_path / "amend.pdf", expected.provider, expected.customer)
    amend = store_upload(session=session, actor=ADMIN, filename="amend.pdf", data=pdf)
    assert amend.contract_id == contract.id
    # auto-accepted terms of an amendment wait until its effective date is confirmed, and
    # what Apply reads from the pages (its SLA and fee here) never goes live unseen
    assert any("effective date" in w and "wait for review" in w for w in amend.warnings)
    session.refresh(contract)
    assert contract.recurring_fee == Decimal("8400.00") and not amend.applied
    _accept_all(session, amend.document_id)
    session.refresh(contract)
    return contract, msa, amend.document_id, expected


def _apply_amendment(session, contract, doc, **kw):
    session.refresh(contract)
    return apply_to_contract(session=session, actor=ADMIN, document_id=doc,
                             contract_id=contract.id, expected_version=contract.version,
                             today=NOW.date(), **kw)  # fmt: skip


def _targets(session, contract):
    frame = sla_outcomes(session=session, now=NOW, contract_ids=[contract.id])
    frame = frame[frame["metric"] == "resolution"]
    refs = dict(session.execute(select(Ticket.id, Ticket.external_id)).all())
    return {refs[t]: float(m) for t, m in zip(frame["ticket_id"], frame["target_min"], strict=True)}


def test_amendment_changes_only_what_it_states_from_its_date(session, applied):
    contract, _, doc, expected = applied
    assert document_kind(session=session, document_id=doc) == "amendment"
    start = contract.start_date
    old_p1 = _ticket(session, contract, "OLD-P1", "P1", datetime(2026, 2, 10, 9, tzinfo=UTC))
    _ticket(session, contract, "NEW-P1", "P1", datetime(2026, 3, 10, 9, tzinfo=UTC))
    _ticket(session, contract, "NEW-P2", "P2", datetime(2026, 3, 10, 9, tzinfo=UTC))
    before = _targets(session, contract)
    assert before == {"OLD-P1": 240.0, "NEW-P1": 240.0, "NEW-P2": 480.0}

    _apply_amendment(session, contract, doc)
    session.refresh(contract)
    # the amendment's date is when its changes start, not the contract's start
    assert contract.start_date == start == date.fromisoformat(expected.effective_date)
    assert contract.recurring_fee == Decimal("9000.00")
    after = _targets(session, contract)
    assert after["OLD-P1"] == 240.0  # created before the amendment: keeps its old target
    assert after["NEW-P1"] == 120.0  # created after: the amended 2-hour resolution
    assert after["NEW-P2"] == 480.0  # P2 not restated: unchanged
    policy = session.scalars(
        select(SlaPolicy).where(SlaPolicy.contract_id == contract.id)
        .order_by(SlaPolicy.effective_from.desc(), SlaPolicy.id.desc())
    ).first()  # fmt: skip
    assert policy.effective_from == AMENDED_FROM
    assert {t.priority for t in policy.targets} == {"P1", "P2", "P3", "P4"}
    assert session.get(Ticket, old_p1.id).created_at < datetime(2026, 3, 1, tzinfo=UTC)

    version = session.scalars(
        select(ContractVersion).where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.id.desc())
    ).first()  # fmt: skip
    assert (version.kind, version.effective_from, version.document_id) == (
        "amendment", AMENDED_FROM, doc,
    )  # fmt: skip
    assert version.changes["recurring_fee"] == ["8400", "9000"]
    assert "start_date" not in version.changes and "end_date" not in version.changes
    assert version.username == ADMIN.username
    assert snapshot_at(session, contract.id, date(2026, 2, 1))["recurring_fee"] == Decimal("8400")
    assert snapshot_at(session, contract.id, date(2026, 3, 1))["recurring_fee"] == Decimal("9000")
    rows = history(session=session, actor=ADMIN, contract_id=contract.id)
    fee = rows[(rows["field"] == "recurring fee") & (rows["kind"] == "amendment")].iloc[0]
    assert (fee["before"], fee["after"], fee["document"], fee["by"]) == (
        "8400", "9000", "amend.pdf", ADMIN.username,
    )  # fmt: skip
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "apply_terms")
                           .order_by(AuditEntry.id.desc()))  # fmt: skip
    assert audit.username == ADMIN.username and audit.old_value.startswith("why: amendment")


def _fees(preview):
    lines = preview.lines
    fee = lines[lines["kind"] == "recurring"]
    pairs = zip(fee["period_start"], fee["amount"], strict=True)
    return {str(p): Decimal(str(a)) for p, a in pairs}


def test_billing_uses_the_rates_of_the_version_in_force_in_the_period(session, applied):
    contract, _, doc, _ = applied
    _apply_amendment(session, contract, doc)
    feb = preview_run(session=session, actor=ADMIN, period="2026-02")
    mar = preview_run(session=session, actor=ADMIN, period="2026-03")
    assert set(_fees(feb).values()) == {Decimal("8400.00")}  # before the amendment: old fee
    assert set(_fees(mar).values()) == {Decimal("9000.00")}  # from the amendment on: new fee


def test_preview_lists_the_diff_and_consequences_and_writes_nothing(session, applied):
    contract, _, doc, _ = applied
    _ticket(session, contract, "OLD-P1", "P1", datetime(2026, 2, 10, 9, tzinfo=UTC))
    _ticket(session, contract, "NEW-P1", "P1", datetime(2026, 3, 10, 9, tzinfo=UTC))
    run_billing(session=session, actor=ADMIN, period="2026-03")  # a draft for March
    version, policies = contract.version, session.scalar(select(func.count(SlaPolicy.id)))
    versions = session.scalar(select(func.count(ContractVersion.id)))

    pv = preview_apply(session=session, actor=ADMIN, document_id=doc, contract_id=contract.id,
                       expected_version=version, today=NOW.date(), now=NOW)  # fmt: skip
    assert pv.refusal is None and pv.kind == "amendment" and pv.effective_from == AMENDED_FROM
    fee = pv.diff[pv.diff["field"] == "recurring fee"].iloc[0]
    assert (fee["current"], fee["proposed"], fee["page"]) == ("8400.00", "9000.00", 1)
    periods = pv.periods.set_index("period start")
    assert list(periods.index) == [date(2026, 3, 1), date(2026, 4, 1)]
    assert set(periods["effect"]) == {"rates change: re-billed"}
    assert periods.loc[date(2026, 3, 1), "invoice status"] == "draft"
    assert pv.overlaps == []
    assert pv.sla_tickets == 1 and set(pv.sla["ticket"]) == {"NEW-P1"}
    changed = pv.sla[pv.sla["metric"] == "resolution"].iloc[0]
    assert (changed["target_min before"], changed["target_min after"]) == (240, 120)
    # nothing was written
    session.expire_all()
    assert session.get(Contract, contract.id).version == version
    assert session.get(Contract, contract.id).recurring_fee == Decimal("8400.00")
    assert session.scalar(select(func.count(SlaPolicy.id))) == policies
    assert session.scalar(select(func.count(ContractVersion.id))) == versions


def test_apply_over_an_issued_invoice_is_refused_and_nothing_written(session, applied):
    contract, _, doc, _ = applied
    run_billing(session=session, actor=ADMIN, period="2026-03")
    march = session.scalar(select(Invoice).where(Invoice.contract_id == contract.id,
                                                 Invoice.period_start == AMENDED_FROM))  # fmt: skip
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[march.id], on=AMENDED_FROM,
                   accept_findings=True)  # fmt: skip
    version, versions = contract.version, session.scalar(select(func.count(ContractVersion.id)))
    policies = session.scalar(select(func.count(SlaPolicy.id)))

    pv = preview_apply(session=session, actor=ADMIN, document_id=doc, contract_id=contract.id,
                       expected_version=version, today=NOW.date(), now=NOW)  # fmt: skip
    assert pv.refusal and march.number in pv.refusal and pv.result is None
    assert len(pv.overlaps) == 1 and "2026-03-01" in pv.overlaps[0]
    with pytest.raises(InvoiceOverlap, match=f"{march.number} \\(issued\\) for 2026-03-01"):
        _apply_amendment(session, contract, doc)
    session.expire_all()
    assert session.get(Contract, contract.id).version == version
    assert session.get(Contract, contract.id).recurring_fee == Decimal("8400.00")
    assert session.scalar(select(func.count(ContractVersion.id))) == versions
    assert session.scalar(select(func.count(SlaPolicy.id))) == policies
    # from the next period on, the same amendment applies
    _apply_amendment(session, contract, doc, effective_from=date(2026, 4, 1))
    assert session.get(Contract, contract.id).recurring_fee == Decimal("9000.00")
    assert snapshot_at(session, contract.id, date(2026, 3, 1))["recurring_fee"] == Decimal("8400")


def test_contract_page_edit_writes_a_version_and_makes_a_preview_stale(session, applied):
    from contracts.schema import ContractInput

    contract, _, doc, _ = applied
    pv = preview_apply(session=session, actor=ADMIN, document_id=doc, contract_id=contract.id,
                       expected_version=contract.version, today=NOW.date(), now=NOW)  # fmt: skip
    data = {name: getattr(contract, name) for name in ContractInput.model_fields}
    update_contract(session=session, actor=ADMIN, contract_id=contract.id,
                    expected_version=pv.contract_version,
                    data=ContractInput(**{**data, "hourly_rate": Decimal("150")}),
                    version_from=date(2026, 4, 1))  # fmt: skip
    edit = session.scalars(select(ContractVersion).where(ContractVersion.kind == "edit")).one()
    assert edit.changes == {"hourly_rate": [None, "150"]}
    assert edit.effective_from == date(2026, 4, 1)
    with pytest.raises(ConflictError, match="changed by someone else"):
        apply_to_contract(session=session, actor=ADMIN, document_id=doc, contract_id=contract.id,
                          expected_version=pv.contract_version, today=NOW.date())  # fmt: skip


def test_review_page_previews_an_amendment_and_refuses_it_over_an_issued_invoice(
    store_env, pdfs, tmp_path
):
    from db.clients_repo import create_client
    from db.contracts_repo import create_contract
    from db.engine import open_store, session_scope
    from tests.factories import contract_input
    from tests.pages.conftest import ADMIN as ADMIN_LOGIN
    from tests.pages.conftest import page

    data, expected = pdfs["msa_sla"]
    with session_scope(open_store(store_env)) as s:
        client = create_client(session=s, actor=ADMIN, name=expected.customer)
        contract = create_contract(session=s, actor=ADMIN, data=contract_input(
            client.id, reference="AM-1", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)))
        s.flush()
        msa = store_upload(session=s, actor=ADMIN, filename="msa.pdf", data=data).document_id
        _accept_all(s, msa)
        apply_to_contract(session=s, actor=ADMIN, document_id=msa, contract_id=contract.id,
                          expected_version=contract.version, today=date(2025, 10, 1))
        pdf = amendment_pdf(tmp_path / "amend.pdf", expected.provider, expected.customer)
        doc = store_upload(session=s, actor=ADMIN, filename="amend.pdf", data=pdf).document_id
        _accept_all(s, doc)
        run_billing(session=s, actor=ADMIN, period="2026-03")
        march = s.scalar(select(Invoice).where(Invoice.contract_id == contract.id,
                                               Invoice.period_start == AMENDED_FROM))
        [number] = issue_invoices(session=s, actor=ADMIN, invoice_ids=[march.id],
                                  on=AMENDED_FROM, accept_findings=True)
        contract_id = contract.id
    at = page("pages/review.py", store_env, user=ADMIN_LOGIN, query={"doc": str(doc)}).run()
    at.button(key=f"preview-{doc}").click().run()
    assert not at.exception, at.exception
    assert any("Amendment changes effective from 2026-03-01" in c.value for c in at.caption)
    refusal = [e.value for e in at.error]
    assert len(refusal) == 1 and number.replace("-", "\\-") in refusal[0]
    diff, periods = [d.value for d in at.dataframe if d.editing_mode == "read_only"][:2]
    fee = diff[diff["field"] == "recurring fee"].iloc[0]
    assert (fee["current"], fee["proposed"]) == ("8400.00", "9000.00")
    march_row = periods[periods["invoice status"] == "issued"].iloc[0]
    assert str(march_row["period start"])[:10] == "2026-03-01"
    assert march_row["effect"] == "rates change: re-billed"
    [apply] = [b for b in at.button if b.label == "Apply accepted terms to contract"]
    assert apply.disabled
    # from April on the same amendment is accepted: preview clean, Apply writes it
    at.date_input(key=f"policy-from-{doc}").set_value(date(2026, 4, 1)).run()
    at.button(key=f"preview-{doc}").click().run()
    assert not at.error
    next(b for b in at.button if b.label == "Apply accepted terms to contract").click().run()
    assert not at.exception and any(s.value.startswith("Applied:") for s in at.success)
    with session_scope(open_store(store_env)) as s:
        assert s.get(Contract, contract_id).recurring_fee == Decimal("9000.00")
        rows = history(session=s, actor=ADMIN, contract_id=contract_id)
        assert str(rows.iloc[0]["effective from"]) == "2026-04-01"
