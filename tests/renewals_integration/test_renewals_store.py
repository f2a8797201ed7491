"""Renewals against the real store (SQLite and PostgreSQL): pipeline, jobs run twice,
opt-out, proposal, tasks, outcomes and weights, each change audited."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pdfplumber
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import PermissionDenied
from db.engine import session_scope
from db.models import AuditEntry, Contract, Notification, RenewalOpportunity, RenewalTask, Setting
from db.outbox_views import outbox_overview
from db.renewals.outcomes import record_outcome, renewal_outcomes
from db.renewals.pipeline import renewal_pipeline
from db.renewals.proposals import renewal_proposal
from db.renewals.tasks import complete_task, snooze_task, task_list
from db.renewals.weights import WEIGHTS_KEY, health_weights, set_health_weights
from notify.jobs import renewal_notices, renewal_tasks
from tests.factories import ADMIN
from tests.renewals_integration.conftest import make_book

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def book(engine):
    with Session(engine) as s:
        return make_book(s, NOW)


def _count(engine, model, *where) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_pipeline_places_every_contract_and_lists_needs_data(engine, book):
    with session_scope(engine) as s:
        p = renewal_pipeline(session=s, actor=book.manager, now=NOW)
    stage = dict(zip(p.contracts["reference"], p.contracts["stage"], strict=True))
    assert stage == {"C-1": "proposal", "C-2": "proposal", "C-3": "needs_data",
                     "C-4": "health_check"}  # fmt: skip
    assert p.needs_data["reference"].tolist() == ["C-3"]
    assert p.needs_data["reason"].tolist() == ["no end date"]
    c4 = p.contracts.set_index("reference").loc["C-4"]
    assert c4["key_date"] == date(2027, 2, 1) and c4["notice_deadline"] == date(2027, 2, 1)
    assert c4["days_to_key_date"] == 70
    acme = p.contracts.set_index("reference").loc["C-1"]
    assert 0 < acme["health"] <= 100 and acme["account_manager"] == "Mona"
    assert p.forecast["currency"].tolist() == ["GBP"] and p.forecast["contracts"].iloc[0] == 3
    assert p.counts["needs_data"] == 1 and sum(p.counts.values()) == 4


def test_jobs_are_idempotent_and_respect_opt_out(engine, book):
    first = renewal_tasks.run(engine, NOW), renewal_notices.run(engine, NOW)
    tasks = _count(engine, RenewalTask)
    messages = _count(engine, Notification)
    second = renewal_tasks.run(engine, NOW), renewal_notices.run(engine, NOW)
    assert second[0] == "0 renewal task(s) added"
    assert second[1].startswith("0 reminders, 0 client notices queued")
    assert (_count(engine, RenewalTask), _count(engine, Notification)) == (tasks, messages)
    assert first[0] == f"{tasks} renewal task(s) added" and tasks == 5  # C-1, C-2: 90 + 60; C-4: 90
    with Session(engine) as s:
        assignees = set(s.scalars(select(RenewalTask.assignee_id)))
        assert assignees == {book.manager.user_id}
        rows = s.scalars(select(Notification).order_by(Notification.id)).all()
        to = {(n.rule, n.recipient) for n in rows}
        clients = {r for rule, r in to if rule == "client_renewal_notice"}
        acme = s.get(Contract, book.ids["C-1"]).client_id
        assert clients == {f"esc1@{acme}.example"}  # level 1 only; Quiet Ltd opted out
        assert ("renewal_reminder", "mona@desk.example") in to
        notice = next(n for n in rows if n.rule == "client_renewal_notice")
        key = f"client_renewal_notice:{book.ids['C-1']}:2026-11-08"
        assert notice.key == f"{key}|{notice.recipient}"
        [attachment] = notice.attachments
        assert attachment.filename == "performance-report-C-1.pdf"
        assert attachment.content.startswith(b"%PDF")
    assert "1 opted out" in first[1]


def test_proposal_pdf_and_markdown_recorded_on_the_opportunity(engine, book, tmp_path):
    with session_scope(engine) as s:
        files = renewal_proposal(session=s, actor=book.manager, contract_id=book.ids["C-1"],
                                    now=NOW)  # fmt: skip
    path = tmp_path / "p.pdf"
    path.write_bytes(files.pdf)
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Renewal proposal: Acme Dental" in text and "Proposed price" in text
    assert files.markdown.startswith("# Renewal proposal: Acme Dental")
    assert f"GBP {files.proposed_price:,.2f}" in files.markdown
    with Session(engine) as s:
        opp = s.scalars(select(RenewalOpportunity)).one()
        assert opp.outcome == "open" and opp.term_end == date(2027, 1, 7)
        assert opp.proposed_value == (files.proposed_price * 12).quantize(Decimal("0.01"))
        fields = set(s.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "renewal_opportunity")))  # fmt: skip
        assert fields == {"proposed_value", "health_score"}


def test_task_done_and_snooze_are_audited_and_owned(engine, book):
    renewal_tasks.run(engine, NOW)
    with session_scope(engine) as s:
        mine = task_list(session=s, actor=book.manager, today=NOW.date())
        assert len(mine) == 5 and mine["overdue"].all()  # all due dates are behind us
        assert task_list(session=s, actor=book.other, today=NOW.date()).empty
        with pytest.raises(PermissionDenied):
            task_list(session=s, actor=book.manager, everyone=True, today=NOW.date())
        first, second = int(mine["id"].iloc[0]), int(mine["id"].iloc[1])
        with pytest.raises(PermissionDenied, match="someone else"):
            complete_task(session=s, actor=book.other, task_id=first, now=NOW)
        complete_task(session=s, actor=book.manager, task_id=first, now=NOW)
        new_due = snooze_task(session=s, actor=book.manager, task_id=second, days=7,
                                 today=NOW.date())  # fmt: skip
        assert new_due == NOW.date() + timedelta(days=7)
    with session_scope(engine) as s:
        left = task_list(session=s, actor=ADMIN, everyone=True, today=NOW.date())
        assert len(left) == 4 and left["overdue"].sum() == 3
        changes = s.execute(select(AuditEntry.field, AuditEntry.new_value).where(
            AuditEntry.entity == "renewal_task").order_by(AuditEntry.id)).all()  # fmt: skip
        assert changes == [("status", "done"), ("status", "snoozed"),
                           ("snoozed_until", "2026-11-30")]  # fmt: skip
    assert renewal_tasks.run(engine, NOW + timedelta(days=1)) == "0 renewal task(s) added"


def test_outcomes_validate_then_count(engine, book):
    c1, c2, c4 = book.ids["C-1"], book.ids["C-2"], book.ids["C-4"]
    with session_scope(engine) as s:
        with pytest.raises(ValueError, match="needs a reason"):
            record_outcome(session=s, actor=book.manager, contract_id=c1, outcome="lost",
                              reason="  ", now=NOW)  # fmt: skip
        with pytest.raises(ValueError, match="new terms"):
            record_outcome(session=s, actor=book.manager, contract_id=c1,
                              outcome="renegotiated", now=NOW)  # fmt: skip
    assert _count(engine, RenewalOpportunity) == 0  # nothing partially written
    with session_scope(engine) as s:
        record_outcome(session=s, actor=book.manager, contract_id=c1, outcome="renegotiated",
                          new_contract_id=c4, now=NOW)  # fmt: skip
        record_outcome(session=s, actor=book.manager, contract_id=c2, outcome="lost",
                          reason="Moved in-house", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        rates = renewal_outcomes(session=s, actor=book.manager, start=date(2026, 1, 1),
                                    end=date(2026, 12, 31)).iloc[0]  # fmt: skip
        p = renewal_pipeline(session=s, actor=book.manager, now=NOW)
    assert (rates["decided"], rates["renegotiated"], rates["lost"]) == (2, 1, 1)
    assert rates["renewal rate"] == 0.5 and rates["lost reasons"] == "Moved in-house (1)"
    assert rates["value retained"] == Decimal("60000.00")  # C-4's value (factory default)
    stage = dict(zip(p.contracts["reference"], p.contracts["stage"], strict=True))
    assert (stage["C-1"], stage["C-2"]) == ("renewed", "lost")


def test_weights_setting_malformed_admin_only(engine, book):
    with session_scope(engine) as s:
        s.add(Setting(key=WEIGHTS_KEY, value={"sla": "lots"}))
    with session_scope(engine) as s:
        p = renewal_pipeline(session=s, actor=book.manager, now=NOW)
        assert "malformed" in p.weights_problem and p.weights["sla"] == 0.30
        with pytest.raises(PermissionDenied):
            set_health_weights(session=s, actor=book.manager, weights={"sla": 1})
        with pytest.raises(ValueError, match="unknown components"):
            set_health_weights(session=s, actor=ADMIN, weights={"vibes": 1})
        set_health_weights(session=s, actor=ADMIN, weights={"sla": 1, "payment": 0})
    with session_scope(engine) as s:
        weights, problem = health_weights(session=s)
        assert problem is None and (weights.sla, weights.payment) == (1.0, 0.0)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.field == WEIGHTS_KEY)) == 1  # fmt: skip


def test_roles_without_renewals_are_refused(engine, book):
    from tests.factories import actor

    with session_scope(engine) as s:
        for role in ("executive", "technician"):
            with pytest.raises(PermissionDenied):
                renewal_pipeline(session=s, actor=actor(role), now=NOW)
            with pytest.raises(PermissionDenied):
                outbox_overview(session=s, actor=actor(role))
