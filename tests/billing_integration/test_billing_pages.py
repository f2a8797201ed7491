"""Billing pages under AppTest: what each role sees, a run, an invoice, receivables."""

from __future__ import annotations

import pytest

from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

PAGES = [
    "pages/billing_run.py",
    "pages/invoice_detail.py",
    "pages/receivables.py",
    "pages/client_billing.py",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("user", [EXEC, TECH], ids=["executive", "technician"])
def test_roles_without_billing_are_refused(billing_env, path, user):
    at = page(path, billing_env, user=user).run()
    assert not at.exception
    assert any("may not work billing" in e.value for e in at.error)
    assert len(at.dataframe) == 0 and len(at.button) == 0


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_refused(billing_env, path):
    at = page(path, billing_env).run()
    assert [e.value for e in at.error] == ["Please log in first."]


def test_billing_run_previews_runs_and_lists_drafts(billing_env):
    at = page("pages/billing_run.py", billing_env, user=MANAGER).run()
    assert not at.exception
    assert at.title[0].value == "Billing run"
    labels = [m.label for m in at.metric]
    assert labels == ["Invoices", "Entries checked", "Billing accuracy", "Findings"]
    assert [t.label for t in at.tabs][:3] == ["Invoices", "Lines", "Findings"]
    at.button(key="run-billing").click().run()
    assert not at.exception
    assert any("drafts created" in s.value for s in at.success)
    drafts = at.tabs[4].dataframe[0].value
    assert len(drafts) > 0 and set(drafts["status"]) <= {
        "draft",
        "issued",
        "paid",
        "overdue",
        "partially_paid",
        "void",
    }
    at.button(key="run-billing").click().run()  # idempotent: updated, none created
    assert any("0 drafts created" in s.value for s in at.success)


def _open_invoice(url: str) -> int:
    from access.roles import SYSTEM
    from db.billing.receivables import receivables
    from db.engine import open_store, session_scope
    from tests.conftest import TODAY

    with session_scope(open_store(url)) as s:
        r = receivables(session=s, actor=SYSTEM, as_of=TODAY)
    return int(r.balances.loc[r.balances["balance"] > 0, "invoice_id"].iloc[0])


def test_invoice_detail_shows_backup_and_refuses_overpayment(billing_env):
    invoice_id = _open_invoice(billing_env)
    at = page(
        "pages/invoice_detail.py", billing_env, user=ADMIN, query={"id": str(invoice_id)}
    ).run()
    assert not at.exception
    assert at.header[0].value.replace("\\", "").startswith("INV-")  # Markdown-escaped
    labels = {b.label for b in at.get("download_button")}
    assert {"Backup PDF", "Backup CSV", "Backup XLSX"} <= labels
    assert [m.label for m in at.metric] == ["Status", "Total", "Paid + credited", "Balance"]
    at.text_input(key=f"pay-amount-{invoice_id}").input("99999999")
    at.button(key="pay-submit").click().run()
    assert any("more than the open balance" in e.value for e in at.error)


def test_receivables_and_client_history(billing_env):
    at = page("pages/receivables.py", billing_env, user=MANAGER).run()
    assert not at.exception
    assert at.title[0].value == "Receivables"
    assert [t.label for t in at.tabs] == ["Ageing by client", "Overdue invoices", "All balances"]
    assert len(at.tabs[0].dataframe[0].value) > 0
    at = page("pages/client_billing.py", billing_env, user=MANAGER, query={"client": "1"}).run()
    assert not at.exception
    assert at.title[0].value == "Client billing" and at.header[0].value
    assert len(at.dataframe[0].value) > 0
    labels = [m.label for m in at.metric]
    assert "Billing accuracy (last run)" in labels
    assert any(h.value == "Billing accuracy by run" for h in at.subheader)


def test_contract_page_records_a_unit_count(billing_env):
    from datetime import date

    from sqlalchemy import select

    from db.engine import open_store, session_scope
    from db.models import Contract, UnitCount

    with session_scope(open_store(billing_env)) as s:
        cid = s.scalar(select(Contract.id).where(Contract.pricing_model == "per_unit"))
    assert cid is not None, "the demo has per-unit contracts"
    at = page("pages/contract_detail.py", billing_env, user=MANAGER, query={"id": str(cid)})
    at.run()
    assert not at.exception
    assert any("Unit counts" in m.value for m in at.markdown)
    next(w for w in at.number_input if w.label == "Count").set_value(123)
    next(w for w in at.date_input if w.label == "From").set_value(date(2026, 10, 1))
    next(b for b in at.button if b.label == "Record count").click().run()
    assert not at.exception and not at.error
    with session_scope(open_store(billing_env)) as s:
        got = s.execute(
            select(UnitCount.effective_from, UnitCount.count).where(UnitCount.contract_id == cid)
        ).all()
    assert [tuple(g) for g in got] == [(date(2026, 10, 1), 123)]
