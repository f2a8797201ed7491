"""Money: Decimal only, rounded once per invoice line, ROUND_HALF_UP.

The one documented rounding place of billing: every invoice line computes its amount
from exact Decimal inputs (minutes, rates, proration factors) and rounds it once with
`round_money` (ROUND_HALF_UP to the currency's minor unit: 2 decimals unless the
currency is listed in `MINOR_UNITS`). Entry-level amounts in backup documents are not
rounded separately: `allocate` splits the rounded line amount by largest remainder, so
the entries always add up to the line to the cent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

ROUNDING = ROUND_HALF_UP

# ISO 4217 minor units that differ from 2; everything else rounds to cents.
MINOR_UNITS: dict[str, int] = {
    "BHD": 3,
    "CLP": 0,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "VND": 0,
}


def quantum(currency: str = "") -> Decimal:
    """Smallest amount of `currency` (0.01 unless listed in MINOR_UNITS)."""
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency.upper(), 2))


def round_money(amount: Decimal, currency: str = "") -> Decimal:
    """Round once, ROUND_HALF_UP, to the currency's minor unit (2 dp by default)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, got {type(amount).__name__}")
    return amount.quantize(quantum(currency), rounding=ROUNDING)


def to_decimal(value: object) -> Decimal | None:
    """Decimal from a DataFrame cell or user value; None/NaN/'' -> None.

    Floats go through their shortest repr (0.1 -> Decimal('0.1')), so values that came
    through pandas are not polluted by binary noise.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if math.isnan(value) else Decimal(repr(value))
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "<na>", "nat"}:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def require_decimal(value: object, name: str) -> Decimal:
    """Coerce a configured amount to Decimal; floats are refused (money is never float)."""
    if isinstance(value, float):
        raise TypeError(f"{name} must be Decimal, int or str, not float ({value!r})")
    result = to_decimal(value)
    if result is None:
        raise ValueError(f"{name} is required")
    return result


def allocate(total: Decimal, weights: Sequence[Decimal], currency: str = "") -> list[Decimal]:
    """Split a rounded `total` in proportion to `weights` so the parts sum to it exactly.

    Largest-remainder method in minor units: each part is floored, then the leftover
    units go to the largest remainders (earlier position wins a tie). Deterministic.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    step = quantum(currency)
    sign = -1 if total < 0 else 1
    units = int((abs(total) / step).to_integral_value(rounding=ROUND_DOWN))
    if Decimal(units) * step != abs(total):
        raise ValueError(f"total {total} is not rounded to {step}")
    weight_sum = sum(weights, Decimal(0))
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    if weight_sum == 0:
        if units:
            raise ValueError("cannot allocate a non-zero total over zero weights")
        return [Decimal(0) * step for _ in weights]
    exact = [Decimal(units) * w / weight_sum for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    leftover = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [sign * Decimal(n) * step for n in floors]


def format_money(amount: Decimal, currency: str = "") -> str:
    """'1,234.50' style text for documents (grouping, fixed minor units)."""
    places = MINOR_UNITS.get(currency.upper(), 2)
    return f"{amount:,.{places}f}"
