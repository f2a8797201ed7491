"""Issue 16 service credits on the pages: hand entry on the contract page, the credit report."""

from __future__ import annotations

import pytest

from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page


def _sla_tab(at):
    return at.tabs[2]


def test_contract_page_refuses_a_rule_without_a_measure_then_adds_it(billing_env):
    at = page("pages/contract_detail.py", billing_env, user=MANAGER, query={"id": "4"}).run()
    assert not at.exception
    before = len(_sla_tab(at).dataframe)
    at.text_input(key="cr-name").input("Resolution credit")
    at.selectbox(key="cr-trigger").set_value("sla_compliance_below")
    at.text_input(key="cr-threshold").input("95")
    at.text_input(key="cr-value").input("5")
    at.button(key="cr-add").click().run()
    assert not at.exception
    assert any("no measure" in e.value for e in at.error)
    at.selectbox(key="cr-metric").set_value("resolution")
    at.button(key="cr-add").click().run()
    assert not at.exception
    assert not at.error
    at = page("pages/contract_detail.py", billing_env, user=MANAGER, query={"id": "4"}).run()
    frames = [d.value for d in _sla_tab(at).dataframe]
    rules = next(f for f in frames if "trigger" in f.columns)
    assert "Resolution credit" in set(rules["name"]) and len(frames) >= before


def test_contract_page_records_availability_and_refuses_above_100(billing_env):
    at = page("pages/contract_detail.py", billing_env, user=ADMIN, query={"id": "5"}).run()
    at.text_input(key="av-pct").input("101")
    at.button(key="av-add").click().run()
    assert any("0 to 100" in e.value for e in at.error)
    at.text_input(key="av-pct").input("99.95")
    at.button(key="av-add").click().run()
    assert not at.exception and not at.error
    at = page("pages/contract_detail.py", billing_env, user=ADMIN, query={"id": "5"}).run()
    frames = [d.value for d in _sla_tab(at).dataframe]
    avail = next(f for f in frames if "availability %" in f.columns)
    assert [float(v) for v in avail["availability %"]] == [99.95]


def test_credit_report_page_shows_credits_evidence_and_files(billing_env):
    from datetime import date

    from access.roles import SYSTEM
    from db.billing.credit_rules import add_credit_rule
    from db.engine import open_store, session_scope
    from db.models import Contract

    with session_scope(open_store(billing_env)) as s:
        contract = s.get(Contract, 1)
        client_id = contract.client_id
        # under 100.01% response compliance: set off by any month with a decided target
        add_credit_rule(session=s, actor=SYSTEM, contract_id=1, name="Always on",
                        trigger="sla_compliance_below", metric="response", threshold="100.01",
                        credit_kind="amount", credit_value="1",
                        effective_from=date(2020, 1, 1))  # fmt: skip
    at = page("pages/sla_credits.py", billing_env, user=MANAGER).run()
    assert not at.exception and at.title[0].value == "SLA credit report"
    at.selectbox[1].set_value("2026-10")
    at.selectbox[0].set_value(client_id).run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["Credits due", "On the invoices", "Targets measured"]
    credits = at.dataframe[0].value
    assert "Always on" in set(credits["rule"])
    evidence = at.dataframe[1].value
    assert len(evidence) > 0 and set(evidence["result"]) <= {"met", "breached"}
    assert [b.label for b in at.get("download_button")] == ["CSV", "PDF"]


@pytest.mark.parametrize("user", [EXEC, TECH], ids=["executive", "technician"])
def test_credit_report_refuses_roles_without_billing(billing_env, user):
    at = page("pages/sla_credits.py", billing_env, user=user).run()
    assert any("may not work billing" in e.value for e in at.error)
    assert len(at.dataframe) == 0 and len(at.button) == 0
