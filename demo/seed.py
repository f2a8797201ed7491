"""Build a realistic demo company: deterministic for a seed, relative to `today`.

~120 clients, ~300 contracts (all tiers, pricing models and renewal stages), ~200k tickets
over two years, pauses and breaches, time entries (some clients over their hours, some
under), technicians with credentials (some expiring), invoices and payments (some overdue).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import holidays as holidays_lib
import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from access.passwords import hash_password
from access.roles import Actor
from billing.frames import contract_from_row
from billing.periods import invoice_key, iter_periods, prorate
from contracts.schema import client_name_key
from db.calendars import load_calendars
from db.engine import session_scope
from db.models import (
    Calendar,
    CalendarHoliday,
    Client,
    CompanyHolding,
    ComplianceRequirement,
    Contact,
    Contract,
    ContractService,
    Invoice,
    InvoiceLine,
    Payment,
    RenewalOpportunity,
    Setting,
    Site,
    SlaPolicy,
    SlaTarget,
    Technician,
    TechnicianAssignment,
    TechnicianCredential,
    Ticket,
    TicketEvent,
    TimeEntry,
    User,
)
from demo import catalogue as cat
from demo.work import ContractRow, pause_events, tickets_frame, time_entries_frame

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
        _compliance(s, rng, rows, today)
        s.flush()
        report.counts.update(clients=len(clients), contracts=len(rows), technicians=len(techs))
    _work(engine, rng, rows, size.tickets, now, report)
    _invoices(engine, rng, rows, today, report)
    _billing_run(engine, today, report)
    if documents:
        _documents(engine, rows, pdf_folder, documents, seed, report)
    report.seconds = time.perf_counter() - started
    return report


def _billing_run(engine, today: date, report: SeedReport) -> None:
    """Last month's billing run, as a manager would have done it: drafts for what the seeded
    invoices left out, findings with reasons, and the accuracy the dashboards show."""
    from access.roles import SYSTEM
    from db.billing.run import run_billing

    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with session_scope(engine) as s:
        result = run_billing(session=s, actor=SYSTEM, period=period)
    report.counts["billing findings"] = result.findings


def _documents(engine, rows, folder: Path | None, n: int, seed: int, report) -> None:
    """Generated contract PDFs, stored like uploads on the first demo clients."""
    from db.documents.review import set_document_contract
    from db.documents.upload import store_upload
    from demo.contract_pdfs import write_demo_set

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(folder) if folder else Path(tmp)
        written = write_demo_set(target, n, seed=seed)
        admin = Actor(user_id=None, username="demo-seed", role="admin")
        for (path, _expected), row in zip(written, rows, strict=False):
            with session_scope(engine) as s:
                stored = store_upload(
                    session=s,
                    actor=admin,
                    filename=path.name,
                    data=path.read_bytes(),
                    client_id=row.client_id,
                )
                set_document_contract(
                    session=s, actor=admin, document_id=stored.document_id, contract_id=row.id
                )
    report.counts.update(documents=len(written))
    if folder:
        report.pdf_folder = str(folder)


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


def _compliance(s, rng, rows, today) -> None:
    s.add_all(
        [
            CompanyHolding(
                kind="insurance",
                name="Professional indemnity",
                cover_amount=Decimal("2000000"),
                currency="GBP",
                expires_on=today + timedelta(days=45),
            ),
            CompanyHolding(
                kind="insurance",
                name="General liability",
                cover_amount=Decimal("5000000"),
                currency="GBP",
                expires_on=today + timedelta(days=220),
            ),
            CompanyHolding(
                kind="insurance",
                name="Cyber",
                cover_amount=Decimal("1000000"),
                currency="GBP",
                expires_on=today + timedelta(days=300),
            ),
            CompanyHolding(
                kind="certification", name="ISO 27001", expires_on=today + timedelta(days=400)
            ),
            CompanyHolding(
                kind="certification",
                name="Cyber Essentials Plus",
                expires_on=today - timedelta(days=10),
            ),
        ]
    )
    for r in rows:
        if rng.random() < 0.35:
            s.add(
                ComplianceRequirement(
                    contract_id=r.id,
                    kind="credential",
                    name="Background check",
                    applies_to="onsite",
                )
            )
        if rng.random() < 0.3:
            s.add(
                ComplianceRequirement(
                    contract_id=r.id,
                    kind="insurance",
                    name="Professional indemnity",
                    minimum_cover=Decimal(str(int(rng.choice([1, 2, 5])) * 1_000_000)),
                    currency="GBP",
                )
            )
        if rng.random() < 0.15:
            s.add(
                ComplianceRequirement(
                    contract_id=r.id,
                    kind="certification",
                    name=str(rng.choice(["ISO 27001", "Cyber Essentials Plus"])),
                )
            )
    s.add(Setting(key="review.auto_accept_confidence", value=0.95))


def _records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as dicts: None for missing values, Python datetimes to the microsecond."""
    cols = {}
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.floor("us")
            cols[col] = [None if pd.isna(v) else v.to_pydatetime() for v in series]
        else:
            cols[col] = [
                None if (not isinstance(v, str) and pd.isna(v)) else v
                for v in series.astype(object)
            ]
    return [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]


