"""End to end in real Chromium: a new user reviews a 27-term contract with the typed editors
(a date, a duration by keyboard, an SLA cell in the grid), accepts the rest, previews and
applies; prints the time taken; the contract then has exactly what was reviewed."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from db.clients_repo import create_client
from db.contracts_repo import create_contract
from db.documents.upload import store_upload
from db.engine import open_store, session_scope
from db.models import Contract, ExtractedTerm, SlaPolicy
from demo.contract_pdfs import DemoContractSpec, generate_contract
from demo.seed import SeedSize, seed
from tests.conftest import TODAY
from tests.e2e.conftest import login, serve_app
from tests.factories import ADMIN, contract_input

pytestmark = pytest.mark.browser
PORT = 8621  # this test's own port


@pytest.fixture(scope="module")
def review_app(tmp_path_factory):
    """A small seeded store with one uploaded msa_sla PDF linked to its client's contract."""
    folder = tmp_path_factory.mktemp("review_e2e")
    url = f"sqlite:///{folder / 'demo.db'}"
    seed(
        open_store(url),
        seed=5,
        size=SeedSize(clients=3, contracts=4, tickets=200, technicians=2),
        today=TODAY,
    )
    pdf = folder / "northwind_msa.pdf"
    expected = generate_contract(DemoContractSpec("msa_sla", seed=101, pages=3), pdf)
    with session_scope(open_store(url)) as s:
        client = create_client(session=s, actor=ADMIN, name=expected.customer)
        contract = create_contract(
            session=s,
            actor=ADMIN,
            data=contract_input(
                client.id,
                reference="REV-1",
                start_date=date(2025, 2, 1),
                end_date=date(2027, 2, 1),
                currency="USD",
            ),
        )
        contract_id = contract.id
        r = store_upload(session=s, actor=ADMIN, filename=pdf.name, data=pdf.read_bytes())
        assert r.contract_id == contract_id
        doc_id = r.document_id
    with serve_app(url, PORT) as base:
        yield base, url, doc_id, contract_id


def _terms(url: str, doc_id: int) -> dict[str, ExtractedTerm]:
    with session_scope(open_store(url)) as s:
        rows = s.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == doc_id)).all()
        s.expunge_all()
        return {t.field: t for t in rows}


def _no_pending_within(url: str, doc_id: int, *, seconds: float) -> None:
    """Wait until the store (not only the screen) holds no pending term of the document."""
    deadline = time.monotonic() + seconds
    while {t.review_state for t in _terms(url, doc_id).values()} & {"pending"}:
        assert time.monotonic() < deadline, "Accept all pending left pending terms"
        time.sleep(0.5)


def _pick(page, label: str) -> None:
    """Choose a field in the term list (the radio beside the page image)."""
    page.locator('[data-testid="stRadio"] label').filter(has_text=label).first.click()
    page.get_by_text("As written:").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def _saved(page, text: str) -> None:
    page.locator('[data-testid="stToast"]').filter(has_text=text).first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def test_a_new_user_reviews_a_contract_with_typed_editors(review_app, browser, tmp_path):
    base, url, doc_id, contract_id = review_app
    terms = _terms(url, doc_id)
    assert len(terms) >= 20
    ids = {f: t.id for f, t in terms.items()}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    login(page, base, "admin", "demo-admin-pass")
    for _ in range(60):  # the login cookie keeps the user signed in across the deep link
        if any(c["name"] == "contract_desk_login" for c in context.cookies()):
            break
        page.wait_for_timeout(250)
    page.goto(f"{base}/review?doc={doc_id}")
    page.get_by_role("heading", name="Review terms").wait_for(timeout=30_000)
    page.locator('[data-testid="stImage"] img').first.wait_for(timeout=30_000)
    started = time.monotonic()

    # a date: typed into the date editor
    _pick(page, "expiration date")
    page.locator(f".st-key-edit-{ids['expiration_date']}-date [data-type='year']").click()
    page.keyboard.type("20280201")  # year, month, day: each segment moves to the next
    page.locator(f".st-key-accept-{ids['expiration_date']} button").click()
    _saved(page, "Expiration date: corrected.")

    # a duration: number typed, Enter submits the form
    _pick(page, "notice period")
    number = page.locator(f".st-key-edit-{ids['notice_period']}-n input")
    page.wait_for_function(  # the form's first field has the keyboard: no click needed
        "k => document.activeElement && document.activeElement.closest(k) !== null",
        arg=f".st-key-edit-{ids['notice_period']}-n",
        timeout=15_000,
    )
    number.fill("45")
    number.press("Enter")
    _saved(page, "Notice period: corrected.")

    # an SLA cell: P1 response 30 -> 15 (minutes) in the grid
    _pick(page, "sla targets")
    grid = page.locator(f".st-key-edit-{ids['sla_targets']}-sla [data-testid='stDataFrame']")
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    frame = grid.bounding_box()
    assert frame is not None
    # columns: row selector (~33 px), Priority, Response: the P1 response cell, 35 px rows
    cell_editor = page.locator("#portal input, #portal textarea").first  # glide's overlay
    for _ in range(3):  # a busy page may swallow the first double click
        page.mouse.dblclick(frame["x"] + 170, frame["y"] + 35 + 17)
        try:
            cell_editor.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
    cell_editor.fill("15")
    cell_editor.press("Enter")
    page.wait_for_timeout(500)
    page.locator(f".st-key-accept-{ids['sla_targets']} button").click()
    _saved(page, "SLA targets: corrected.")

    # the rest: accepted at once, then previewed and applied
    page.get_by_role("button", name="Accept all pending").click()
    # "\b0": the count line says "20 pending" before the click lands, which " 0 pending" matched
    page.get_by_text(re.compile(r"\b0 pending")).first.wait_for(timeout=30_000)
    _no_pending_within(url, doc_id, seconds=30)
    page.get_by_role("button", name="Preview changes").click()
    page.get_by_role("heading", name="Preview: what Apply would change").wait_for(timeout=60_000)
    refusals = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not refusals, refusals
    page.get_by_role("button", name="Apply accepted terms to contract").click()
    page.get_by_text("Applied:").first.wait_for(timeout=60_000)
    took = time.monotonic() - started
    print(
        f"\nreviewed {len(terms)} terms (3 corrected, the rest accepted) and applied: {took:.1f} s"
    )
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    assert page.locator("textarea").count() == 0  # no raw JSON was needed (or offered)
    context.close()

    after = _terms(url, doc_id)
    assert {t.review_state for t in after.values()} <= {"accepted", "corrected", "auto_accepted"}
    corrected = {f: t.corrected_value for f, t in after.items() if t.review_state == "corrected"}
    assert set(corrected) == {"expiration_date", "notice_period", "sla_targets"}
    assert corrected["expiration_date"] == "2028-02-01"
    assert corrected["notice_period"] == "45 day"
    with session_scope(open_store(url)) as s:
        contract = s.get(Contract, contract_id)
        assert contract.end_date == date(2028, 2, 1)
        assert contract.notice_days == 45
        policy = s.scalars(
            select(SlaPolicy)
            .where(SlaPolicy.contract_id == contract_id)
            .order_by(SlaPolicy.id.desc())
        ).first()
        targets = {t.priority: (t.response_minutes, t.resolution_minutes) for t in policy.targets}
    assert targets["P1"] == (15, 240)  # the edited cell; resolution as extracted (4 hours)
    assert targets["P2"] == (60, 480)
