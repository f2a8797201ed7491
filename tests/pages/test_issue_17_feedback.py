"""Issue 17 item 7: long actions show a status with progress, then say what changed."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from db.engine import open_store, session_scope
from db.models import Contract
from tests.pages.conftest import ADMIN, MANAGER, page, private_copy, serving

DATA = Path(__file__).parents[1] / "data"
SHEET = (
    b"Company Name,Agreement Name,Agreement Type,Date Start,Date End,Amount,Billing Cycle\n"
    b"Lakeside Vets,Lakeside managed IT,Managed Services,2026-04-01,2027-03-31,1500,Monthly\n"
)


def _complete(at) -> list[str]:
    return [s.label for s in at.status if s.state == "complete"]


def test_billing_run_shows_progress_and_a_summary(demo_url, tmp_path, monkeypatch):
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        at = page("pages/billing_run.py", url, user=ADMIN).run()
        at.button(key="run-billing").click().run()
        assert not at.exception
        (label,) = _complete(at)
        assert label.startswith("Run ") and "drafts created" in label
        assert any(p.value == 100 for p in at.progress)  # the bar ran to the end
        assert [t.value for t in at.toast] == [label]
        assert label in [s.value for s in at.success]  # stays on the page after the toast


def test_contract_import_preview_and_import_report_what_changed(demo_url, tmp_path, monkeypatch):
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        at = page("pages/contract_import.py", url, user=MANAGER).run()
        at.file_uploader[0].upload("agreements.csv", SHEET, "text/csv")
        at.selectbox[0].select("connectwise")
        at.button[0].click().run()
        assert _complete(at) == ["Preview: 1 would be created"]
        next(b for b in at.button if b.label == "Import these rows").click().run()
        assert not at.exception
        assert at.subheader[0].value == "Imported: 1 created"


def test_proposal_and_credit_report_say_when_they_are_ready(app_env):
    at = page("pages/renewal_pipeline.py", app_env, user=MANAGER, query={"id": "1"}).run()
    assert not at.exception
    assert any(s.startswith("Proposal ready for ") for s in _complete(at))
    credits = page("pages/sla_credits.py", app_env, user=MANAGER).run()
    with session_scope(open_store(app_env)) as s:
        client_id = s.get(Contract, 1).client_id
    credits.selectbox[0].set_value(client_id).run()
    assert not credits.exception
    (label,) = _complete(credits)
    assert "measured targets" in label and label.split()[0].isdigit()


def _failing_job() -> None:
    import streamlit as st

    from ui.feedback import job

    try:
        with job("Importing") as running:
            running.step(0.5, "half way")
            raise ValueError("row 3 is not a date")
    except ValueError as exc:
        st.error(str(exc))


def test_a_failed_job_is_marked_failed_and_keeps_the_error():
    at = AppTest.from_function(_failing_job).run()
    assert not at.exception
    assert [(s.label, s.state) for s in at.status] == [("Importing failed", "error")]
    assert [p.value for p in at.progress] == [50]
    assert [e.value for e in at.error] == ["row 3 is not a date"]


def test_bulk_upload_says_how_many_files_did_what(demo_url, tmp_path, monkeypatch):
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        at = page("pages/upload.py", url, user=ADMIN).run()
        pdf = (DATA / "empty.pdf").read_bytes()
        at.file_uploader[0].upload("empty.pdf", pdf, "application/pdf").run()
        next(b for b in at.button if b.label == "Upload and extract").click().run()
        assert not at.exception
        assert [t.value for t in at.toast] == ["1 file: 0 ok, 1 failed, 0 duplicate"]
