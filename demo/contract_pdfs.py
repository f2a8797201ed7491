"""Realistic support-contract PDFs (fpdf2) with the terms they contain, for tests and demos.

`generate_contract(spec, path)` writes one PDF and returns `ExpectedTerms`: the values an
extractor must read back exactly. Six templates use different real-world wording for the
same terms (MSA with an SLA schedule table, managed services with prose SLAs, block hours
with a rate card, renewal letter, amendment, NDA). Everything is deterministic from the seed.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

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


def _num(n: int) -> str:
    """'thirty (30)' - contracts spell numbers and repeat them in digits."""
    words = WORDS[n] if n < len(WORDS) else TENS.get(n, str(n))
    return f"{words} ({n})"


def _long(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _minutes(m: int) -> tuple[str, dict]:
    if m < 60:
        return f"{m} minutes", {"n": m, "unit": "minute"}
    return (f"{m // 60} hour" + ("s" if m >= 120 else "")), {"n": m // 60, "unit": "hour"}


class _Doc:
    """A thin writer over FPDF: headings, paragraphs, bullets and ruled tables."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(20, 18, 20)
        self.pdf.add_page()

    def title(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 15)
        self.pdf.multi_cell(0, 8, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def heading(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 11)
        self.pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def bullets(self, items: list[str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, f"- {item}", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def table(self, rows: list[list[str]]) -> None:
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(first_row_as_headings=True, line_height=6) as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        self.pdf.ln(3)

    def pad_to(self, pages: int, rng: random.Random) -> None:
        i = 0
        while self.pdf.page_no() < pages:
            heading, body = BOILERPLATE[i % len(BOILERPLATE)]
            self.heading(f"{20 + i}. {heading}")
            self.para(body)
            i += 1
        del rng

    def save(self, path: Path) -> int:
        self.pdf.output(str(path))
        return self.pdf.page_no()


BOILERPLATE = [
    (
        "Confidentiality",
        "Each party shall keep confidential all non-public information received from "
        "the other party and shall use it only to perform this Agreement. This "
        "obligation does not apply to information that is or becomes public through no "
        "fault of the receiving party.",
    ),
    (
        "Force Majeure",
        "Neither party is responsible for delay or failure to perform caused by events "
        "beyond its reasonable control, such as fire, flood, strikes, epidemics or acts"
        " of government, provided that it promptly informs the other party and resumes "
        "performance as soon as it can.",
    ),
    (
        "Assignment",
        "Neither party may assign this Agreement without the prior written consent of "
        "the other party, which shall not be unreasonably withheld, except to a "
        "successor to all or substantially all of its business.",
    ),
    (
        "Notices",
        "Notices under this Agreement shall be in writing and delivered by hand, by "
        "courier or by registered mail to the addresses shown above, or to another "
        "address a party designates in writing. Notices are effective upon receipt.",
    ),
    (
        "Independent Contractors",
        "The parties are independent contractors. Nothing in this Agreement creates a "
        "partnership, joint venture, agency or employment relationship between them.",
    ),
    (
        "Entire Agreement",
        "This Agreement, including its schedules, is the entire agreement of the "
        "parties about its subject matter and supersedes all earlier proposals and "
        "understandings. Changes are valid only if made in writing and signed by both "
        "parties.",
    ),
    (
        "Data Protection",
        "Each party shall comply with the data protection laws that apply to it. The "
        "Provider shall process personal data of the Customer only on documented "
        "instructions and shall apply appropriate technical and organisational measures"
        " to protect it.",
    ),
    (
        "Non-Solicitation",
        "During the term of this Agreement neither party shall solicit for employment "
        "any employee of the other party who was involved in the Services, except "
        "through general advertisements open to the public.",
    ),
]


@dataclass
class _Deal:
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
    def draw(cls, rng: random.Random) -> _Deal:
        signed = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
        start = _add_months(signed.replace(day=1), 1)
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
        return _add_months(self.start, 12 * self.years)


def _preamble(doc: _Doc, deal: _Deal, title: str, rng: random.Random, what: str) -> None:
    doc.title(title)
    forms = [
        f'This {what} (the "Agreement") is entered into as of {_long(deal.signed)} by and between '
        f'{deal.provider}, a Delaware limited liability company (the "Provider"), and '
        f'{deal.customer}, a {deal.state} corporation (the "Customer").',
        f'THIS {what.upper()} (this "Agreement") is dated {_long(deal.signed)} and is made between '
        f'{deal.provider} ("Provider") and {deal.customer} ("Customer").',
    ]
    doc.para(rng.choice(forms))


def _term_clauses(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.heading("2. Term and Renewal")
    plural = "s" if deal.years > 1 else ""
    if rng.random() < 0.5:
        doc.para(
            f'This Agreement shall commence on {_long(deal.start)} (the "Effective Date") and '
            f"shall continue for an initial term of {_num(deal.years)} year{plural}."
        )
        doc.para(
            "Thereafter, this Agreement shall automatically renew for successive one (1) year "
            "periods unless either party gives written notice of non-renewal at least "
            f"{_num(deal.notice_days)} days prior to the end of the then-current term."
        )
        exp.renewal_term = {"n": 1, "unit": "year"}
    else:
        doc.para(
            f'The Services start on {_long(deal.start)} (the "Effective Date"). The initial term '
            f"of this Agreement is {_num(deal.years)} year{plural} from the Effective Date."
        )
        doc.para(
            "Upon expiry of the initial term, this Agreement will renew automatically for "
            "additional twelve (12) month terms unless either party notifies the other in writing "
            f"not less than {deal.notice_days} days before the expiration of the then current "
            "term of its intention not to renew."
        )
        exp.renewal_term = {"n": 12, "unit": "month"}
    exp.effective_date = deal.start.isoformat()
    exp.initial_term = {"n": deal.years, "unit": "year"}
    exp.expiration_date = deal.end.isoformat()
    exp.auto_renewal = True
    exp.notice_period = {"n": deal.notice_days, "unit": "day"}


def _legal_clauses(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms, n: int) -> None:
    cap = Decimal(rng.choice([250000, 500000, 1000000]))
    cover = Decimal(rng.choice([1000000, 2000000, 5000000]))
    doc.heading(f"{n}. Insurance")
    doc.para(
        "The Provider shall maintain, at its own cost, commercial general liability insurance with "
        f"limits of not less than {_money(cover)} per occurrence and professional liability "
        f"insurance of at least {_money(cover / 2)} for the duration of this Agreement."
    )
    exp.insurance = [
        {"type": "general liability", "minimum": f"{cover:.2f}", "currency": "USD"},
        {"type": "professional liability", "minimum": f"{cover / 2:.2f}", "currency": "USD"},
    ]
    doc.heading(f"{n + 1}. Personnel")
    doc.para(
        "All technicians sent to the Customer's premises must have passed a criminal background "
        "check and hold a current CompTIA A+ certification."
    )
    exp.certifications = ["background check", "CompTIA A+"]
    doc.heading(f"{n + 2}. Warranty")
    doc.para(
        "The Provider warrants that the Services will be performed in a professional manner and "
        "will re-perform any non-conforming Services reported within ninety (90) days of "
        "their performance."
    )
    exp.warranty_duration = {"n": 90, "unit": "day"}
    doc.heading(f"{n + 3}. Limitation of Liability")
    doc.para(
        "Except for breaches of confidentiality, each party's total aggregate liability under "
        f"this Agreement shall not exceed {_money(cap)}."
    )
    exp.liability_cap = {"amount": f"{cap:.2f}", "currency": "USD", "basis": None}
    doc.heading(f"{n + 4}. Termination")
    notice = rng.choice([30, 60])
    doc.para(
        "Either party may terminate this Agreement for convenience upon "
        f"{_num(notice)} days' prior written notice to the other party."
    )
    exp.termination_notice = {"n": notice, "unit": "day"}
    doc.heading(f"{n + 5}. Governing Law")
    doc.para(
        "This Agreement shall be governed by and construed in accordance with the laws of the "
        f"State of {deal.state}, without regard to its conflict of laws principles."
    )
    exp.governing_law = deal.state


def _coverage(doc: _Doc, deal: _Deal, exp: ExpectedTerms) -> None:
    text, days, start, end = COVERAGES[deal.coverage]
    if deal.coverage == "24x7":
        doc.para(f"Support is available {text} ({deal.coverage} coverage).")
        exp.coverage_hours = {
            "label": "24x7",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "start": "00:00",
            "end": "24:00",
            "holidays_excluded": False,
        }
    else:
        doc.para(
            f"Support hours are {text} Eastern Time ({deal.coverage}), excluding public holidays."
        )
        exp.coverage_hours = {
            "label": deal.coverage,
            "days": days,
            "start": start,
            "end": end,
            "holidays_excluded": True,
            "timezone": "Eastern Time",
        }


def _sla_expected(deal: _Deal) -> dict:
    out = {}
    for p, (resp, res) in SLA_BY_COVERAGE[deal.coverage].items():
        out[p] = {"response": _minutes(resp)[1], "resolution": {"n": res, "unit": "hour"}}
    return out


def _scope(doc: _Doc, rng: random.Random, exp: ExpectedTerms) -> None:
    included = rng.sample(INCLUDED, 4)
    excluded = rng.sample(EXCLUDED, 3)
    doc.heading("Included Services")
    doc.bullets(included)
    doc.heading("Excluded Services")
    doc.bullets(excluded)
    exp.included_services, exp.excluded_services = included, excluded


def _escalation(doc: _Doc, deal: _Deal, exp: ExpectedTerms, as_table: bool) -> None:
    doc.heading("Escalation")
    doc.para(
        "If an incident is not resolved within its target, the Customer may escalate it to the "
        "following Provider contacts, in order:"
    )
    if as_table:
        doc.table(
            [["Level", "Name", "Phone", "Email"]]
            + [[str(c["level"]), c["name"], c["phone"], c["email"]] for c in deal.contacts]
        )
    else:
        for c in deal.contacts:
            doc.para(f"Level {c['level']}: {c['name']}, phone {c['phone']}, email {c['email']}.")
    exp.escalation_contacts = deal.contacts


def _msa_sla(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MASTER SERVICES AGREEMENT", rng, "Master Services Agreement")
    exp.document_type = "MSA"
    doc.heading("1. Services")
    doc.para(
        "The Provider shall provide the IT support services described in Schedule A and shall "
        'meet the service levels in Schedule B (the "SLA Schedule").'
    )
    _term_clauses(doc, deal, rng, exp)
    doc.heading("3. Fees")
    doc.para(f"The Customer shall pay a monthly fee of {_money(deal.fee)}, invoiced in advance.")
    exp.recurring_fees = [{"amount": f"{deal.fee:.2f}", "currency": "USD", "period": "month"}]
    _legal_clauses(doc, deal, rng, exp, 4)
    doc.pdf.add_page()
    doc.heading("Schedule A - Scope of Support")
    _scope(doc, rng, exp)
    doc.heading("Schedule B - Service Level Agreement")
    _coverage(doc, deal, exp)
    rows = [["Priority", "Description", "Response Time", "Resolution Time"]]
    for p, (resp, res) in SLA_BY_COVERAGE[deal.coverage].items():
        rows.append(
            [f"{p} - {LABELS[p]}", f"{LABELS[p]} impact", _minutes(resp)[0], f"{res} hours"]
        )
    doc.table(rows)
    exp.sla_targets = _sla_expected(deal)
    credit = rng.choice(["5", "10"])
    doc.para(
        "If the monthly P1 response target is missed, the Provider shall issue a service credit "
        f"of {credit}% of the monthly fee."
    )
    exp.service_credit_percent = credit
    _escalation(doc, deal, exp, as_table=True)
    exp.service_tier = TIERS[deal.coverage]


def _managed_prose(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MANAGED SERVICES AGREEMENT", rng, "Managed Services Agreement")
    exp.document_type = "managed services agreement"
    tier = TIERS[deal.coverage].capitalize()
    doc.heading("1. Service Plan")
    doc.para(f"The Customer subscribes to the {tier} Support plan.")
    _coverage(doc, deal, exp)
    _term_clauses(doc, deal, rng, exp)
    doc.heading("3. Charges")
    doc.para(
        f"In consideration of the Services, the Customer will pay a fee of {_money(deal.fee)} "
        f"per month. Work outside the support hours is charged at {_money(deal.after_rate)} "
        "per hour."
    )
    exp.recurring_fees = [{"amount": f"{deal.fee:.2f}", "currency": "USD", "period": "month"}]
    exp.hourly_rates = [
        {"role": None, "kind": "after_hours", "rate": f"{deal.after_rate:.2f}", "currency": "USD"}
    ]
    doc.heading("4. Service Levels")
    for p, (resp, res) in SLA_BY_COVERAGE[deal.coverage].items():
        doc.para(
            f"Priority {p[1]} ({LABELS[p]}) incidents: the Provider shall respond within "
            f"{_minutes(resp)[0]} and resolve the incident within {res} hours."
        )
    exp.sla_targets = _sla_expected(deal)
    _scope(doc, rng, exp)
    _escalation(doc, deal, exp, as_table=False)
    _legal_clauses(doc, deal, rng, exp, 6)
    exp.service_tier = TIERS[deal.coverage]


def _block_hours(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "BLOCK HOURS SUPPORT AGREEMENT", rng, "Block Hours Support Agreement")
    exp.document_type = "block hours agreement"
    hours = rng.choice([10, 20, 40])
    doc.heading("1. Prepaid Hours")
    doc.para(
        f"The Customer purchases a block of {hours} support hours per month for a fee of "
        f"{_money(deal.fee)} per month. Hours used beyond the block are billed at the rates below."
    )
    exp.recurring_fees = [
        {"amount": f"{deal.fee:.2f}", "currency": "USD", "period": "month", "included_hours": hours}
    ]
    _term_clauses(doc, deal, rng, exp)
    doc.heading("3. Rate Card")
    roles = [
        ("Help Desk Technician", deal.rate),
        ("Field Engineer", deal.rate + 30),
        ("Senior Network Engineer", deal.rate + 60),
    ]
    rows = [["Role", "Standard Rate (per hour)", "After-Hours Rate (per hour)"]]
    exp.hourly_rates = []
    for role, rate in roles:
        after = rate * Decimal("1.5")
        rows.append([role, _money(rate), _money(after)])
        exp.hourly_rates += [
            {"role": role, "kind": "standard", "rate": f"{rate:.2f}", "currency": "USD"},
            {"role": role, "kind": "after_hours", "rate": f"{after:.2f}", "currency": "USD"},
        ]
    doc.table(rows)
    _coverage(doc, deal, exp)
    _legal_clauses(doc, deal, rng, exp, 4)
    # No SLA stated: the tier is inferred from coverage alone (24x7 or 12x5 gold, 8x5 silver).
    exp.service_tier = "silver" if deal.coverage == "8x5" else "gold"


def _renewal_letter(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.title("NOTICE OF RENEWAL")
    exp.document_type = "renewal letter"
    new_fee = deal.fee + Decimal(rng.choice([100, 200, 300]))
    renew = deal.end
    renew_end = _add_months(renew, 12)
    doc.para(f"Date: {_long(deal.signed)}")
    doc.para(
        f'Re: Renewal of the Managed Support Agreement between {deal.provider} ("Provider") '
        f'and {deal.customer} ("Customer")'
    )
    doc.para(
        f"We are pleased to confirm that the renewal term will commence on {_long(renew)} and "
        f"end on {_long(renew_end)}."
    )
    doc.para(
        f"From the start of the renewal term the monthly fee will be {_money(new_fee)}. All other "
        "terms of the agreement remain unchanged."
    )
    exp.effective_date = renew.isoformat()
    exp.expiration_date = renew_end.isoformat()
    exp.recurring_fees = [{"amount": f"{new_fee:.2f}", "currency": "USD", "period": "month"}]


def _amendment(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.title("FIRST AMENDMENT TO MASTER SERVICES AGREEMENT")
    exp.document_type = "amendment"
    doc.para(
        f'This First Amendment (the "Amendment") is entered into as of {_long(deal.signed)} by '
        f'and between {deal.provider} (the "Provider") and {deal.customer} (the "Customer").'
    )
    new_end = _add_months(deal.end, 12)
    doc.heading("1. Extension of Term")
    doc.para(f"The term of the Agreement is extended and shall expire on {_long(new_end)}.")
    exp.expiration_date = new_end.isoformat()
    doc.heading("2. Fees")
    doc.para(f"The monthly fee is amended to {_money(deal.fee)} per month.")
    exp.recurring_fees = [{"amount": f"{deal.fee:.2f}", "currency": "USD", "period": "month"}]
    doc.heading("3. Governing Law")
    doc.para(f"This Amendment shall be governed by the laws of the State of {deal.state}.")
    exp.governing_law = deal.state


def _nda(doc: _Doc, deal: _Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MUTUAL NON-DISCLOSURE AGREEMENT", rng, "Mutual Non-Disclosure Agreement")
    exp.document_type = "NDA"
    years = rng.choice([2, 3])
    doc.heading("1. Term")
    doc.para(
        f"This Agreement shall remain in effect for {_num(years)} years from the date first "
        "written above."
    )
    exp.initial_term = {"n": years, "unit": "year"}
    exp.expiration_date = _add_months(deal.signed, 12 * years).isoformat()
    doc.heading("2. Governing Law")
    doc.para(f"This Agreement shall be governed by the laws of the State of {deal.state}.")
    exp.governing_law = deal.state


_WRITERS = {
    "msa_sla": _msa_sla,
    "managed_prose": _managed_prose,
    "block_hours": _block_hours,
    "renewal_letter": _renewal_letter,
    "amendment": _amendment,
    "nda": _nda,
}


def generate_contract(spec: DemoContractSpec, path: Path | str) -> ExpectedTerms:
    """Write one contract PDF to `path` and return what it states."""
    rng = random.Random(f"{spec.template}:{spec.seed}")
    deal = _Deal.draw(rng)
    exp = ExpectedTerms(
        template=spec.template,
        document_type="",
        provider=deal.provider,
        customer=deal.customer,
        agreement_date=deal.signed.isoformat(),
    )
    doc = _Doc()
    _WRITERS[spec.template](doc, deal, rng, exp)
    if exp.effective_date is None and spec.template not in ("renewal_letter",):
        exp.effective_date = deal.signed.isoformat()
    doc.pad_to(spec.pages, rng)
    doc.heading("Signatures")
    doc.para(
        f"Signed for {deal.provider} by its authorised officer, and for {deal.customer} by its "
        "authorised officer."
    )
    exp.pages = doc.save(Path(path))
    return exp


def write_demo_set(
    folder: Path | str, n: int, seed: int = 0, pages: int = 2
) -> list[tuple[Path, ExpectedTerms]]:
    """Write `n` contracts cycling through the templates; returns (path, expected) pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        path = folder / f"contract_{seed}_{i:04d}_{template}.pdf"
        out.append(
            (path, generate_contract(DemoContractSpec(template, seed * 100_000 + i, pages), path))
        )
    return out


def write_fixtures(folder: Path | str) -> dict[str, Path]:
    """Bad-input fixtures: encrypted, scanned (image only), truncated, empty, fake PDFs.

    The encrypted one opens with password 'desk-2024'; the scan is a rendered page of a
    generated contract, so OCR would find real text on it.
    """
    import io

    import pypdfium2 as pdfium

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    spec = DemoContractSpec("managed_prose", seed=7, pages=2)
    plain = folder / "managed_services.pdf"
    generate_contract(spec, plain)
    out["plain"] = plain

    rng = random.Random("encrypted")
    doc = _Doc()
    deal = _Deal.draw(rng)
    _managed_prose(
        doc, deal, rng, ExpectedTerms("managed_prose", "", deal.provider, deal.customer, "")
    )
    doc.pdf.set_encryption(owner_password="owner-2024", user_password="desk-2024")  # noqa: S106
    out["encrypted"] = folder / "encrypted.pdf"
    doc.save(out["encrypted"])

    pdf = pdfium.PdfDocument(str(plain))
    page = pdf[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    page.close()
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    scan = FPDF(format="Letter")
    scan.add_page()
    scan.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=scan.w, h=scan.h)
    out["scanned"] = folder / "scanned.pdf"
    scan.output(str(out["scanned"]))

    data = plain.read_bytes()
    out["corrupt"] = folder / "truncated.pdf"
    out["corrupt"].write_bytes(data[: len(data) // 2])
    out["empty"] = folder / "empty.pdf"
    out["empty"].write_bytes(b"")
    out["png"] = folder / "really_a_png.pdf"
    out["png"].write_bytes(buffer.getvalue())
    out["text"] = folder / "really_text.pdf"
    out["text"].write_text("This is a plain text note, not a PDF.\n", encoding="utf-8")
    return out
