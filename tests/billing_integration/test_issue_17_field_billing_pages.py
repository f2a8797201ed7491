"""Issue 17 item 6 through the pages (AppTest, seeded SQLite store): the technician records a
request in the field view, a manager approves it on Out-of-scope requests, the billing run
page drafts its line, and running again still leaves one line."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.engine import open_store, session_scope
from db.models import Invoice, InvoiceLine, Notification, OutOfScopeRequest
from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

PAGE = "pages/extra_work.py"


def _record(url: str, text: str) -> OutOfScopeRequest:
    at = page("pages/field_view.py", url, user=TECH).run()
    at.text_area[0].input(text)
    at.button[0].click().run()
    record = [b for b in at.button if b.label == "Record out-of-scope request"]
    record[0].click().run()
    assert any("Recorded: pending approval" in s.value for s in at.success)
    assert not at.exception
    with session_scope(open_store(url)) as s:
        row = s.scalars(select(OutOfScopeRequest).order_by(OutOfScopeRequest.id.desc())).first()
        s.expunge(row)
    return row


def _lines(url: str, request_id: int) -> list[tuple[str, str]]:
    with session_scope(open_store(url)) as s:
        return list(
            s.execute(
                select(Invoice.status, InvoiceLine.description)
                .join(Invoice)
                .where(InvoiceLine.rule == f"request:{request_id}")
            ).all()
        )


@pytest.mark.parametrize("user", [EXEC, TECH], ids=["executive", "technician"])
def test_roles_without_billing_cannot_decide(billing_env, user):
    at = page(PAGE, billing_env, user=user).run()
    assert any("may not work billing" in e.value for e in at.error)
    assert not at.button and not at.dataframe


def test_chain_field_view_to_approval_to_billing_run_once(billing_env):
    req = _record(billing_env, "replace the toner in the printer")
    with session_scope(open_store(billing_env)) as s:
        rules = s.scalars(
            select(Notification.rule).where(
                Notification.key.like(f"out_of_scope_request|{req.id}|%")
            )
        ).all()
    assert rules and set(rules) == {"out_of_scope_request"}  # the account manager is alerted
    at = page(PAGE, billing_env, user=MANAGER).run()
    assert not at.exception
    assert at.title[0].value == "Out-of-scope requests"
    waiting = at.dataframe[0].value
    assert req.id in list(waiting["request"])
    columns = at.dataframe[0].proto.columns  # rates read as money per hour, not as a share
    assert "Quoted rate per hour" in columns and "percent" not in columns
    at.selectbox(key="oos-request").set_value(req.id).run()
    rate = at.text_input[0].value
    assert req.quoted_rate is not None and rate == f"{req.quoted_rate:.2f}"  # the quote
    # widgets in a form: set them, then submit in the same run
    at.text_input[0].input("999")
    [b for b in at.button if b.label == "Approve"][0].click().run()
    assert any("reason for a rate" in e.value for e in at.error)  # nothing written
    at.text_input[0].input(rate)
    at.number_input[0].set_value(2.0)
    [b for b in at.button if b.label == "Approve"][0].click().run()
    assert not at.exception
    assert any(f"Request #{req.id} approved" in s.value for s in at.success)
    assert any(f"Request #{req.id} approved" in t.value for t in at.toast)

    period = f"{date.today():%Y-%m}"
    billing = page("pages/billing_run.py", billing_env, user=ADMIN).run()
    billing.selectbox(key="billing-period").set_value(period).run()
    billing.button(key="run-billing").click().run()
    assert not billing.exception
    assert any("drafts created" in s.value for s in billing.success)
    lines = _lines(billing_env, req.id)
    assert len(lines) == 1 and lines[0][0] == "draft"
    assert lines[0][1].startswith(f"Out-of-scope request #{req.id}: replace the toner")
    billing.button(key="run-billing").click().run()
    assert len(_lines(billing_env, req.id)) == 1


def test_decline_needs_a_reason_and_the_technician_sees_it(billing_env):
    req = _record(billing_env, "replace the toner in the printer by the warehouse door")
    at = page(PAGE, billing_env, user=MANAGER).run()
    at.selectbox(key="oos-request").set_value(req.id).run()
    [b for b in at.button if b.label == "Decline"][0].click().run()
    assert any("reason for declining" in e.value for e in at.error)
    at.text_area[0].input("Warehouse is not on this contract")
    [b for b in at.button if b.label == "Decline"][0].click().run()
    assert any(f"Request #{req.id} declined" in s.value for s in at.success)
    assert not at.dataframe or req.id not in list(at.dataframe[0].value["request"])
    field = page("pages/field_view.py", billing_env, user=TECH).run()
    text = "\n".join(m.value for m in field.markdown)
    assert "**declined** (Warehouse is not on this contract)" in text
    assert _lines(billing_env, req.id) == []
