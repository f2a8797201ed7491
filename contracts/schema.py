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
        if self.auto_renew and self.notice_days is None:
            raise ValueError("an auto-renewing contract needs a notice period (days)")
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
