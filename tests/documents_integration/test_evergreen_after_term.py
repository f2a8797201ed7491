"""A contract whose initial term runs on until notice ('for a term of one year; thereafter it
shall continue until terminated') reaches the store as evergreen after its initial term: in
force past the initial end, a ticket then still covered, notice never ending it early."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import select

from contracts.term import TERM_FIELDS, last_day
from db.documents.apply import apply_to_contract
from db.documents.review import review_term
from db.documents.upload import store_upload
from db.models import Contract, ExtractedTerm
from db.renewals.pipeline import renewal_pipeline
from db.sla.entitlements import entitlements
from tests.factories import ADMIN, make_contract

HEAD = (
    "# SUPPORT SERVICES AGREEMENT\n\n"
    "This Support Services Agreement is made on March 1, 2024 between Acme Support Inc.\n"
    "and Beta Dental LLC.\n\n"
    "## 1. Term\n\n"
)
RUNS_ON = [
    "This Agreement shall commence on March 1, 2024 and continue for an initial term of one (1)\n"
    "year; thereafter, it shall automatically continue until terminated by either party upon\n"
    "not less than sixty (60) days prior written notice to the other party.\n",
    # no 'automatically': nothing says it renews, only that it runs on
    "This Agreement begins on March 1, 2024 and shall continue for an initial term of one (1)\n"
    "year and indefinitely after that until terminated by either party giving at least sixty\n"
    "(60) days' prior written notice.\n",
]


@pytest.mark.parametrize("wording", RUNS_ON)
def test_a_term_that_runs_on_until_notice_keeps_the_contract_in_force(session, wording):
    _, c = make_contract(session, name="Beta Dental LLC", start_date=date(2024, 3, 1),
                         end_date=None, timezone="America/New_York")  # fmt: skip
    data = (HEAD + wording).encode()
    r = store_upload(session=session, actor=ADMIN, filename="support.md", data=data)
    assert r.status == "ok", r.message
    terms = {t.field: t for t in session.scalars(
        select(ExtractedTerm).where(ExtractedTerm.document_id == r.document_id))}  # fmt: skip
    assert terms["renewal_term"].normalized == "perpetual"
    assert terms["expiration_date"].normalized == "2025-03-01"  # start + the initial term
    for t in terms.values():
        if t.review_state == "pending":
            review_term(session=session, actor=ADMIN, term_id=t.id, action="accept")
    c = session.get(Contract, c.id)
    apply_to_contract(session=session, actor=ADMIN, document_id=r.document_id, contract_id=c.id,
                      expected_version=c.version, today=date(2024, 3, 2))  # fmt: skip
    session.flush()
    c = session.get(Contract, c.id)
    assert c.evergreen and c.end_date == date(2025, 3, 1) and c.notice_days == 60
    assert c.in_force_until is None  # runs on: nobody gave notice
    assert _entitlement(session, c, datetime(2027, 3, 10, 15, tzinfo=UTC)) != "no_contract"
    board = renewal_pipeline(session=session, actor=ADMIN, now=datetime(2027, 3, 10, tzinfo=UTC))
    assert board.contracts.set_index("reference").loc[c.reference, "stage"] != "lapsed"
    # notice inside the initial term ends it at that term's end, not 60 days later
    assert last_day(SimpleNamespace(**{**_term(c), "notice_given_on": date(2024, 6, 1)})) == (
        date(2025, 3, 1)
    )
    # notice once it runs on ends it 60 days later (a yearly renewal would run to 2028)
    c.notice_given_on = date(2027, 6, 1)
    session.flush()
    assert session.get(Contract, c.id).in_force_until == date(2027, 7, 31)
    assert _entitlement(session, c, datetime(2027, 7, 15, 15, tzinfo=UTC)) != "no_contract"
    assert _entitlement(session, c, datetime(2027, 8, 15, 15, tzinfo=UTC)) == "no_contract"


def _term(c: Contract) -> dict:
    return {name: getattr(c, name) for name in TERM_FIELDS}


def _entitlement(session, c: Contract, created: datetime) -> str:
    frame = pd.DataFrame([{"ticket_id": 1, "client_id": c.client_id, "created_at": created,
                           "service_type": "support"}])  # fmt: skip
    return entitlements(session=session, tickets=frame)["entitlement"].iloc[0]
