"""Each typed editor of the review page under AppTest: a valid value is stored as the term's
normalized correction (read back by Apply unchanged); a bad one is refused with its message
and nothing is stored."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from db.clients_repo import create_client
from db.contracts_repo import create_contract
from db.documents.apply import accepted_terms
from db.documents.upload import store_upload
from db.engine import open_store, session_scope
from db.models import ExtractedTerm
from safe.text import md_msg
from tests.factories import ADMIN, contract_input
from tests.pages.conftest import ADMIN as ADMIN_LOGIN
from tests.pages.conftest import page
from ui.term_editors import field_label


@pytest.fixture
def doc(store_env, pdfs):
    """The msa_sla and block_hours PDFs uploaded for their client; field -> term id."""
    ids: dict[str, int] = {}
    docs = []
    for template in ("msa_sla", "block_hours"):
        data, expected = pdfs[template]
        with session_scope(open_store(store_env)) as s:
            client = create_client(session=s, actor=ADMIN, name=expected.customer)
            create_contract(
                session=s,
                actor=ADMIN,
                data=contract_input(
                    client.id,
                    reference=f"ED-{template}",
                    start_date=date(2025, 9, 1),
                    end_date=date(2026, 8, 31),
                ),
            )
            r = store_upload(session=s, actor=ADMIN, filename=f"{template}.pdf", data=data)
            docs.append(r.document_id)
            for t in s.scalars(
                select(ExtractedTerm).where(ExtractedTerm.document_id == r.document_id)
            ):
                ids.setdefault(t.field, t.id)
    return store_env, docs, ids


def _open(url: str, doc_id: int, term_id: int):
    at = page("pages/review.py", url, user=ADMIN_LOGIN, query={"doc": str(doc_id)}).run()
    at.radio(key=f"field-{doc_id}").set_value(term_id).run()
    assert not at.exception, at.exception
    return at


def _stored(url: str, term_id: int) -> tuple[str, str | None, object]:
    with session_scope(open_store(url)) as s:
        t = s.get(ExtractedTerm, term_id)
        live = accepted_terms(session=s, document_id=t.document_id).get(t.field)
        return t.review_state, t.corrected_value, live


def _doc_of(url: str, term_id: int) -> int:
    with session_scope(open_store(url)) as s:
        return s.get(ExtractedTerm, term_id).document_id


def _set(at, key: str, kind: str, value) -> None:
    if kind == "editor":  # a data editor takes its edits through the session state
        at.session_state[key] = value
    else:
        getattr(at, kind)(key=key).set_value(value)


# field, [(widget kind, key suffix, value)], what is stored (normalized), a bad input, its message
CASES = [
    (
        "expiration_date",
        [("date_input", "date", date(2027, 3, 31))],
        "2027-03-31",
        [("date_input", "date", None)],
        "Pick a date",
    ),
    (  # an end a party must give notice to reach: ticked, stored as the word
        "expiration_date",
        [("checkbox", "perpetual", True)],
        "perpetual",
        None,
        None,
    ),
    (
        "notice_period",
        [("number_input", "n", 45), ("selectbox", "unit", "day")],
        {"n": 45, "unit": "day"},
        [("number_input", "n", 0)],
        "must be more than zero",
    ),
    (
        "liability_cap",
        [("text_input", "amount", "750,000"), ("selectbox", "currency", "EUR")],
        {"amount": "750000.00", "currency": "EUR", "basis": None},
        [("text_input", "amount", "lots")],
        "is not a number",
    ),
    (
        "recurring_fees",
        [("text_input", "amount", "4100"), ("selectbox", "period", "quarter")],
        [{"amount": "4100.00", "currency": "USD", "period": "quarter"}],
        [("text_input", "amount", "-5")],
        "must be zero or more",
    ),
    (
        "coverage_hours",
        [
            ("multiselect", "days", ["mon", "tue", "wed", "thu", "fri"]),
            ("time_input", "start", time(8, 0)),
            ("time_input", "end", time(18, 0)),
            ("selectbox", "zone", "Central Time"),
        ],
        {
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "start": "08:00",
            "end": "18:00",
            "label": None,
            "holidays_excluded": False,
            "timezone": "Central Time",
        },
        [("multiselect", "days", [])],
        "at least one day",
    ),
    (
        "governing_law",
        [("text_input", "text", "Delaware")],
        "Delaware",
        [("text_input", "text", "  ")],
        "The value is empty",
    ),
    (
        "auto_renewal",
        [("radio", "bool", "No")],
        False,
        None,
        None,
    ),
    (
        "sla_targets",
        [("editor", "sla", {"edited_rows": {0: {"response": 15, "response_unit": "minute"}}})],
        None,  # checked below: P1 response 15 minutes, the rest as extracted
        [("editor", "sla", {"edited_rows": {0: {"resolution": 5, "resolution_unit": "minute"}}})],
        "P1: the resolution target is sooner than the response",
    ),
    (
        "included_services",
        [("editor", "list", {"added_rows": [{"item": "Firewall management"}]})],
        None,
        [("editor", "list", {"edited_rows": {1: {"item": "Help desk; Backups"}}})],
        "may not contain ';'",
    ),
    (
        "insurance",
        [("editor", "records", {"edited_rows": {0: {"minimum": "3000000"}}})],
        None,
        [("editor", "records", {"edited_rows": {0: {"currency": "dollars"}}})],
        "three-letter code",
    ),
    (
        "escalation",
        [("editor", "records", {"edited_rows": {0: {"phone": "+1 555 000 0000"}}})],
        None,
        [("editor", "records", {"edited_rows": {0: {"level": "first"}}})],
        "Level 'first' is not a number",
    ),
    (
        "termination_for_convenience",
        [("number_input", "notice-n", 30)],
        None,
        [("number_input", "notice-n", 0)],
        "must be more than zero",
    ),
]


@pytest.mark.parametrize(("field", "good", "stored", "bad", "message"), CASES)
def test_each_editor_stores_a_checked_value_and_refuses_a_bad_one(
    doc, field, good, stored, bad, message
):
    url, _, ids = doc
    term_id = ids[field]
    doc_id = _doc_of(url, term_id)
    with session_scope(open_store(url)) as s:
        before = s.get(ExtractedTerm, term_id).normalized
    if bad is not None:
        at = _open(url, doc_id, term_id)
        for kind, suffix, value in bad:
            _set(at, f"edit-{term_id}-{suffix}", kind, value)
        at.button(key=f"accept-{term_id}").click().run()
        assert not at.exception, at.exception
        [error] = at.error
        assert md_msg(message) in error.value and error.value.endswith(".")
        assert _stored(url, term_id)[:2] in {("pending", None), ("auto_accepted", None)}
    at = _open(url, doc_id, term_id)
    for kind, suffix, value in good:
        _set(at, f"edit-{term_id}-{suffix}", kind, value)
    at.button(key=f"accept-{term_id}").click().run()
    assert not at.exception, at.exception
    assert not at.error
    state, text, live = _stored(url, term_id)
    if field == "sla_targets":
        stored = {**before, "P1": {**before["P1"], "response": {"n": 15, "unit": "minute"}}}
    elif field == "included_services":
        stored = [*before, "Firewall management"]
    elif field == "insurance":
        stored = [{**before[0], "minimum": "3000000.00"}, *before[1:]]
    elif field == "escalation":
        first = {**before["contacts"][0], "phone": "+1 555 000 0000"}
        stored = {**before, "contacts": [first, *before["contacts"][1:]]}
    elif field == "termination_for_convenience":
        stored = {**before, "notice": {"n": 30, "unit": "day"}}
    assert state == "corrected"
    assert live == stored  # what Apply reads: the normalized shape extraction produces


def test_an_unchanged_value_is_accepted_not_corrected(doc):
    url, _, ids = doc
    term_id = ids["sla_targets"]
    at = _open(url, _doc_of(url, term_id), term_id)
    at.button(key=f"accept-{term_id}").click().run()
    assert not at.exception, at.exception
    assert _stored(url, term_id)[:2] == ("accepted", None)


def test_the_next_pending_term_comes_up_after_an_action(doc):
    url, docs, ids = doc
    at = page("pages/review.py", url, user=ADMIN_LOGIN, query={"doc": str(docs[0])}).run()
    first = at.radio(key=f"field-{docs[0]}").value
    at.button(key=f"reject-{first}").click().run()
    assert not at.exception, at.exception
    assert _stored(url, first)[0] == "rejected"
    assert at.radio(key=f"field-{docs[0]}").value not in (first, None)
    assert [t.value for t in at.toast] == [f"Rejected: {_field(url, first)}."]


def _field(url: str, term_id: int) -> str:
    with session_scope(open_store(url)) as s:
        return field_label(s.get(ExtractedTerm, term_id).field)


def test_low_confidence_terms_are_marked_in_words(doc):
    url, docs, ids = doc
    at = page("pages/review.py", url, user=ADMIN_LOGIN, query={"doc": str(docs[0])}).run()
    labels = at.radio(key=f"field-{docs[0]}").options
    with session_scope(open_store(url)) as s:
        confidences = [
            t.confidence
            for t in s.scalars(
                select(ExtractedTerm)
                .where(ExtractedTerm.document_id == docs[0])
                .order_by(ExtractedTerm.id)
            )
        ]
    marked = sum("**low**" in label for label in labels)
    assert marked == sum(c < 0.95 for c in confidences) > 0
    [warning] = [w.value for w in at.warning if "Low confidence" in w.value]
    assert "below 95%" in warning