def _work(engine, rng, rows, n, now, report) -> None:
    t = tickets_frame(rng, rows, n, now)
    t["id"] = np.arange(1, len(t) + 1)
    t["source"] = "demo"
    t["external_id"] = [f"D-{i:07d}" for i in t["id"]]
    t["subject"] = t["service_type"].str.capitalize() + " request"
    t["technician_id"] = t["technician_id"].where(t["technician_id"] > 0, None)
    ev = pause_events(rng, t, now)
    ev["ticket_id"] = t["id"].to_numpy()[ev.pop("ticket_row").to_numpy()]
    te = time_entries_frame(rng, t, rows)
    te["ticket_id"] = t["id"].to_numpy()[te.pop("ticket_row").to_numpy()]
    cur = {r.id: c for r, c in zip(rows, _currencies(engine, rows), strict=True)}
    te["currency"] = te["contract_id"].map(cur)
    _price_entries(engine, rng, te, rows)
    ticket_cols = [
        "id",
        "source",
        "external_id",
        "client_id",
        "contract_id",
        "technician_id",
        "subject",
        "service_type",
        "priority",
        "status",
        "created_at",
        "first_response_at",
        "resolved_at",
        "csat",
    ]
    with engine.begin() as conn:
        for chunk in range(0, len(t), 50_000):
            conn.execute(insert(Ticket), _records(t[ticket_cols].iloc[chunk : chunk + 50_000]))
        if len(ev):
            conn.execute(insert(TicketEvent), _records(ev[["ticket_id", "at", "kind", "value"]]))
        for chunk in range(0, len(te), 50_000):
            conn.execute(insert(TimeEntry), _records(te.iloc[chunk : chunk + 50_000]))
    _set_included_hours(engine, rows, te, now)
    report.counts.update(tickets=len(t), ticket_events=len(ev), time_entries=len(te))


def _price_entries(engine, rng, te: pd.DataFrame, rows) -> None:
    """Charge what the contract says: role rate, x multiplier outside coverage; approve most
    out-of-scope work. A few entries keep a stale rate so billing validation has work to do."""
    with Session(engine) as s:
        cal_of = dict(s.query(Contract.id, Contract.calendar_id).all())
        calendars = load_calendars(session=s)
    started = pd.to_datetime(te["started_at"], utc=True)
    after = np.zeros(len(te), dtype=bool)
    cal_ids = te["contract_id"].map(cal_of).to_numpy()
    for cal_id in pd.unique(cal_ids):
        mask = cal_ids == cal_id
        after[mask] = ~np.asarray(calendars[cal_id].is_covered_many(started[mask]))
    base = {r.id: r.hourly_rate for r in rows}
    rates = []
    for cid, role, off, old in zip(
        te["contract_id"], te["role"], after, te["rate_charged"], strict=True
    ):
        rate = base[cid] + (Decimal(40) if role == "senior engineer" else Decimal(0))
        rate = rate * Decimal("1.5") if off else rate
        stale = old != base[cid]  # time_entries_frame marked it as charged at a stale rate
        rates.append((rate + Decimal(10) if stale else rate).quantize(Decimal("0.01")))
    te["rate_charged"] = rates
    included = {r.id: set(r.included) for r in rows}
    out_of_scope = np.array(
        [st not in included[c] for c, st in zip(te["contract_id"], te["service_type"], strict=True)]
    )
    te["approved"] = out_of_scope & (rng.random(len(te)) < 0.6)


def _currencies(engine, rows) -> list[str]:
    with Session(engine) as s:
        found = dict(s.query(Contract.id, Contract.currency).all())
    return [found[r.id] for r in rows]


