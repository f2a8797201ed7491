"""Issue 16 item 6 on a page: tax rates added and refused there, a client's country set there,
and the next billing run's drafts carry the rate."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.billing.run import run_billing
from db.engine import open_store, session_scope
from db.models import Client, Contract, Invoice, InvoiceLine, TaxRate
from tests.conftest import TODAY
from tests.factories import ADMIN as ADMIN_ACTOR
from tests.pages.conftest import (
    ADMIN,
    EXEC,
    demo_url,  # noqa: F401 - fixture
    page,
    private_copy,
    serving,
)

PATH = "pages/tax_rates.py"


@pytest.fixture
def tax_env(demo_url, tmp_path, monkeypatch):  # noqa: F811
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        yield url


def _rates(url):
    with session_scope(open_store(url)) as s:
        rows = s.scalars(select(TaxRate))
        return [(r.name, r.kind, float(r.rate), r.country, r.client_id) for r in rows]


def test_rates_added_refused_and_billed(tax_env):
    with session_scope(open_store(tax_env)) as s:
        client_id, name = s.execute(
            select(Client.id, Client.name).join(Contract, Contract.client_id == Client.id)
            .order_by(Client.id).limit(1)
        ).one()  # fmt: skip
    before = _rates(tax_env)
    at = page(PATH, tax_env, user=ADMIN).run()
    assert not at.exception and at.title[0].value == "Tax rates"
    # a reverse charge charges nothing: a rate of 20% is refused and nothing is written
    at.text_input(key="tax-name").input("Reverse charge")
    at.selectbox(key="tax-kind").set_value("reverse_charge")
    at.number_input(key="tax-rate").set_value(20.0)
    at.text_input(key="tax-country").input("DE")
    at.button(key="tax-save").click().run()
    assert any("rate must be 0" in e.value and "Nothing was saved" in e.value for e in at.error)
    assert _rates(tax_env) == before
    # an unknown country is named
    at.selectbox(key="tax-kind").set_value("vat")
    at.text_input(key="tax-name").input("VAT")
    at.text_input(key="tax-country").input("XX")
    at.button(key="tax-save").click().run()
    assert any("'XX' is not an ISO 3166" in e.value for e in at.error)
    # VAT 20% for GB from the start of last year, and the client moved to GB
    at.text_input(key="tax-country").input("GB")
    at.date_input(key="tax-from").set_value(date(TODAY.year - 1, 1, 1))
    at.button(key="tax-save").click().run()
    assert not at.exception and not at.error
    assert any("Tax rate VAT 20% added" in m.value for m in at.success)
    assert ("VAT", "vat", 20.0, "GB", None) in _rates(tax_env)
    at.selectbox(key="cc-client").set_value(client_id)
    at.text_input(key="cc-code").input("gb")
    at.button(key="cc-save").click().run()
    assert any(f"{name}: country set to GB" in m.value for m in at.success)
    shown = at.dataframe[0].value
    assert {"GB"} <= set(shown["for"]) and "id" not in shown.columns
    # downstream: the next billing run's draft for that client carries a 20% tax line
    period = f"{TODAY:%Y-%m}"  # the seed issued everything before; this month is drafted
    with session_scope(open_store(tax_env)) as s:
        run_billing(session=s, actor=ADMIN_ACTOR, period=period)
        s.commit()
        lines = s.execute(
            select(InvoiceLine.kind, InvoiceLine.amount)
            .join(Invoice, InvoiceLine.invoice_id == Invoice.id)
            .where(Invoice.client_id == client_id, Invoice.status == "draft")
        ).all()  # fmt: skip
    taxed = sum(a for k, a in lines if k != "tax")
    tax = [a for k, a in lines if k == "tax"]
    assert tax and abs(sum(tax) - taxed * 20 / 100) <= len(lines) * 0.01, lines


@pytest.mark.parametrize("user", [EXEC], ids=["executive"])
def test_roles_without_billing_work_are_refused(tax_env, user):
    at = page(PATH, tax_env, user=user).run()
    assert any("may not work billing" in e.value for e in at.error)
    assert len(at.dataframe) == 0
