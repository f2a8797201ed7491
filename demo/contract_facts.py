"""What a generated contract says: the catalogue of names and wordings, the random facts of
one deal (`Deal`), what to generate (`DemoContractSpec`) and what an extractor must read
back (`ExpectedTerms`)."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

TEMPLATES = ("msa_sla", "managed_prose", "block_hours", "renewal_letter", "amendment", "nda")
PROVIDERS = [
    "Northwind IT Services LLC",
    "Bluebird Technical Support Inc.",
    "Harbor Field Services Ltd",
    "Summit Managed Networks LLC",
    "Cedar Systems Group Inc.",
]
CUSTOMERS = [
    "Contoso Dental Partners LLC",
    "Fabrikam Logistics Inc.",
    "Alpine Veterinary Group Ltd",
    "Riverside Legal Associates LLP",
    "Tailspin Manufacturing Corp.",
]
STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Ohio"]
WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
TENS = {30: "thirty", 45: "forty-five", 60: "sixty", 90: "ninety", 15: "fifteen", 20: "twenty"}
INCLUDED = [
    "Help desk support",
    "Remote monitoring and patching",
    "Server maintenance",
    "Backup monitoring",
    "Network administration",
    "On-site visits",
    "Antivirus management",
]
EXCLUDED = [
    "Hardware replacement costs",
    "Software licence fees",
    "Project work",
    "Training",
    "Cabling",
    "Data recovery services",
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
COVERAGES = {
    "8x5": ("Monday through Friday, 8:00 a.m. to 5:00 p.m.", WEEKDAYS, "08:00", "17:00"),
    "12x5": ("Monday through Friday, 7:00 a.m. to 7:00 p.m.", WEEKDAYS, "07:00", "19:00"),
    "24x7": ("24 hours a day, 7 days a week, including public holidays", None, None, None),
}
SLA_BY_COVERAGE = {  # priority -> (response minutes, resolution hours)
    "24x7": {"P1": (30, 4), "P2": (60, 8), "P3": (240, 24), "P4": (480, 72)},
    "12x5": {"P1": (60, 4), "P2": (120, 8), "P3": (240, 24), "P4": (480, 72)},
    "8x5": {"P1": (120, 8), "P2": (240, 16), "P3": (480, 40), "P4": (960, 80)},
}
LABELS = {"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"}
TIERS = {"24x7": "platinum", "12x5": "gold", "8x5": "silver"}


@dataclass(frozen=True)
class DemoContractSpec:
    """What to generate: a template, a seed and a minimum page count (10 for benchmarks)."""

    template: str = "msa_sla"
    seed: int = 0
    pages: int = 2
    customer: str | None = None  # the demo client it is for; None: a drawn name

    def __post_init__(self) -> None:
        if self.template not in TEMPLATES:
            raise ValueError(f"unknown template {self.template!r}; use one of {TEMPLATES}")


@dataclass
class ExpectedTerms:
    """The normalized values extract() must return for a generated PDF (None = not stated)."""

    template: str
    document_type: str
    provider: str
    customer: str
    agreement_date: str
    effective_date: str | None = None
    initial_term: dict | None = None
    expiration_date: str | None = None
    auto_renewal: bool | None = None
    renewal_term: dict | None = None
    notice_period: dict | None = None
    governing_law: str | None = None
    recurring_fees: list[dict] | None = None
    contract_value: dict | None = None
    hourly_rates: list[dict] | None = None
    sla_targets: dict | None = None
    coverage_hours: dict | None = None
    included_services: list[str] | None = None
    excluded_services: list[str] | None = None
    escalation_contacts: list[dict] | None = None
    service_credit_percent: str | None = None
    insurance: list[dict] | None = None
    liability_cap: dict | None = None
    certifications: list[str] | None = None
    termination_notice: dict | None = None
    warranty_duration: dict | None = None
    service_tier: str | None = None
    pages: int = 0
    extra: dict = field(default_factory=dict)


def spelled(n: int) -> str:
    """'thirty (30)' - contracts spell numbers and repeat them in digits."""
    words = WORDS[n] if n < len(WORDS) else TENS.get(n, str(n))
    return f"{words} ({n})"


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def minutes_text(m: int) -> tuple[str, dict]:
    if m < 60:
        return f"{m} minutes", {"n": m, "unit": "minute"}
    return (f"{m // 60} hour" + ("s" if m >= 120 else "")), {"n": m // 60, "unit": "hour"}


@dataclass
class Deal:
    """The random facts one contract is written from."""

    provider: str
    customer: str
    state: str
    signed: date
    start: date
    years: int
    notice_days: int
    coverage: str
    fee: Decimal
    rate: Decimal
    after_rate: Decimal
    contacts: list[dict]

    @classmethod
    def draw(cls, rng: random.Random) -> Deal:
        signed = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
        start = add_months(signed.replace(day=1), 1)
        first = ["Dana", "Lee", "Morgan", "Alex", "Jordan", "Casey", "Robin", "Sam"]
        last = ["Reyes", "Okafor", "Lindqvist", "Nakamura", "Brennan", "Ferreira", "Kowalski"]
        contacts = []
        for level in (1, 2, 3):
            name = f"{rng.choice(first)} {rng.choice(last)}"
            user = name.lower().replace(" ", ".")
            phone = f"+1 555 {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}"
            contacts.append(
                {"level": level, "name": name, "phone": phone, "email": f"{user}@example.com"}
            )
        rate = Decimal(rng.choice([95, 110, 125, 140, 150, 165]))
        return cls(
            provider=rng.choice(PROVIDERS),
            customer=rng.choice(CUSTOMERS),
            state=rng.choice(STATES),
            signed=signed,
            start=start,
            years=rng.choice([1, 2, 3]),
            notice_days=rng.choice([30, 60, 90]),
            coverage=rng.choice(list(COVERAGES)),
            fee=Decimal(rng.randrange(12, 90) * 100),
            rate=rate,
            after_rate=rate * Decimal("1.5"),
            contacts=contacts,
        )

    @property
    def end(self) -> date:
        return add_months(self.start, 12 * self.years)
