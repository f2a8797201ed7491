"""The billing preview kept while the store is unchanged (db/billing/preview_cache.py): the
preview a fresh process maps from the frame file equals the computed one value for value,
and every change a preview reads (a new entry, an approval, an issued invoice, a tax rate,
a change made through another replica) gives the recomputed preview, never the kept one."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import event

from db import audit, frame_files
from db.billing import preview as preview_module
from db.billing import preview_cache
from db.billing.common import parse_period
from db.billing.findings import approve_entries
from db.billing.invoices import issue_invoices
from db.billing.preview import RunPreview, _preview, preview_run
from db.billing.run import run_billing
from db.billing.tax import set_tax_rate
from db.engine import session_scope
from db.models import Invoice
from db.sla import outcome_cache
from tests.billing_integration.conftest import at
from tests.factories import ADMIN

NOV = "2026-11"
# The SLA fingerprint's tables (db.sla.outcome_cache.fingerprint), also in the key.
FINGERPRINT = {
    "tickets", "ticket_events", "contracts", "sla_policies", "sla_targets",
    "calendars", "calendar_holidays", "calendar_versions", "audit_log",
}  # fmt: skip


@pytest.fixture
def kept(session, billed, store, monkeypatch):
    """The billed store plus a block-hours contract over its alert level, committed; the
    cache on as the app turns it on; `calls` counts the previews actually computed."""
    _, block = store.contract(
        "Block Busy",
        pricing_model="block_hours",
        recurring_fee=Decimal("1000.50"),
        included_hours=Decimal("10"),
        overage_rate=Decimal("99.9"),
        rollover=True,
        rollover_cap_hours=Decimal("2"),  # unused hours since January: 2 h carried in
        billing_timing="arrears",
    )
    for month, day in ((9, 3), (10, 3), (10, 20)):
        store.entry(block, at(day, month=month), 9 * 60)
    session.commit()
    outcome_cache.enable(session.get_bind())
    calls = []
    monkeypatch.setattr(  # _direct below calls the real one
        preview_module, "_preview", lambda *a: calls.append(1) or _preview(*a)
    )
    return {**billed, "block": block, "calls": calls}


def _direct(session, period: str = NOV) -> RunPreview:
    return _preview(session, *parse_period(period))


def _values(frame: pd.DataFrame) -> list[list[tuple[str, str]]]:
    """Each value's type and repr: Decimal("12.50") is not Decimal("12.5"), None not NaN."""
    return [[(type(v).__name__, repr(v)) for v in row] for row in frame.itertuples(index=False)]


def assert_same(got: RunPreview, want: RunPreview) -> None:
    for name in preview_cache.FRAMES:
        a, b = getattr(got, name), getattr(want, name)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert _values(a) == _values(b), name
    for name in preview_cache.SCALARS:
        a, b = getattr(got, name), getattr(want, name)
        assert a == b or (a != a and b != b), name  # NaN accuracy of an empty run


def _fresh_process(engine) -> None:
    """What another process holds: nothing in memory, the frame files on disk."""
    outcome_cache.reset()
    outcome_cache.enable(engine)


def test_the_preview_a_fresh_process_maps_equals_the_computed_one(session, kept):
    first = preview_run(session=session, actor=ADMIN, period=NOV)
    assert kept["calls"] == [1]
    assert not first.alerts.empty and first.findings["amount"].isna().any()
    assert "1599.90" in {str(t) for t in first.invoices["total"]}  # fee + 6 h overage
    again = preview_run(session=session, actor=ADMIN, period=NOV)
    assert again is first and kept["calls"] == [1]  # this process: kept in memory
    _fresh_process(session.get_bind())
    mapped = preview_run(session=session, actor=ADMIN, period=NOV)
    assert mapped is not first and kept["calls"] == [1]  # read from the file
    assert_same(mapped, _direct(session))
    assert_same(mapped, first)
    audit.record(session=session, actor=ADMIN, entity="user", entity_id=1, action="login")
    session.commit()
    _fresh_process(session.get_bind())
    preview_run(session=session, actor=ADMIN, period=NOV)
    assert kept["calls"] == [1]  # a log-in changes nothing a preview reads


