"""Jobs that one bad row cannot stop: a contract in an open renewal stage with no account
manager (the New contract form's default) used to crash `jobs run` with
``AttributeError: 'float' object has no attribute 'strip'`` and stop every later job."""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.jobs import run_jobs
from db.job_issues import issues_frame
from db.models import Contract, JobIssue, Notification
from db.outbox import enqueue
from db.renewals.notices import enqueue_renewal_notices
from notify.render import Email
from tests.renewals_integration.conftest import make_book

ALL = Namespace(only=None, no_send=False)
RENEWALS = Namespace(only=["renewal_tasks", "renewal_notices"], no_send=False)


def _env(monkeypatch, engine, host, port) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SMTP_HOST", host)
    monkeypatch.setenv("SMTP_PORT", str(port))


def _no_manager(engine, ref: str) -> None:
    with Session(engine) as s:
        c = s.scalars(select(Contract).where(Contract.reference == ref)).one()
        c.account_manager_id = None
        s.commit()


def test_enqueue_ignores_nan_and_none_recipients(session):
    email = Email(subject="s", text="t", html="", attachments=(), to=())
    added = enqueue(session=session, key="k", rule="r", email=email,
                    recipients=[float("nan"), None, "  ", "a@x.example"],
                    now=datetime.now(UTC))  # fmt: skip
    assert added == 1
    assert session.scalars(select(Notification.recipient)).all() == ["a@x.example"]


def test_contract_without_manager_is_listed_and_the_others_still_go(engine, session):
    now = datetime.now(UTC)
    make_book(session, now)
    _no_manager(engine, "C-1")
    with Session(engine) as s:
        from db.renewals.tasks import generate_tasks

        generate_tasks(session=s, now=now)
        report = enqueue_renewal_notices(session=s, now=now)
        s.commit()
    assert report.no_recipient >= 1
    with Session(engine) as s:
        issues = s.scalars(select(JobIssue)).all()
        frame = issues_frame(session=s)
    [issue] = [i for i in issues if i.item.endswith(":manager")]
    assert issue.kind == "needs_data" and issue.job == "renewal_notices"
    assert "no account manager" in issue.reason
    assert "C-1" in frame["contract"].tolist()
    # the client notice of C-1 still went in (it does not need the manager)
    with Session(engine) as s:
        rules = s.scalars(select(Notification.rule)).all()
    assert "client_renewal_notice" in rules


def test_jobs_run_does_not_crash_and_delivers(engine, smtp_server, monkeypatch, capsys):
    with Session(engine) as s:
        make_book(s, datetime.now(UTC))
    _no_manager(engine, "C-1")
    _env(monkeypatch, engine, smtp_server.host, smtp_server.port)
    assert run_jobs(RENEWALS) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "renewal_notices:" in out.out
    assert "outbox: " in out.out and smtp_server.recorder.messages


def test_needs_data_list_empties_when_fixed(engine, session):
    now = datetime.now(UTC)
    book = make_book(session, now)
    _no_manager(engine, "C-1")
    from db.renewals.tasks import generate_tasks

    with Session(engine) as s:
        generate_tasks(session=s, now=now)
        enqueue_renewal_notices(session=s, now=now)
        s.commit()
    with Session(engine) as s:
        assert s.scalars(select(JobIssue)).all()
        c = s.get(Contract, book.ids["C-1"])
        c.account_manager_id = book.manager.user_id
        s.commit()
    with Session(engine) as s:
        enqueue_renewal_notices(session=s, now=now)
        s.commit()
    with Session(engine) as s:
        assert not [i for i in s.scalars(select(JobIssue)) if i.item.endswith(":manager")]


def test_one_failing_job_does_not_stop_the_others(engine, smtp_server, monkeypatch, capsys):
    import notify.jobs

    with Session(engine) as s:
        make_book(s, datetime.now(UTC))
    _env(monkeypatch, engine, smtp_server.host, smtp_server.port)
    real = notify.jobs.discover

    def boom(engine, now):
        raise RuntimeError("bad row 7")

    monkeypatch.setattr(notify.jobs, "discover", lambda: [("boom", boom), *real()])
    code = run_jobs(Namespace(only=["boom", "renewal_tasks", "renewal_notices"], no_send=False))
    out = capsys.readouterr()
    assert code == 1  # something failed
    assert "boom: failed (RuntimeError: bad row 7)" in out.err
    assert "Traceback" not in out.err
    assert "renewal_notices:" in out.out and smtp_server.recorder.messages  # others ran


def test_exit_1_when_every_send_failed(engine, monkeypatch, capsys):
    with Session(engine) as s:
        make_book(s, datetime.now(UTC))
    _env(monkeypatch, engine, "127.0.0.1", 1)
    assert run_jobs(RENEWALS) == 1
    assert "to retry" in capsys.readouterr().out


def test_outbox_page_shows_the_needs_data_list(engine, session, monkeypatch):
    from tests.pages.conftest import page, serving

    now = datetime.now(UTC)
    book = make_book(session, now)
    _no_manager(engine, "C-1")
    from db.renewals.tasks import generate_tasks

    with Session(engine) as s:
        generate_tasks(session=s, now=now)
        enqueue_renewal_notices(session=s, now=now)
        s.commit()
    url = engine.url.render_as_string(hide_password=False)
    with serving(url, monkeypatch):
        at = page("pages/outbox.py", url)
        at.session_state["actor"] = book.manager
        at.run()
    assert not at.exception
    assert any(h.value.startswith("Needs data (") for h in at.subheader)
    shown = [d.value for d in at.dataframe]
    assert any("no account manager" in " ".join(df["reason"].astype(str)) for df in shown)
