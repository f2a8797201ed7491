"""Issue 16: service credits from SLA results, hand-computed; bad rules refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.credits import CreditRule, SlaResult, period_credits

D = Decimal
FEE = D("2000")


def _results(met: int, breached: int, *, priority="P2", metric="resolution"):
    rows = [SlaResult(f"T{n}", priority, metric, True) for n in range(met)]
    rows += [SlaResult(f"B{n}", priority, metric, False) for n in range(breached)]
    return rows


def test_tiered_compliance_credit_with_a_cap():
    # 18 of 20 met = 90.00%: under 99 (5%) and under 95 (10%) -> the 10% tier = 200.00,
    # capped at 150.00
    rule = CreditRule(
        "resolution", "sla_compliance_below", "percent_of_fee", metric="resolution",
        tiers=[{"below": "99", "credit": "5"}, {"below": "95", "credit": "10"}],
        cap_amount=D("150"),
    )
    (credit,) = period_credits([rule], _results(18, 2), fee=FEE, currency="GBP")
    assert credit.amount == D("150.00") and credit.capped
    assert credit.measure == D("90.00")
    assert credit.tickets == ("B0", "B1")
    assert "resolution compliance 90.00% (18 of 20 met); capped at 150.00" in credit.evidence


def test_tier_under_the_cap_is_paid_in_full():
    # 97 of 100 met = 97%: only the 5% tier -> 100.00, cap 150 not reached
    rule = CreditRule(
        "r", "sla_compliance_below", "percent_of_fee", metric="resolution",
        tiers=[{"below": "99", "credit": "5"}, {"below": "95", "credit": "10"}],
        cap_amount=D("150"),
    )
    (credit,) = period_credits([rule], _results(97, 3), fee=FEE, currency="GBP")
    assert (credit.amount, credit.capped) == (D("100.00"), False)


def test_each_p1_breach_credits_an_amount_up_to_a_percent_cap():
    # 3 P1 response breaches x 250.00 = 750.00, capped at 10% of 2000 = 200.00;
    # the P2 breach does not count
    rule = CreditRule("P1", "per_breach", "amount", metric="response", priority="P1",
                      credit_value=D("250"), cap_percent=D("10"))
    results = _results(5, 3, priority="P1", metric="response") + _results(
        0, 1, priority="P2", metric="response")
    (credit,) = period_credits([rule], results, fee=FEE, currency="USD")
    assert credit.amount == D("200.00") and credit.tickets == ("B0", "B1", "B2")


def test_no_credit_when_compliance_meets_the_threshold():
    rule = CreditRule("r", "sla_compliance_below", "percent_of_fee", metric="response",
                      threshold=D("95"), credit_value=D("5"))
    assert period_credits([rule], _results(19, 1, metric="response"), fee=FEE,
                          currency="USD") == []  # 95.00% is not below 95


def test_availability_below_threshold():
    rule = CreditRule("uptime", "availability_below", "percent_of_fee", threshold=D("99.9"),
                      credit_value=D("10"))
    (credit,) = period_credits([rule], [], fee=FEE, currency="EUR", availability=D("99.5"))
    assert credit.amount == D("200.00")
    assert period_credits([rule], [], fee=FEE, currency="EUR") == []  # no figure, no credit


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(trigger="per_breach", credit_kind="amount", credit_value=D("1")),
         "no measure - say which SLA metric"),
        (dict(trigger="sla_compliance_below", credit_kind="amount", metric="response",
              credit_value=D("1")), "no measure - a threshold"),
        (dict(trigger="availability_below", credit_kind="amount", credit_value=D("1")),
         "no measure - a threshold"),
        (dict(trigger="per_breach", credit_kind="amount", metric="response"), "no credit"),
        (dict(trigger="late", credit_kind="amount", metric="response"), "trigger must be"),
        (dict(trigger="per_breach", credit_kind="amount", metric="response",
              credit_value=D("1"), cap_percent=D("150")), "cap above 100%"),
    ],
)
def test_bad_rules_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CreditRule("bad", **kwargs)