def test_every_change_a_preview_reads_gives_the_recomputed_preview(session, kept):
    def check(expect_calls: int) -> RunPreview:
        _fresh_process(session.get_bind())  # past this process's memory, to the file
        got = preview_run(session=session, actor=ADMIN, period=NOV)
        assert len(kept["calls"]) == expect_calls
        assert_same(got, _direct(session))
        return got

    before = check(1)
    check(1)  # unchanged: from the file
    oos = kept["entries"]["oos"]
    approve_entries(session=session, actor=ADMIN, entry_ids=[oos.id])  # in place, audited
    session.commit()
    approved = check(2)
    assert "NOT_APPROVED" in set(before.findings["code"])
    assert "NOT_APPROVED" not in set(approved.findings["code"])
    run_billing(session=session, actor=ADMIN, period=NOV)
    session.commit()
    assert set(check(3).invoices["action"]) == {"update draft"}
    ids = [i.id for i in session.query(Invoice)]
    issue_invoices(session=session, actor=ADMIN, invoice_ids=ids, on=date(2026, 11, 2),
                   accept_findings=True)  # fmt: skip
    session.commit()
    assert {a.split(" ")[0] for a in check(4).invoices["action"]} == {"untouched"}
    set_tax_rate(session=session, actor=ADMIN, name="VAT", kind="vat", rate=Decimal("20"),
                 effective_from=date(2026, 1, 1), client_id=kept["tm"].client_id)  # fmt: skip
    session.commit()
    check(5)


def test_a_change_through_another_replica_shows_on_the_next_call(session, kept, store):
    engine = session.get_bind()
    preview_run(session=session, actor=ADMIN, period=NOV)
    with session_scope(engine) as other:  # another replica logs more work
        other_store = type(store)(other)
        other_store.tickets = store.tickets  # external ids go on from this store's
        other_store.entry(kept["tm"], at(20), 30)
    _fresh_process(engine)
    with session_scope(engine) as s:
        got = preview_run(session=s, actor=ADMIN, period=NOV)
        assert len(kept["calls"]) == 2
        assert_same(got, _direct(s))
    assert got.entries_checked == 10 + 1


def test_every_table_a_preview_reads_is_in_its_key(session, kept):
    read: set[str] = set()

    def listen(conn, cursor, statement, params, context, executemany):
        read.update(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)', statement, re.I))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        run_billing(session=session, actor=ADMIN, period=NOV)  # late entries read issued ones
        ids = [i.id for i in session.query(Invoice)]
        issue_invoices(session=session, actor=ADMIN, invoice_ids=ids, on=date(2026, 11, 2),
                       accept_findings=True)  # fmt: skip
        read.clear()
        _direct(session)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    keyed = {m.__tablename__ for m in preview_cache.TABLES} | FINGERPRINT
    assert read - {"select", "from"} <= keyed
    assert {"time_entries", "invoices", "contracts"} <= read


@pytest.mark.parametrize(
    "value",
    [None, "", " x ", True, False, 0, -7, 1.5, float("nan"), Decimal("12.50"), Decimal("-0.0"),
     date(2026, 11, 1), datetime.fromisoformat("2026-11-01T10:00:00+01:00"), np.int64(3),
     np.float64(2.25)],
)  # fmt: skip
def test_each_kept_value_reads_back_as_the_same_type_and_value(value):
    back = preview_cache._untag(preview_cache._tag(value))
    assert type(back) is type(value) and repr(back) == repr(value)


def test_a_value_the_file_cannot_hold_is_computed_not_kept(session, kept):
    odd = _direct(session)
    odd.invoices["lines"] = pd.Series([(1, 2)] * len(odd.invoices), dtype=object)
    calls = []

    def compute():
        calls.append(1)
        return odd

    for _ in range(2):
        assert preview_cache.cached(session, NOV, compute, RunPreview) is odd
    assert calls == [1, 1]  # computed once per call, kept nowhere
    url = session.get_bind().url.render_as_string(hide_password=False)
    assert not list(frame_files.directory(url).glob(f"{preview_cache.LAYOUT}-*"))