def _set_included_hours(engine, rows, te, now) -> None:
    """Contracted hours = what the client really uses / its usage factor (over/under use)."""
    used = te.groupby("contract_id")["minutes"].sum() / 60
    months = {
        r.id: max(
            1.0,
            (min(r.end, now.date()) - max(r.start, (now - timedelta(days=730)).date())).days / 30.4,
        )
        for r in rows
    }
    with Session(engine) as s, s.begin():
        for r in rows:
            c = s.get(Contract, r.id)
            per_month = float(used.get(r.id, 0.0)) / months[r.id]
            c.included_hours = Decimal(str(max(2, round(per_month / r.usage))))
            if c.rollover:
                c.rollover_cap_hours = c.included_hours


def _invoices(engine, rng, rows, today, report) -> None:
    """Invoices for the last 12 months, on the billing engine's own periods and keys (so a
    billing run finds them instead of drafting duplicates); most paid, some late or overdue.
    """
    inv, lines, pays = [], [], []
    with Session(engine) as s:
        contracts = {c.id: c for c in s.query(Contract).all()}
    next_id = 1
    # A few clients pay late and leave invoices overdue; most pay on time.
    clients = sorted({r.client_id for r in rows})
    slow_payers = set(rng.choice(clients, size=max(1, len(clients) // 12), replace=False))
    for r in rows:
        c = contracts[r.id]
        billing = contract_from_row(
            {
                "id": c.id,
                "client_id": c.client_id,
                "currency": c.currency,
                "pricing_model": c.pricing_model,
                "billing_cycle": c.billing_cycle,
                "billing_timing": c.billing_timing,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "recurring_fee": c.recurring_fee,
                "unit_price": c.unit_price,
                "unit_count": c.unit_count,
                "included_hours": c.included_hours,
                "overage_rate": c.overage_rate,
                "hourly_rate": c.hourly_rate,
                "after_hours_multiplier": c.after_hours_multiplier,
                "role_rates": c.role_rates,
                "rollover": c.rollover,
                "rollover_cap_hours": c.rollover_cap_hours,
                "timezone": c.timezone,
            }
        )
        first = today - relativedelta(months=12)
        for period in iter_periods(billing, until=today + timedelta(days=1)):
            if period.start < first:
                continue
            ms, me = period.start, period.last_day
            amount = c.recurring_fee or ((c.unit_price or Decimal(0)) * (c.unit_count or 0))
            if c.pricing_model == "time_materials":
                amount = c.hourly_rate * Decimal(int(rng.integers(5, 40)))
            amount = prorate(amount, period).quantize(Decimal("0.01"))
            due = ms + timedelta(days=30)
            roll = rng.random()
            slow = r.client_id in slow_payers
            if due > today:
                status = "issued"
            elif roll < (0.2 if slow else 0.004):
                status = "overdue"
            elif roll < (0.3 if slow else 0.012):
                status = "partially_paid"
            else:
                status = "paid"
            inv.append(
                dict(
                    id=next_id,
                    number=f"INV-{ms:%Y%m}-{r.id:04d}",
                    key=invoice_key(r.id, period),
                    client_id=r.client_id,
                    contract_id=r.id,
                    period_start=ms,
                    period_end=me,
                    issue_date=ms,
                    due_date=due,
                    status=status,
                    currency=c.currency,
                    total=amount,
                )
            )
            lines.append(
                dict(
                    invoice_id=next_id,
                    kind="fee",
                    description=f"{c.title} {ms:%B %Y}",
                    quantity=Decimal(1),
                    unit_price=amount,
                    amount=amount,
                    rule=c.pricing_model,
                )
            )
            if status in ("paid", "partially_paid"):
                late = int(
                    rng.choice(
                        [-5, 0, 3, 20, 45],
                        p=[0.3, 0.2, 0.2, 0.2, 0.1] if slow else [0.62, 0.3, 0.05, 0.025, 0.005],
                    )
                )
                paid = amount if status == "paid" else (amount / 2).quantize(Decimal("0.01"))
                pays.append(
                    dict(
                        invoice_id=next_id,
                        paid_on=min(today, due + timedelta(days=late)),
                        amount=paid,
                        method="bank transfer",
                    )
                )
            next_id += 1
    with engine.begin() as conn:
        if inv:
            conn.execute(insert(Invoice), inv)
            conn.execute(insert(InvoiceLine), lines)
        if pays:
            conn.execute(insert(Payment), pays)
    report.counts.update(invoices=len(inv), payments=len(pays))
