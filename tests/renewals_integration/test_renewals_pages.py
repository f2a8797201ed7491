"""AppTest for the renewal pages over a private copy of the seeded demo store."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from db.engine import open_store, session_scope
from db.models import AuditEntry, Notification, RenewalOpportunity, RenewalTask, Setting
from notify.jobs import renewal_notices, renewal_tasks
from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

PAGES = ["pages/renewal_pipeline.py", "pages/renewal_tasks.py", "pages/outbox.py"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("user", [EXEC, TECH], ids=["executive", "technician"])
def test_roles_without_renewals_are_refused(renewals_store, path, user):
    at = page(path, renewals_store, user=user).run()
    assert not at.exception
    assert any("may not work renewals" in e.value for e in at.error)
    assert len(at.dataframe) == 0 and len(at.metric) == 0


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_refused(renewals_store, path):
    at = page(path, renewals_store).run()
    assert [e.value for e in at.error] == ["Please log in first."]


def test_pipeline_board_health_check_proposal_and_outcome(renewals_store):
    at = page("pages/renewal_pipeline.py", renewals_store, user=MANAGER, query={"id": "1"})
    at.run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    stages = {"90 days: health check", "60 days: proposal", "30 days: closing", "Lapsed",
              "Renewed", "Lost", "Active (> 90 days)", "Needs data"}  # fmt: skip
    assert set(labels[:8]) == stages
    assert sum(int(m.value) for m in at.metric[:8]) == 16  # every demo contract is placed
    assert [t.label for t in at.tabs] == ["Board", "At risk", "Needs data", "Forecast",
                                          "Contract", "Outcomes", "Health weights"]  # fmt: skip
    assert "Health score" in labels
    downloads = {b.label for b in at.get("download_button")}
    assert {"Proposal (PDF)", "Proposal (Markdown)"} <= downloads
    assert "Only admins change the weights." in [i.value for i in at.info]

    form_radio = next(r for r in at.radio if r.label == "Outcome")
    form_radio.set_value("lost")
    at.button(key="FormSubmitter:outcome-Record outcome").click().run()
    assert "A lost renewal needs a reason." in [e.value for e in at.error]
    next(t for t in at.text_input if t.label.startswith("Reason")).input("Budget cut")
    at.button(key="FormSubmitter:outcome-Record outcome").click().run()
    assert "Recorded: lost." in [s.value for s in at.success]
    with session_scope(open_store(renewals_store)) as s:
        opp = s.scalars(select(RenewalOpportunity).where(RenewalOpportunity.contract_id == 1)).one()
        assert (opp.outcome, opp.outcome_reason) == ("lost", "Budget cut")
        assert s.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "renewal_opportunity", AuditEntry.entity_id == opp.id,
            AuditEntry.field == "outcome")).one()  # fmt: skip


def test_weights_malformed_warns_and_admin_saves(renewals_store):
    with session_scope(open_store(renewals_store)) as s:
        s.merge(Setting(key="renewals.health_weights", value=[1, 2]))
    at = page("pages/renewal_pipeline.py", renewals_store, user=ADMIN).run()
    assert any("is malformed" in w.value for w in at.warning)
    at.number_input(key="w-payment").set_value(0.5)
    at.button(key="FormSubmitter:weights-Save weights").click().run()
    assert "Weights saved; scores recomputed." in [s.value for s in at.success]
    assert not any("is malformed" in w.value for w in at.warning)
    with session_scope(open_store(renewals_store)) as s:
        assert s.get(Setting, "renewals.health_weights").value["payment"] == 0.5


def test_tasks_mine_overdue_done(renewals_store):
    engine = open_store(renewals_store)
    renewal_tasks.run(engine, datetime.now(UTC))
    at = page("pages/renewal_tasks.py", renewals_store, user=MANAGER).run()
    assert not at.exception
    table = at.dataframe[0].value
    open_count = int(at.metric[0].value)
    assert open_count == len(table) > 0
    assert set(table["assignee"]) == {"Max Manager"}  # only the logged-in manager's
    assert len(at.toggle) == 1  # "everyone" is for admins
    next(b for b in at.button if b.label == "Mark done").click().run()
    assert int(at.metric[0].value) == open_count - 1
    with session_scope(engine) as s:
        assert s.scalars(select(RenewalTask.status).where(RenewalTask.status == "done")).one()
    admin = page("pages/renewal_tasks.py", renewals_store, user=ADMIN).run()
    admin.toggle(key="everyone").set_value(True).run()
    assert int(admin.metric[0].value) >= open_count - 1


def test_outbox_counts_preview_and_release(renewals_store):
    engine = open_store(renewals_store)
    renewal_notices.run(engine, datetime.now(UTC))
    with session_scope(engine) as s:
        first = s.scalars(select(Notification.id).order_by(Notification.id)).first()
        s.execute(update(Notification).where(Notification.id == first).values(
            status="uncertain", last_error="runner stopped"))  # fmt: skip
        s.execute(update(Notification).where(Notification.id == first + 1).values(
            status="failed", attempts=1,
            last_error="could not talk to SMTP server 127.0.0.1:1 (connect): refused"))  # fmt: skip
    at = page("pages/outbox.py", renewals_store, user=MANAGER).run()
    assert not at.exception
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["uncertain"] == 1 and counts["failed"] == 1 and counts["pending"] > 0
    assert any("could not talk to SMTP server" in e.value for e in at.error)
    assert any("may or may not have gone out" in w.value for w in at.warning)
    at.selectbox(key="message").set_value(first).run()
    assert any(t.value.startswith("Subject: ") for t in at.text)
    next(b for b in at.button if b.label.startswith("It arrived")).click().run()
    with session_scope(engine) as s:
        assert s.get(Notification, first).status == "sent"
        assert s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "notification")).one() == "release"  # fmt: skip
