from decimal import Decimal as D

import pytest

from billing.money import allocate, format_money, require_decimal, round_money, to_decimal


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "EUR", "2.35"),  # half up, not banker's (which gives 2.34)
        ("2.344", "EUR", "2.34"),
        ("-2.345", "EUR", "-2.35"),  # half away from zero on negatives too
        ("0.125", "USD", "0.13"),
        ("1234.5", "JPY", "1235"),  # no minor unit
        ("1.2345", "KWD", "1.235"),  # three decimals
    ],
)
def test_round_money_half_up_to_minor_unit(amount, currency, expected):
    assert str(round_money(D(amount), currency)) == expected


def test_round_money_refuses_float():
    with pytest.raises(TypeError):
        round_money(2.5, "EUR")


def test_allocate_sums_exactly_and_gives_extra_cent_to_first_of_equal_remainders():
    # 3 x 20 minutes at 100/h = 100.00; 100 / 3 = 33.333.. each
    assert allocate(D("100.00"), [D(20), D(20), D(20)]) == [D("33.34"), D("33.33"), D("33.33")]


def test_allocate_largest_remainder_wins():
    # 10.00 over weights 1, 2 -> exact 3.333.., 6.666..; floors 3.33 + 6.66 = 9.99,
    # the cent goes to the larger remainder (6.666.. -> 6.67)
    assert allocate(D("10.00"), [D(1), D(2)]) == [D("3.33"), D("6.67")]


def test_allocate_negative_total_for_credit_notes():
    parts = allocate(D("-100.00"), [D(20), D(20), D(20)])
    assert parts == [D("-33.34"), D("-33.33"), D("-33.33")]
    assert sum(parts) == D("-100.00")


def test_allocate_rejects_unrounded_total_and_zero_weights():
    with pytest.raises(ValueError):
        allocate(D("1.005"), [D(1)])
    with pytest.raises(ValueError):
        allocate(D("1.00"), [D(0), D(0)])
    assert allocate(D("0.00"), [D(0)]) == [D("0.00")]


def test_to_decimal_handles_frame_cells():
    assert to_decimal(float("nan")) is None
    assert to_decimal(None) is None
    assert to_decimal("") is None
    assert to_decimal(0.1) == D("0.1")  # shortest repr, no binary noise
    assert to_decimal("1,250.50") == D("1250.50")
    assert to_decimal(7) == D(7)


def test_require_decimal_refuses_float_money():
    with pytest.raises(TypeError):
        require_decimal(99.5, "fee")
    assert require_decimal("99.50", "fee") == D("99.50")


def test_format_money_groups_thousands():
    assert format_money(D("1234567.5"), "EUR") == "1,234,567.50"
    assert format_money(D("1234"), "JPY") == "1,234"
