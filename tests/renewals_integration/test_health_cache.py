"""The renewal health inputs are computed once for the pipeline and the executive page, and
again after any change to what they read (db/renewals/health_cache.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import select

from access.roles import SYSTEM
from db.analytics_repo import executive_view
from db.models import Invoice, Payment, Ticket, TimeEntry
from db.renewals import health_cache
from db.renewals import health_inputs as module
from db.renewals.contracts import _pipeline_frame
from db.renewals.health_inputs import health_inputs
from db.renewals.pipeline import renewal_pipeline
from db.sla import outcome_cache
from tests.factories import actor
from tests.renewals_integration.conftest import make_book

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def computed(session, monkeypatch):
    """The app's caches on for this store; the inputs actually computed, by `now`."""
    calls: list[datetime] = []
    real = module._compute

    def counting(session, contracts, now):
        calls.append(now)
        return real(session, contracts, now)

    monkeypatch.setattr(module, "_compute", counting)
    engine = session.get_bind().engine
    outcome_cache.enable(engine)
    health_cache.clear()
    yield calls
    outcome_cache.disable(engine)
    health_cache.clear()


def _inputs(session) -> pd.DataFrame:
    return health_inputs(session=session, contracts=_pipeline_frame(session, NOW), now=NOW)


def test_pipeline_and_executive_page_compute_once_and_agree_with_a_direct_read(session, computed):
    book = make_book(session, NOW)
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    direct = _inputs(session)
    direct_pipe = renewal_pipeline(session=session, actor=SYSTEM, now=NOW)
    outcome_cache.enable(engine)
    computed.clear()

    pipe = renewal_pipeline(session=session, actor=SYSTEM, now=NOW)
    assert computed == [NOW]
    today = NOW.date()
    for currency in ("GBP", "USD"):  # the page computes once per currency shown
        executive_view(session=session, actor=actor("executive"), currency=currency,
                       start=date(2026, 9, 1), end=today, today=today)  # fmt: skip
    # the executive page scores now (shared with the pipeline) and the previous period
    assert computed.count(NOW) == 1 and len(computed) == 2
    pd.testing.assert_frame_equal(_inputs(session), direct)
    pd.testing.assert_frame_equal(pipe.contracts, direct_pipe.contracts)
    assert len(computed) == 2
    assert book.ids["C-1"] in direct.index


def _time_entry(session, ids):
    entry = session.scalars(select(TimeEntry).where(TimeEntry.contract_id == ids["C-1"])).first()
    session.add(TimeEntry(client_id=entry.client_id, contract_id=entry.contract_id,
                          started_at=NOW - timedelta(days=2), minutes=90))  # fmt: skip


def _minutes(session, ids):
    entry = session.scalars(select(TimeEntry).where(TimeEntry.contract_id == ids["C-1"])).first()
    entry.minutes += 30


def _payment(session, ids):
    inv = session.scalars(select(Invoice).where(Invoice.contract_id == ids["C-1"])).first()
    session.add(Payment(invoice_id=inv.id, paid_on=NOW.date(), amount=Decimal("1")))


def _invoice_status(session, ids):
    inv = session.scalars(select(Invoice).where(Invoice.contract_id == ids["C-1"])).first()
    inv.status = "void"


def _due_date(session, ids):
    inv = session.scalars(select(Invoice).where(Invoice.contract_id == ids["C-1"])).first()
    inv.due_date = inv.issue_date  # paid 20 days after: now late


def _ticket(session, ids):
    t = session.scalars(select(Ticket).where(Ticket.contract_id == ids["C-1"])).first()
    session.add(Ticket(source="t", external_id="T-new", client_id=t.client_id,
                       contract_id=t.contract_id, service_type="helpdesk", priority="P3",
                       status="open", created_at=NOW - timedelta(days=1), csat=1))  # fmt: skip


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        (_time_entry, True),
        (_minutes, True),
        (_payment, False),  # a paid invoice paid again: still on time
        (_invoice_status, False),  # one paid invoice fewer: still all on time
        (_due_date, True),
        (_ticket, True),
    ],
)
def test_any_change_to_what_the_inputs_read_computes_them_again(session, computed, change, differs):
    book = make_book(session, NOW)
    before = _inputs(session)
    assert len(computed) == 1
    _inputs(session)
    assert len(computed) == 1  # unchanged store: reused
    change(session, book.ids)
    session.commit()
    after = _inputs(session)
    assert len(computed) == 2
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    pd.testing.assert_frame_equal(after, _inputs(session))  # what a direct read gives
    assert after.equals(before) is not differs


def test_contracts_with_missing_values_are_still_the_same_question(session, computed):
    """NaN is never equal to itself: contracts without included hours must still hit."""
    make_book(session, NOW)
    frame = _pipeline_frame(session, NOW).assign(included_hours=float("nan"))
    first = health_inputs(session=session, contracts=frame, now=NOW)
    again = health_inputs(session=session, contracts=frame.copy(), now=NOW)
    assert len(computed) == 1
    pd.testing.assert_frame_equal(first, again)


def test_another_process_reads_the_inputs_from_the_frame_file(session, computed):
    """A replica or a restart finds what one process computed (db.frame_files), equal to a
    direct read; a change to the store computes them again."""
    book = make_book(session, NOW)
    first = _inputs(session)
    assert computed == [NOW]
    health_cache.clear()  # a fresh process: nothing in memory
    from_file = _inputs(session)
    assert computed == [NOW]
    pd.testing.assert_frame_equal(from_file, first)
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    pd.testing.assert_frame_equal(from_file, _inputs(session))  # what a direct read gives
    outcome_cache.enable(engine)
    computed.clear()
    _minutes(session, book.ids)
    session.commit()
    health_cache.clear()
    _inputs(session)
    assert computed == [NOW]  # the file's key no longer matches the store


def test_pipelines_at_several_nows_equal_one_pipeline_each(session, computed):
    """renewal_pipelines reads the weights and the cache's store state once for every `now`
    (the executive view's now and previous period); each board is the one renewal_pipeline
    gives for its own `now`, computed directly, and each `now` is computed once."""
    from dataclasses import fields

    from db.renewals.pipeline import renewal_pipelines

    make_book(session, NOW)
    nows = (NOW, NOW - timedelta(days=83))
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    direct = [
        renewal_pipeline(session=session, actor=SYSTEM, now=n, forecast_days=90) for n in nows
    ]
    outcome_cache.enable(engine)
    computed.clear()
    got = renewal_pipelines(session=session, actor=SYSTEM, nows=nows, forecast_days=90)
    assert computed == list(nows)
    assert len(direct[0].at_risk) >= 1 and not direct[0].at_risk.equals(direct[1].at_risk)
    for pipe, want in zip(got, direct, strict=True):
        for f in fields(want):
            a, b = getattr(pipe, f.name), getattr(want, f.name)
            if isinstance(b, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b, obj=f.name)
            else:
                assert a == b, f.name
    again = renewal_pipelines(session=session, actor=SYSTEM, nows=nows, forecast_days=90)
    assert computed == list(nows)  # the second call is served by the cache
    pd.testing.assert_frame_equal(again[1].at_risk, direct[1].at_risk)
