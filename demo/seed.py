"""Build a realistic demo company: deterministic for a seed, relative to `today`.

~120 clients, ~300 contracts (all tiers, pricing models and renewal stages), ~200k tickets
over two years, pauses and breaches, time entries (some clients over their hours, some
under), technicians with credentials (some expiring), invoices and payments (some overdue).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import holidays as holidays_lib
import numpy as np
from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from access.passwords import hash_password
from contracts.schema import client_name_key
from db.engine import session_scope
from db.models import (
    Calendar,
    CalendarHoliday,
    Client,
    Contact,
    Contract,
    ContractService,
    RenewalOpportunity,
    Site,
    SlaPolicy,
    SlaTarget,
    Technician,
    TechnicianAssignment,
    TechnicianCredential,
    User,
)
from db.sequences import reset_sequences
from demo import catalogue as cat
from demo.documents import store_documents
from demo.invoices import billing_run, store_invoices
from demo.requirements import store_requirements
from demo.work import ContractRow
from demo.work_rows import store_work

# Demo-only accounts: they exist only in demo data and are printed by the seed command.
DEMO_USERS = [
    ("admin", "admin", "Ada Admin", "demo-admin-pass"),
    ("manager", "manager", "Max Manager", "demo-manager-pass"),
    ("manager2", "manager", "Mia Manager", "demo-manager-pass"),
    ("exec", "executive", "Eve Executive", "demo-exec-pass"),
    ("tech", "technician", "Tom Technician", "demo-tech-pass"),
]
TIER_FEE = {"platinum": 9000, "gold": 5000, "silver": 2500, "bronze": 1200}


@dataclass(frozen=True)
class SeedSize:
    clients: int = 120
    contracts: int = 300
    tickets: int = 200_000
    technicians: int = 24


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0
    pdf_folder: str | None = None


def seed(
    engine: Engine,
    *,
    seed: int = 42,
    size: SeedSize = SeedSize(),
    today: date | None = None,
    pdf_folder: Path | None = None,
    documents: int = 6,
) -> SeedReport:
    """Fill an empty, migrated store with the demo company.

    `documents` generated contract PDFs are written to `pdf_folder` (a temp folder when
    None) for the upload demo, and stored with their extracted terms, pending review.
    """
    started = time.perf_counter()
    today = today or datetime.now(UTC).date()
    now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=10)
    rng = np.random.default_rng(seed)
    report = SeedReport()
    with session_scope(engine) as s:
        users = _users(s, report)
        cal_ids = _calendars(s, today)
        _tier_policies(s, today)
        clients = _clients(s, rng, size.clients, users)
        techs = _technicians(s, rng, size.technicians, clients, users, today)
        rows = _contracts(s, rng, size.contracts, clients, cal_ids, users, techs, today)
        store_requirements(s, rng, rows, today)
        s.flush()
        report.counts.update(clients=len(clients), contracts=len(rows), technicians=len(techs))
    store_work(engine, rng, rows, size.tickets, now, report)
    store_invoices(engine, rng, rows, today, report)
    reset_sequences(engine)  # tickets and invoices were written with explicit ids
    billing_run(engine, today, report)
    if documents:
        store_documents(engine, rows, pdf_folder, documents, seed, report)
    report.seconds = time.perf_counter() - started
    return report


def _users(s: Session, report: SeedReport) -> dict[str, User]:
    out = {}
    for username, role, name, password in DEMO_USERS:
        u = User(
            username=username,
            role=role,
            display_name=name,
            email=f"{username}@contractdesk.example",
            password_hash=hash_password(password),
        )
        s.add(u)
        out[username] = u
        report.users.append((username, role, password))
    s.flush()
    return out


def _calendars(s: Session, today: date) -> list[int]:
    ids = []
    years = range(today.year - 3, today.year + 4)
    for name, spec, tz, country, sub in cat.CALENDARS:
        c = Calendar(name=name, spec=spec, timezone=tz, country=country, subdivision=sub)
        if country:
            for day, hname in sorted(
                holidays_lib.country_holidays(country, subdiv=sub, years=years).items()
            ):
                c.holidays.append(CalendarHoliday(day=day, name=hname[:120]))
        s.add(c)
        s.flush()
        ids.append(c.id)
    return ids


def _tier_policies(s: Session, today: date) -> None:
    for tier, table in cat.TIER_TARGETS.items():
        p = SlaPolicy(tier=tier, effective_from=date(2000, 1, 1))
        for prio, (resp, res) in table.items():
            p.targets.append(
                SlaTarget(
                    priority=prio,
                    service_type="*",
                    response_minutes=resp,
                    resolution_minutes=res,
                    calendar="24x7" if tier in cat.TIER_24X7_P1 and prio == "P1" else "contract",
                )
            )
        s.add(p)


def _person(rng: np.random.Generator) -> str:
    return f"{rng.choice(cat.FIRST)} {rng.choice(cat.LAST)}"


def _clients(s: Session, rng, n: int, users: dict[str, User]) -> list[Client]:
    names, out = set(), []
    managers = [users["manager"].id, users["manager2"].id]
    while len(out) < n:
        name = f"{rng.choice(cat.PREFIXES)} {rng.choice(cat.SUFFIXES)}"
        if name in names:
            name = f"{name} {len(out) + 1}"
        names.add(name)
        c = Client(
            name=name,
            name_key=client_name_key(name),
            industry=str(rng.choice(cat.INDUSTRIES)),
            account_manager_id=managers[len(out) % 2],
            email_opt_out=bool(rng.random() < 0.05),
        )
        city, country = cat.CITIES[int(rng.integers(len(cat.CITIES)))]
        for i in range(int(rng.integers(1, 4))):
            c.sites.append(
                Site(
                    name="Head office" if i == 0 else f"Branch {i}",
                    city=city,
                    country=country,
                    address=f"{int(rng.integers(1, 300))} {rng.choice(cat.LAST)} Street",
                    access_instructions=str(
                        rng.choice(
                            [
                                "Sign in at reception; visitor badge required.",
                                "Park in bays 12-14; call the office manager on arrival.",
                                "Server room key held by facilities; escort required.",
                                "Security check at gate: photo ID needed.",
                            ]
                        )
                    ),
                )
            )
        slug = name.lower().replace(" ", "").replace("'", "")[:20]
        for level in (1, 2):
            person = _person(rng)
            c.contacts.append(
                Contact(
                    name=person,
                    title="IT lead" if level == 1 else "Operations director",
                    email=f"{person.split()[0].lower()}@{slug}.example",
                    phone=f"+44 20 7946 {int(rng.integers(1000, 9999))}",
                    is_escalation=True,
                    escalation_level=level,
                )
            )
        c.contacts.append(
            Contact(
                name=_person(rng),
                title="Office manager",
                email=f"office@{slug}.example",
                phone=None,
            )
        )
        s.add(c)
        out.append(c)
    s.flush()
    return out


def _technicians(s, rng, n, clients, users, today) -> list[Technician]:
    out = []
    for i in range(n):
        t = Technician(
            name=_person(rng) if i else "Tom Technician",
            email=f"tech{i}@contractdesk.example",
            phone=f"+44 7700 900{i:03d}",
            role="engineer" if i % 4 else "senior engineer",
            cost_rate=Decimal(str(35 + 5 * (i % 5))),
            user_id=users["tech"].id if i == 0 else None,
        )
        for j, cred in enumerate(cat.CREDENTIALS):
            if rng.random() < (0.5 if cred != "Background check" else 0.85):
                issued = today - timedelta(days=int(rng.integers(30, 900)))
                # Spread expiries: some lapsed, some within 60 days, most later.
                expiry = today + timedelta(days=int(rng.choice([-20, 25, 55, 120, 400, 800])))
                t.credentials.append(
                    TechnicianCredential(
                        name=cred, issued_on=issued, expires_on=None if j == 5 else expiry
                    )
                )
        s.add(t)
        out.append(t)
    s.flush()
    for k, c in enumerate(clients):
        for t in {out[k % n], out[(k * 7 + 3) % n]}:
            s.add(TechnicianAssignment(technician_id=t.id, client_id=c.id))
    return out


def _contracts(s, rng, n, clients, cal_ids, users, techs, today) -> list[ContractRow]:
    tiers = ["platinum", "gold", "silver", "bronze"]
    models = ["fixed", "per_unit", "block_hours", "time_materials"]
    # Days from today to the end date: every renewal stage is represented.
    stage_days = [(-75, -1), (0, 30), (31, 60), (61, 90), (91, 720)]
    stage_p = [0.08, 0.1, 0.12, 0.12, 0.58]
    assigned: dict[int, list[int]] = {}
    for a in s.query(TechnicianAssignment).all():
        assigned.setdefault(a.client_id, []).append(a.technician_id)
    rows = []
    for i in range(n):
        client = clients[i % len(clients)]
        tier = tiers[int(rng.choice(4, p=[0.12, 0.28, 0.35, 0.25]))]
        model = models[i % 4]
        lo, hi = stage_days[int(rng.choice(5, p=stage_p))]
        end = today + timedelta(days=int(rng.integers(lo, hi + 1)))
        term = int(rng.choice([12, 24, 36]))
        while term < 36 and end - relativedelta(months=term) > today - timedelta(days=60):
            term += 12  # every demo contract started at least two months ago
        start = end - relativedelta(months=term) + timedelta(days=1)
        cal_i = int(rng.integers(len(cal_ids))) if tier != "platinum" else len(cal_ids) - 1
        tz = cat.CALENDARS[cal_i][2]
        fee = Decimal(TIER_FEE[tier]) * Decimal(str(round(float(rng.uniform(0.7, 1.4)), 2)))
        fee = fee.quantize(Decimal("0.01"))
        rate = Decimal(str(int(rng.choice([85, 95, 110, 125]))))
        auto = bool(rng.random() < 0.45)
        currency = {"Europe/London": "GBP", "Europe/Berlin": "EUR"}.get(tz, "USD")
        c = Contract(
            reference=f"C-{i + 1:04d}",
            client_id=client.id,
            title=f"{tier.title()} managed support",
            tier=tier,
            status="active" if end >= today else "expired",
            start_date=start,
            end_date=end,
            term_months=term,
            auto_renew=auto,
            renewal_term_months=12 if auto else None,
            notice_days=int(rng.choice([30, 60, 90])) if (auto or rng.random() < 0.7) else None,
            currency=currency,
            pricing_model=model,
            billing_cycle="monthly",
            billing_timing="advance" if model != "time_materials" else "arrears",
            # the demo's invoice history was built on anniversary periods (issue 16 item 7,
            # history from the engine, is where calendar alignment belongs in the demo)
            billing_alignment="anniversary",
            recurring_fee=fee if model in ("fixed", "block_hours") else None,
            unit_name="device" if model == "per_unit" else None,
            unit_price=Decimal(str(int(rng.choice([35, 45, 60])))) if model == "per_unit" else None,
            unit_count=int(rng.integers(20, 250)) if model == "per_unit" else None,
            included_hours=None,
            rollover=bool(model == "block_hours" and rng.random() < 0.5),
            hourly_rate=rate,
            overage_rate=rate if model == "block_hours" else None,
            after_hours_multiplier=Decimal("1.5"),
            role_rates={"engineer": str(rate), "senior engineer": str(rate + 40)},
            calendar_id=cal_ids[cal_i],
            timezone=tz,
            special_instructions=str(
                rng.choice(
                    [
                        "Call the office manager 30 minutes before any visit.",
                        "Changes to firewall rules need written approval from the IT lead.",
                        "No work in the trading room between 08:00 and 16:30.",
                        "Patient areas: clinical staff escort required.",
                    ]
                )
            ),
            account_manager_id=client.account_manager_id,
        )
        k_inc = {"platinum": 8, "gold": 6, "silver": 5, "bronze": 3}[tier]
        included = list(cat.INCLUDED)[:k_inc]
        for key in included:
            c.services.append(
                ContractService(kind="included", name=key, description=cat.INCLUDED[key])
            )
        for key, text in cat.EXCLUDED.items():
            c.services.append(ContractService(kind="excluded", name=key, description=text))
        monthly = fee if c.recurring_fee else (c.unit_price or rate * 10) * (c.unit_count or 1)
        c.value = (monthly * term).quantize(Decimal("0.01"))
        s.add(c)
        s.flush()
        usage = float(
            rng.choice([0.4, 0.8, 1.0, 1.0, 1.35, 1.6], p=[0.12, 0.25, 0.3, 0.13, 0.1, 0.1])
        )
        weight = {"platinum": 3.0, "gold": 2.0, "silver": 1.2, "bronze": 0.7}[tier]
        rows.append(
            ContractRow(
                id=c.id,
                client_id=client.id,
                tier=tier,
                start=start,
                end=end,
                tz=tz,
                is_24x7=cal_i == len(cal_ids) - 1,
                included=tuple(included),
                weight=weight * float(rng.uniform(0.6, 1.4)),
                usage=usage,
                hourly_rate=rate,
                technicians=tuple(assigned.get(client.id, [t.id for t in techs[:2]])),
            )
        )
        if end < today and rng.random() < 0.5:
            s.add(
                RenewalOpportunity(
                    contract_id=c.id,
                    term_end=end,
                    outcome="renewed" if rng.random() < 0.7 else "lost",
                    outcome_reason=None if rng.random() < 0.7 else "Moved to in-house IT",
                    closed_at=datetime.combine(end, datetime.min.time(), UTC),
                )
            )
    return rows
