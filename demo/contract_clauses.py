"""The clauses of the generated contracts, and one writer per template (`WRITERS`): the
same terms in different real-world wordings, each recorded in `ExpectedTerms`."""

from __future__ import annotations

import random
from decimal import Decimal

from demo.contract_facts import (
    COVERAGES,
    EXCLUDED,
    INCLUDED,
    LABELS,
    SLA_BY_COVERAGE,
    TIERS,
    Deal,
    ExpectedTerms,
    add_months,
    dollars,
    long_date,
    minutes_text,
    spelled,
)
from demo.pdf_writer import Doc


def _preamble(doc: Doc, deal: Deal, title: str, rng: random.Random, what: str) -> None:
    doc.title(title)
    forms = [
        f'This {what} (the "Agreement") is entered into as of {long_date(deal.signed)} '
        "by and between "
        f'{deal.provider}, a Delaware limited liability company (the "Provider"), and '
        f'{deal.customer}, a {deal.state} corporation (the "Customer").',
        f'THIS {what.upper()} (this "Agreement") is dated {long_date(deal.signed)} '
        "and is made between "
        f'{deal.provider} ("Provider") and {deal.customer} ("Customer").',
    ]
    doc.para(rng.choice(forms))


def _term_clauses(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.heading("2. Term and Renewal")
    plural = "s" if deal.years > 1 else ""
    if rng.random() < 0.5:
        doc.para(
            f'This Agreement shall commence on {long_date(deal.start)} (the "Effective Date") and '
            f"shall continue for an initial term of {spelled(deal.years)} year{plural}."
        )
        doc.para(
            "Thereafter, this Agreement shall automatically renew for successive one (1) year "
            "periods unless either party gives written notice of non-renewal at least "
            f"{spelled(deal.notice_days)} days prior to the end of the then-current term."
        )
        exp.renewal_term = {"n": 1, "unit": "year"}
    else:
        doc.para(
            f'The Services start on {long_date(deal.start)} (the "Effective Date"). '
            "The initial term "
            f"of this Agreement is {spelled(deal.years)} year{plural} from the Effective Date."
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


def _legal_clauses(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms, n: int) -> None:
    cap = Decimal(rng.choice([250000, 500000, 1000000]))
    cover = Decimal(rng.choice([1000000, 2000000, 5000000]))
    doc.heading(f"{n}. Insurance")
    doc.para(
        "The Provider shall maintain, at its own cost, commercial general liability insurance with "
        f"limits of not less than {dollars(cover)} per occurrence and professional liability "
        f"insurance of at least {dollars(cover / 2)} for the duration of this Agreement."
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
        f"this Agreement shall not exceed {dollars(cap)}."
    )
    exp.liability_cap = {"amount": f"{cap:.2f}", "currency": "USD", "basis": None}
    doc.heading(f"{n + 4}. Termination")
    notice = rng.choice([30, 60])
    doc.para(
        "Either party may terminate this Agreement for convenience upon "
        f"{spelled(notice)} days' prior written notice to the other party."
    )
    exp.termination_notice = {"n": notice, "unit": "day"}
    doc.heading(f"{n + 5}. Governing Law")
    doc.para(
        "This Agreement shall be governed by and construed in accordance with the laws of the "
        f"State of {deal.state}, without regard to its conflict of laws principles."
    )
    exp.governing_law = deal.state


def _coverage(doc: Doc, deal: Deal, exp: ExpectedTerms) -> None:
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


def _sla_expected(deal: Deal) -> dict:
    out = {}
    for p, (resp, res) in SLA_BY_COVERAGE[deal.coverage].items():
        out[p] = {"response": minutes_text(resp)[1], "resolution": {"n": res, "unit": "hour"}}
    return out


def _scope(doc: Doc, rng: random.Random, exp: ExpectedTerms) -> None:
    included = rng.sample(INCLUDED, 4)
    excluded = rng.sample(EXCLUDED, 3)
    doc.heading("Included Services")
    doc.bullets(included)
    doc.heading("Excluded Services")
    doc.bullets(excluded)
    exp.included_services, exp.excluded_services = included, excluded


def _escalation(doc: Doc, deal: Deal, exp: ExpectedTerms, as_table: bool) -> None:
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


def _msa_sla(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MASTER SERVICES AGREEMENT", rng, "Master Services Agreement")
    exp.document_type = "MSA"
    doc.heading("1. Services")
    doc.para(
        "The Provider shall provide the IT support services described in Schedule A and shall "
        'meet the service levels in Schedule B (the "SLA Schedule").'
    )
    _term_clauses(doc, deal, rng, exp)
    doc.heading("3. Fees")
    doc.para(f"The Customer shall pay a monthly fee of {dollars(deal.fee)}, invoiced in advance.")
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
            [f"{p} - {LABELS[p]}", f"{LABELS[p]} impact", minutes_text(resp)[0], f"{res} hours"]
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


def _managed_prose(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MANAGED SERVICES AGREEMENT", rng, "Managed Services Agreement")
    exp.document_type = "managed services agreement"
    tier = TIERS[deal.coverage].capitalize()
    doc.heading("1. Service Plan")
    doc.para(f"The Customer subscribes to the {tier} Support plan.")
    _coverage(doc, deal, exp)
    _term_clauses(doc, deal, rng, exp)
    doc.heading("3. Charges")
    doc.para(
        f"In consideration of the Services, the Customer will pay a fee of {dollars(deal.fee)} "
        f"per month. Work outside the support hours is charged at {dollars(deal.after_rate)} "
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
            f"{minutes_text(resp)[0]} and resolve the incident within {res} hours."
        )
    exp.sla_targets = _sla_expected(deal)
    _scope(doc, rng, exp)
    _escalation(doc, deal, exp, as_table=False)
    _legal_clauses(doc, deal, rng, exp, 6)
    exp.service_tier = TIERS[deal.coverage]


def _block_hours(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "BLOCK HOURS SUPPORT AGREEMENT", rng, "Block Hours Support Agreement")
    exp.document_type = "block hours agreement"
    hours = rng.choice([10, 20, 40])
    doc.heading("1. Prepaid Hours")
    doc.para(
        f"The Customer purchases a block of {hours} support hours per month for a fee of "
        f"{dollars(deal.fee)} per month. Hours used beyond the block are billed at the rates below."
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
        rows.append([role, dollars(rate), dollars(after)])
        exp.hourly_rates += [
            {"role": role, "kind": "standard", "rate": f"{rate:.2f}", "currency": "USD"},
            {"role": role, "kind": "after_hours", "rate": f"{after:.2f}", "currency": "USD"},
        ]
    doc.table(rows)
    _coverage(doc, deal, exp)
    _legal_clauses(doc, deal, rng, exp, 4)
    # No SLA stated: the tier is inferred from coverage alone (24x7 or 12x5 gold, 8x5 silver).
    exp.service_tier = "silver" if deal.coverage == "8x5" else "gold"


def _renewal_letter(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.title("NOTICE OF RENEWAL")
    exp.document_type = "renewal letter"
    new_fee = deal.fee + Decimal(rng.choice([100, 200, 300]))
    renew = deal.end
    renew_end = add_months(renew, 12)
    doc.para(f"Date: {long_date(deal.signed)}")
    doc.para(
        f'Re: Renewal of the Managed Support Agreement between {deal.provider} ("Provider") '
        f'and {deal.customer} ("Customer")'
    )
    doc.para(
        f"We are pleased to confirm that the renewal term will commence on {long_date(renew)} and "
        f"end on {long_date(renew_end)}."
    )
    doc.para(
        f"From the start of the renewal term the monthly fee will be {dollars(new_fee)}. All other "
        "terms of the agreement remain unchanged."
    )
    exp.effective_date = renew.isoformat()
    exp.expiration_date = renew_end.isoformat()
    exp.recurring_fees = [{"amount": f"{new_fee:.2f}", "currency": "USD", "period": "month"}]


def _amendment(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    doc.title("FIRST AMENDMENT TO MASTER SERVICES AGREEMENT")
    exp.document_type = "amendment"
    doc.para(
        f'This First Amendment (the "Amendment") is entered into as of {long_date(deal.signed)} by '
        f'and between {deal.provider} (the "Provider") and {deal.customer} (the "Customer").'
    )
    new_end = add_months(deal.end, 12)
    doc.heading("1. Extension of Term")
    doc.para(f"The term of the Agreement is extended and shall expire on {long_date(new_end)}.")
    exp.expiration_date = new_end.isoformat()
    doc.heading("2. Fees")
    doc.para(f"The monthly fee is amended to {dollars(deal.fee)} per month.")
    exp.recurring_fees = [{"amount": f"{deal.fee:.2f}", "currency": "USD", "period": "month"}]
    doc.heading("3. Governing Law")
    doc.para(f"This Amendment shall be governed by the laws of the State of {deal.state}.")
    exp.governing_law = deal.state


def _nda(doc: Doc, deal: Deal, rng: random.Random, exp: ExpectedTerms) -> None:
    _preamble(doc, deal, "MUTUAL NON-DISCLOSURE AGREEMENT", rng, "Mutual Non-Disclosure Agreement")
    exp.document_type = "NDA"
    years = rng.choice([2, 3])
    doc.heading("1. Term")
    doc.para(
        f"This Agreement shall remain in effect for {spelled(years)} years from the date first "
        "written above."
    )
    exp.initial_term = {"n": years, "unit": "year"}
    exp.expiration_date = add_months(deal.signed, 12 * years).isoformat()
    doc.heading("2. Governing Law")
    doc.para(f"This Agreement shall be governed by the laws of the State of {deal.state}.")
    exp.governing_law = deal.state


WRITERS = {
    "msa_sla": _msa_sla,
    "managed_prose": _managed_prose,
    "block_hours": _block_hours,
    "renewal_letter": _renewal_letter,
    "amendment": _amendment,
    "nda": _nda,
}
