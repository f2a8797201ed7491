"""Contract validation: notice shorter than the term, term consistent with the dates
(an auto-renewing contract may span whole renewals), and real ISO 4217 currencies."""

from datetime import date

import pytest
from pydantic import ValidationError

from contracts.schema import ContractInput, friendly_errors


def make(**kw) -> ContractInput:
    base = dict(client_id=1, reference="C-1", title="t", tier="gold", start_date=date(2026, 1, 1))
    return ContractInput(**{**base, **kw})


def error(**kw) -> str:
    with pytest.raises(ValidationError) as exc:
        make(**kw)
    return " ".join(friendly_errors(exc.value))


def test_notice_longer_than_term_is_refused():
    msg = error(term_months=6, notice_days=700)
    assert "notice period of 700 days is not shorter than the term (181 days)" in msg
    assert "shorten the notice" in msg
    assert make(term_months=6, notice_days=30).notice_days == 30
    assert "not shorter than the term" in error(end_date=date(2026, 2, 1), notice_days=60)


def test_term_must_match_the_dates():
    msg = error(term_months=12, end_date=date(2029, 1, 1))
    assert "the term is 12 months but the dates span about 36 months" in msg
    assert "correct the term or the end date" in msg
    for end in (date(2026, 12, 31), date(2027, 1, 1)):
        assert make(term_months=12, end_date=end).end_date == end


def test_auto_renewing_dates_may_span_whole_renewals():
    c = make(term_months=12, end_date=date(2028, 12, 31), auto_renew=True, notice_days=30,
             renewal_term_months=12)  # fmt: skip
    assert c.end_date == date(2028, 12, 31)
    msg = error(term_months=12, end_date=date(2028, 6, 30), auto_renew=True, notice_days=30,
                renewal_term_months=12)  # fmt: skip
    assert "whole 12-month renewals" in msg


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU"])
def test_currency_must_be_money(code):
    assert "not a currency a contract is paid in" in error(currency=code)


def test_real_currencies_pass():
    for code in ("usd", "EUR", "XOF", "XCD"):
        assert make(currency=code).currency == code.upper()


def test_unknown_currency_code_is_named():
    msg = error(currency="ABC")
    assert "unknown currency 'ABC': use an ISO 4217 code such as USD, EUR, GBP" in msg


def test_notice_must_be_shorter_than_each_renewal_too():
    msg = error(term_months=24, auto_renew=True, renewal_term_months=1, notice_days=60,
                end_date=date(2027, 12, 31))  # fmt: skip
    assert "notice period of 60 days is not shorter than the term (31 days)" in msg
    ok = make(term_months=24, auto_renew=True, renewal_term_months=3, notice_days=60,
              end_date=date(2027, 12, 31))  # fmt: skip
    assert ok.notice_days == 60
