"""contracts.term: the term in force on any day, renewals included (pure)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from contracts.term import in_force, last_day, term_at, terms


def contract(**kw):
    base = dict(
        start_date=date(2001, 3, 1),
        end_date=date(2002, 2, 28),
        term_months=None,
        auto_renew=False,
        renewal_term_months=None,
        notice_days=None,
        evergreen=False,
        notice_given_on=None,
        terminated_on=None,
    )
    base.update(kw)
    return SimpleNamespace(**base)


def test_fixed_term_ends_at_its_end():
    c = contract()
    assert term_at(c, date(2002, 2, 28)).kind == "initial"
    assert term_at(c, date(2002, 3, 1)) is None
    assert term_at(c, date(2001, 2, 28)) is None
    assert last_day(c) == date(2002, 2, 28)


def test_auto_renewing_contract_past_its_initial_term_is_in_force():
    """The 2001 maintenance contract applied with auto-renew must not end in 2002."""
    c = contract(auto_renew=True, renewal_term_months=12, notice_days=90)
    t = term_at(c, date(2026, 11, 23))
    assert t is not None and t.kind == "renewal"
    assert t.start == date(2026, 3, 1) and t.end == date(2027, 2, 28)
    assert t.number == 25
    assert t.notice_deadline == date(2026, 11, 30)
    assert last_day(c) is None
    assert in_force(c, date(2040, 1, 1))


def test_month_end_renewals_stay_at_month_end():
    c = contract(auto_renew=True, renewal_term_months=12, notice_days=30)
    assert term_at(c, date(2004, 2, 29)).end == date(2004, 2, 29)
    assert term_at(c, date(2004, 3, 1)).start == date(2004, 3, 1)


def test_renewal_length_defaults_to_the_initial_term():
    c = contract(
        start_date=date(2024, 1, 1), end_date=None, term_months=6, auto_renew=True, notice_days=30
    )
    assert term_at(c, date(2024, 6, 30)).end == date(2024, 6, 30)
    assert term_at(c, date(2024, 7, 1)).end == date(2024, 12, 31)


def test_notice_given_in_time_ends_the_current_term():
    c = contract(
        auto_renew=True, renewal_term_months=12, notice_days=90, notice_given_on=date(2026, 11, 1)
    )
    assert last_day(c) == date(2027, 2, 28)
    assert term_at(c, date(2027, 2, 28)).final
    assert term_at(c, date(2027, 3, 1)) is None


def test_notice_given_late_takes_effect_one_term_later():
    c = contract(
        auto_renew=True, renewal_term_months=12, notice_days=90, notice_given_on=date(2026, 12, 15)
    )
    assert last_day(c) == date(2028, 2, 29)


def test_terminated_cuts_the_running_term():
    c = contract(
        auto_renew=True, renewal_term_months=12, notice_days=90, terminated_on=date(2010, 6, 30)
    )
    assert term_at(c, date(2010, 6, 30)).end == date(2010, 6, 30)
    assert term_at(c, date(2010, 7, 1)) is None


def test_evergreen_runs_until_notice():
    c = contract(end_date=None, evergreen=True, notice_days=60)
    assert term_at(c, date(2030, 1, 1)).kind == "evergreen"
    c.notice_given_on = date(2030, 1, 1)
    assert last_day(c) == date(2030, 3, 2)


def test_evergreen_after_an_initial_term_runs_on_past_it_and_never_ends_before_it():
    # 'a term of one year; thereafter it shall continue until terminated on 60 days' notice'
    c = contract(evergreen=True, notice_days=60)  # initial term 2001-03-01 .. 2002-02-28
    assert in_force(c, date(2010, 6, 1)) and last_day(c) is None
    c.notice_given_on = date(2001, 4, 1)  # notice early in the initial term
    assert last_day(c) == date(2002, 2, 28)
    c.notice_given_on = date(2009, 1, 1)  # notice once it runs on
    assert last_day(c) == date(2009, 3, 2)


def test_open_ended_without_end_or_length():
    c = contract(end_date=None)
    assert last_day(c) is None and term_at(c, date(2050, 1, 1)).kind == "open"


def test_history_lists_each_term():
    c = contract(auto_renew=True, renewal_term_months=12, notice_days=30)
    hist = terms(c, date(2004, 3, 1))
    assert [t.number for t in hist] == [0, 1, 2, 3]
    assert all(a.end < b.start for a, b in zip(hist, hist[1:], strict=False))


@pytest.mark.parametrize("on", [date(2003, 1, 1), date(2003, 3, 1), date(2099, 2, 28)])
def test_terms_are_contiguous(on):
    c = contract(auto_renew=True, renewal_term_months=12, notice_days=30)
    t = term_at(c, on)
    assert t.covers(on)
