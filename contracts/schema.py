"""Validation of contract and client input, shared by the edit page, the CLI and imports.

pydantic checks each field; cross-field rules (end after start, known currency, rates that
the pricing model needs) give messages a user can act on.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from db.models.contracts import BILLING_ALIGNMENTS, BILLING_CYCLES, PRICING_MODELS

NonNegative = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]


class ContractInput(BaseModel):
    """Editable fields of a contract; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    client_id: int
    reference: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    tier: str = Field(min_length=1, max_length=40)
    status: str = "active"
    start_date: date
    end_date: date | None = None
    term_months: int | None = Field(default=None, ge=1, le=240)
    auto_renew: bool = False
    renewal_term_months: int | None = Field(default=None, ge=1, le=120)
    notice_days: int | None = Field(default=None, ge=0, le=730)
    # term model (contracts/term.py)
    evergreen: bool = False
    notice_given_on: date | None = None
    terminated_on: date | None = None
    value: NonNegative | None = None
    currency: str = "USD"
    pricing_model: str | None = None
    billing_cycle: str = "monthly"
    billing_timing: str = "advance"
    # None: calendar for a new contract, unchanged on an update (imports never flip it).
    billing_alignment: str | None = None
    recurring_fee: NonNegative | None = None
    unit_name: str | None = None
    unit_price: NonNegative | None = None
    unit_count: int | None = Field(default=None, ge=0)
    included_hours: NonNegative | None = None
    rollover: bool = False
    rollover_cap_hours: NonNegative | None = None
    hourly_rate: NonNegative | None = None
    overage_rate: NonNegative | None = None
    after_hours_multiplier: NonNegative | None = None
    role_rates: dict[str, Any] | None = None
    calendar_id: int | None = None
    timezone: str = "UTC"
    special_instructions: str | None = None
    account_manager_id: int | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        code = v.upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise ValueError(f"unknown currency {v!r}: use an ISO 4217 code such as USD, EUR, GBP")
        if code in NOT_MONEY:
            raise ValueError(
                f"{code} is an ISO 4217 code but not a currency a contract is paid in "
                f"({NOT_MONEY[code]}): use the invoicing currency, such as USD, EUR, GBP"
            )
        return code

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in ("draft", "active", "expired", "terminated"):
            raise ValueError("status must be draft, active, expired or terminated")
        return v

    @field_validator("tier")
    @classmethod
    def _tier(cls, v: str) -> str:
        return v.lower()

    @field_validator("pricing_model")
    @classmethod
    def _pricing(cls, v: str | None) -> str | None:
        if v is not None and v not in PRICING_MODELS:
            raise ValueError(f"pricing model must be one of {', '.join(PRICING_MODELS)}")
        return v

    @field_validator("billing_cycle")
    @classmethod
    def _cycle(cls, v: str) -> str:
        if v not in BILLING_CYCLES:
            raise ValueError(f"billing cycle must be one of {', '.join(BILLING_CYCLES)}")
        return v

    @field_validator("billing_timing")
    @classmethod
    def _timing(cls, v: str) -> str:
        if v not in ("advance", "arrears"):
            raise ValueError("billing timing must be 'advance' or 'arrears'")
        return v

    @field_validator("billing_alignment")
    @classmethod
    def _alignment(cls, v: str | None) -> str | None:
        if v is not None and v not in BILLING_ALIGNMENTS:
            raise ValueError("billing alignment must be 'calendar' or 'anniversary'")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {v!r}: use an IANA name like Europe/London"
            ) from exc
        return v

    @model_validator(mode="after")
    def _cross_field(self) -> ContractInput:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError(f"end date {self.end_date} is not after start date {self.start_date}")
        if self.terminated_on is not None and self.terminated_on < self.start_date:
            raise ValueError(
                f"terminated on {self.terminated_on} is before the start date {self.start_date}"
            )
        if self.auto_renew and self.notice_days is None:
            raise ValueError("an auto-renewing contract needs a notice period (days)")
        self._check_term()
        needs = {
            "fixed": ("recurring_fee",),
            "per_unit": ("unit_price",),
            "block_hours": ("included_hours", "overage_rate"),
            "time_materials": ("hourly_rate",),
        }.get(self.pricing_model or "", ())
        missing = [f.replace("_", " ") for f in needs if getattr(self, f) is None]
        if missing:
            raise ValueError(f"pricing model {self.pricing_model} needs: {', '.join(missing)}")
        return self


    def _check_term(self) -> None:
        """The term agrees with the dates, and the notice is shorter than the term."""
        if self.term_months and self.end_date is not None:
            renewal = self.renewal_term_months or self.term_months
            spans = [self.term_months]
            if self.auto_renew:  # the dates may cover the initial term plus whole renewals
                spans = [self.term_months + k * renewal for k in range(0, 240 // renewal + 1)]
            if not any(
                abs((self.end_date - add_months(self.start_date, m)).days) <= TERM_SLACK_DAYS
                for m in spans
            ):
                months = months_between(self.start_date, self.end_date)
                raise ValueError(
                    f"the term is {self.term_months} months but the dates span about {months} "
                    f"months ({self.start_date} to {self.end_date}): correct the term or the "
                    "end date" + (
                        f" (an auto-renewing contract may span the initial term plus whole "
                        f"{renewal}-month renewals)" if self.auto_renew else ""
                    )
                )  # fmt: skip
        if self.notice_days:
            term_days = None
            if self.term_months:
                term_days = (add_months(self.start_date, self.term_months) - self.start_date).days
                if self.auto_renew and self.renewal_term_months:
                    renew_days = (
                        add_months(self.start_date, self.renewal_term_months) - self.start_date
                    ).days
                    term_days = min(term_days, renew_days)
            elif self.end_date is not None:
                term_days = (self.end_date - self.start_date).days
            if term_days is not None and self.notice_days >= term_days:
                raise ValueError(
                    f"a notice period of {self.notice_days} days is not shorter than the term "
                    f"({term_days} days): shorten the notice or check the term"
                )


NOT_MONEY = {
    "XXX": "no currency", "XTS": "reserved for testing", "XAU": "gold", "XAG": "silver",
    "XPT": "platinum", "XPD": "palladium", "XDR": "IMF special drawing rights",
    "XBA": "bond market unit", "XBB": "bond market unit", "XBC": "bond market unit",
    "XBD": "bond market unit", "XSU": "Sucre", "XUA": "ADB unit of account",
}  # fmt: skip
TERM_SLACK_DAYS = 7  # end dates are written as the last day, the first of the next, or near


def add_months(d: date, months: int) -> date:
    import calendar

    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_between(a: date, b: date) -> int:
    return round((b - a).days / 30.44)


def friendly_errors(exc: ValidationError) -> list[str]:
    """One readable line per problem: 'End date: ...' rather than pydantic's dump."""
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "contract"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{where.replace('_', ' ').capitalize()}: {msg}")
    return out


def client_name_key(name: str) -> str:
    """Key used to refuse duplicate clients: case and spacing do not make a new client."""
    return " ".join(name.split()).casefold()
