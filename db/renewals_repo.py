"""The renewal pipeline against the store: stages, health, proposals, tasks, notices, outcomes.

Everything here loads rows, hands DataFrames to the pure ``renewals`` package and writes
back what the user decided (audited). Definitions the numbers rely on:

- **Live contract**: not deleted, status not ``draft`` or ``terminated``. Every live
  contract is on the board; one the stage rules cannot place lands in *needs data*.
- **Today** is the calendar day in each contract's own zone, so stages, tasks and
  notices flip at local midnight.
- **Outcome** of a contract is the renewal opportunity for its stored end date or, for
  auto-renewing contracts that rolled forward, for the term now in force. A contract
  that another contract names as its ``previous_contract_id`` counts as renewed.
- **Health inputs** (pipeline, all contracts at once): SLA compliance, CSAT and hours over
  the last 365 days; ticket trend last 90 days vs the 90 before; invoices issued in the
  last 365 days (void/draft ignored). Contracted hours = ``included_hours`` per month, pro
  rata by day over the part of the window the contract ran. SLA outcomes come from
  :func:`db.sla_repo.sla_outcomes` (decided = met or breached).
- **Weights** live in the ``renewals.health_weights`` setting (JSON object of the five
  component weights); a malformed value is reported and the documented defaults apply.
- **Outcome values**: an opportunity has no "new value" column; the value kept is the
  linked new contract's value, else the proposed value, else the current value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from access.roles import Actor, PermissionDenied, require
from db import audit
from db.models import (
    Client,
    Contact,
    Contract,
    Invoice,
    Notification,
    NotificationAttachment,
    Payment,
    RenewalOpportunity,
    RenewalTask,
    Setting,
    Ticket,
    TimeEntry,
    User,
)
from renewals.forecast import renewal_forecast
from renewals.health import (
    COMPONENTS,
    HealthScore,
    HealthWeights,
    at_risk,
    health_frame,
    score_health,
)
from renewals.healthcheck import (
    HealthCheck,
    health_check,
    paid_on_dates,
    terms_for,
    to_health_inputs,
)
from renewals.outcomes import Outcome, OutcomeRecord, renewal_rate
from renewals.periods import sla_by_month
from renewals.proposal import Proposal, proposal_content, proposal_markdown, proposal_pdf
from renewals.recommend import CurrentPlan, Recommendation, recommend
from renewals.stage import OUTCOME_STAGES, Stage, renewal_stage, stages
from renewals.tasks import OPEN_STAGES, Task, TaskKind, snooze, tasks_due

WEIGHTS_KEY = "renewals.health_weights"
WINDOW_DAYS = 365
LIVE_EXCLUDED = ("draft", "terminated")
BOARD = (
    Stage.HEALTH_CHECK,
    Stage.PROPOSAL,
    Stage.CLOSING,
    Stage.LAPSED,
    Stage.RENEWED,
    Stage.LOST,
    Stage.ACTIVE,
    Stage.NEEDS_DATA,
)
STAGE_LABELS = {
    Stage.ACTIVE: "Active (> 90 days)",
    Stage.HEALTH_CHECK: "90 days: health check",
    Stage.PROPOSAL: "60 days: proposal",
    Stage.CLOSING: "30 days: closing",
    Stage.LAPSED: "Lapsed",
    Stage.RENEWED: "Renewed",
    Stage.LOST: "Lost",
    Stage.NEEDS_DATA: "Needs data",
}
CLIENT_NOTICE_DAYS = 60  # client notices go out when the proposal stage starts


class NotFound(LookupError):
    pass


# --- settings ---------------------------------------------------------------------------


def health_weights(*, session: Session) -> tuple[HealthWeights, str | None]:
    """The configured weights, or the defaults and a sentence saying what is wrong."""
    row = session.get(Setting, WEIGHTS_KEY)
    if row is None or row.value is None:
        return HealthWeights(), None
    try:
        return _parse_weights(row.value), None
    except ValueError as exc:
        return HealthWeights(), f"Setting {WEIGHTS_KEY} is malformed ({exc}); defaults are used."


def _parse_weights(value: Any) -> HealthWeights:
    if not isinstance(value, dict):
        raise ValueError('expected an object such as {"sla": 0.3, ...}')
    unknown = sorted(set(value) - set(COMPONENTS))
    if unknown:
        raise ValueError(f"unknown components {unknown}; known: {', '.join(COMPONENTS)}")
    numbers = {}
    for name, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError(f"{name} must be a number")
        try:
            numbers[name] = float(raw)
        except ValueError as exc:
            raise ValueError(f"{name} must be a number, not {raw!r}") from exc
        if math.isinf(numbers[name]):
            raise ValueError(f"{name} must be finite")
    return HealthWeights(**{**asdict(HealthWeights()), **numbers})


def set_health_weights(*, session: Session, actor: Actor, weights: dict[str, Any]) -> HealthWeights:
    """Validate and store the weights (admins only); nothing is written when invalid."""
    require(actor, "settings")
    parsed = _parse_weights(weights)
    value = asdict(parsed)
    row = session.get(Setting, WEIGHTS_KEY)
    old = None if row is None else row.value
    if row is None:
        session.add(Setting(key=WEIGHTS_KEY, value=value))
    else:
        row.value = value
    audit.record(
        session=session, actor=actor, entity="setting", entity_id=None, action="update",
        field=WEIGHTS_KEY, old=None if old is None else str(old), new=str(value),
    )  # fmt: skip
    return parsed


# --- loading ------------------------------------------------------------------------------


def _local_today(now: datetime, tz: str) -> date:
    try:
        return now.astimezone(ZoneInfo(tz or "UTC")).date()
    except (KeyError, ValueError):
        return now.astimezone(UTC).date()


def _contracts(session: Session, contract_ids: list[int] | None = None) -> pd.DataFrame:
    manager = select(User.id, User.display_name, User.email).subquery()
    q = (
        select(
            Contract.id, Contract.reference, Contract.client_id, Client.name.label("client"),
            Contract.tier, Contract.status, Contract.start_date, Contract.end_date,
            Contract.term_months, Contract.auto_renew, Contract.notice_days,
            Contract.renewal_term_months, Contract.value, Contract.currency,
            Contract.included_hours, Contract.timezone, Contract.account_manager_id,
            manager.c.display_name.label("account_manager"),
            manager.c.email.label("manager_email"), Client.email_opt_out,
        )
        .join(Client, Client.id == Contract.client_id)
        .outerjoin(manager, manager.c.id == Contract.account_manager_id)
        .where(Contract.deleted_at.is_(None), Contract.status.not_in(LIVE_EXCLUDED))
        .order_by(Contract.id)
    )  # fmt: skip
    if contract_ids is not None:
        q = q.where(Contract.id.in_(contract_ids))
    rows = session.execute(q).all()
    frame = pd.DataFrame(rows, columns=list(q.selected_columns.keys()))
    frame["timezone"] = frame["timezone"].fillna("UTC")
    return frame


def _by_zone(frame: pd.DataFrame, now: datetime, fn) -> pd.DataFrame:
    """Apply ``fn(rows, today)`` per time zone, today being the local day there."""
    parts = [fn(rows, _local_today(now, tz)) for tz, rows in frame.groupby("timezone")]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts).reindex(frame.index) if parts else pd.DataFrame(index=frame.index)


def _with_outcomes(session: Session, frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Add ``outcome`` (and the opportunity id) as described in the module docstring."""
    frame = frame.copy()
    frame["outcome"], frame["opportunity_id"] = None, None
    if frame.empty:
        return frame
    opps = pd.DataFrame(
        session.execute(
            select(RenewalOpportunity.id, RenewalOpportunity.contract_id,
                   RenewalOpportunity.term_end, RenewalOpportunity.outcome)
            .order_by(RenewalOpportunity.id)
        ).all(),
        columns=["opp_id", "contract_id", "term_end", "opp_outcome"],
    )  # fmt: skip
    plain = _by_zone(frame, now, stages)
    frame["effective_end"] = plain["effective_end"].dt.date
    if not opps.empty:
        latest = opps.drop_duplicates(["contract_id", "term_end"], keep="last")
        index = {(r.contract_id, r.term_end): r for r in latest.itertuples(index=False)}
        for i, row in frame.iterrows():
            found = index.get((row["id"], row["end_date"])) or index.get(
                (row["id"], row["effective_end"])
            )
            if found is not None:
                frame.at[i, "opportunity_id"] = int(found.opp_id)
                frame.at[i, "outcome"] = found.opp_outcome
    successors = set(
        session.scalars(
            select(Contract.previous_contract_id).where(
                Contract.previous_contract_id.is_not(None), Contract.deleted_at.is_(None)
            )
        )
    )
    undecided = frame["outcome"].isna() | frame["outcome"].isin(["open", ""])
    frame.loc[undecided & frame["id"].isin(successors), "outcome"] = "renewed"
    return frame


def _pipeline_frame(session: Session, now: datetime) -> pd.DataFrame:
    frame = _with_outcomes(session, _contracts(session), now)
    info = _by_zone(frame, now, stages)
    frame = frame.drop(columns=["effective_end"], errors="ignore").join(info)
    for column in ("key_date", "notice_deadline", "effective_end"):
        frame[column] = frame[column].dt.date.astype(object).where(frame[column].notna(), None)
    return frame


# --- health inputs for every contract -------------------------------------------------------


def _sla_outcomes(session: Session, now: datetime, since: datetime | None, ids=None):
    from db.sla_repo import sla_outcomes  # the SLA engine's view of every ticket

    return sla_outcomes(session=session, now=now, since=since, contract_ids=ids)


def _grouped(session: Session, q) -> dict[int, Any]:
    return {cid: value for cid, value in session.execute(q).all() if cid is not None}


def health_inputs(*, session: Session, contracts: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """:class:`renewals.health.HealthInputs` columns per contract (index = contract id)."""
    since = now - timedelta(days=WINDOW_DAYS)
    ids = [int(i) for i in contracts["id"]]
    out = pd.DataFrame(index=pd.Index(ids, name="contract_id"))
    if not ids:
        return out
    sla = _sla_outcomes(session, now, since, ids)
    decided = sla[sla["state"].isin(["met", "breached"])]
    met = (decided["state"] == "met").groupby(decided["contract_id"]).sum()
    total = decided.groupby("contract_id").size()
    out["sla_compliance"] = (met / total).reindex(out.index)

    used = _grouped(
        session,
        select(TimeEntry.contract_id, func.sum(TimeEntry.minutes))
        .where(TimeEntry.started_at >= since, TimeEntry.started_at <= now)
        .group_by(TimeEntry.contract_id),
    )
    hours_used, contracted = [], []
    for row in contracts.itertuples(index=False):
        today = _local_today(now, row.timezone)
        start = max(row.start_date, today - timedelta(days=WINDOW_DAYS))
        end = min(row.end_date or today, today)
        days = max((end - start).days + 1, 0)
        hours = None if row.included_hours is None else float(row.included_hours)
        contracted.append(None if hours is None else round(hours * days * 12 / 365.25, 2))
        hours_used.append(round(float(used.get(row.id, 0) or 0) / 60, 2))
    out["hours_used"], out["hours_contracted"] = hours_used, contracted

    def count(start: datetime, end: datetime) -> pd.Series:
        q = (
            select(Ticket.contract_id, func.count())
            .where(Ticket.created_at >= start, Ticket.created_at < end)
            .group_by(Ticket.contract_id)
        )
        return pd.Series(_grouped(session, q), dtype=float).reindex(out.index).fillna(0)

    out["tickets_last_90"] = count(now - timedelta(days=90), now).astype(int)
    out["tickets_previous_90"] = count(now - timedelta(days=180), now - timedelta(days=90))
    out["tickets_previous_90"] = out["tickets_previous_90"].astype(int)
    csat = _grouped(
        session,
        select(Ticket.contract_id, func.avg(Ticket.csat))
        .where(Ticket.created_at >= since, Ticket.csat.is_not(None))
        .group_by(Ticket.contract_id),
    )
    out["csat"] = pd.Series({k: float(v) for k, v in csat.items()}, dtype=float)
    payments = _payment_record(session, ids, since.date(), now)
    out = out.join(payments)
    return out


def _invoices(session: Session, ids: list[int], since: date) -> pd.DataFrame:
    rows = session.execute(
        select(Invoice.id, Invoice.contract_id, Invoice.issue_date, Invoice.due_date,
               Invoice.total, Invoice.status)
        .where(Invoice.contract_id.in_(ids), Invoice.issue_date >= since,
               Invoice.status.not_in(("void", "draft")))
    ).all()  # fmt: skip
    invoices = pd.DataFrame(
        rows, columns=["id", "contract_id", "issue_date", "due_date", "total", "status"]
    )
    pays = pd.DataFrame(
        session.execute(
            select(Payment.invoice_id, Payment.paid_on, Payment.amount).where(
                Payment.invoice_id.in_(select(Invoice.id).where(Invoice.contract_id.in_(ids)))
            )
        ).all(),
        columns=["invoice_id", "paid_on", "amount"],
    )
    invoices["paid_on"] = paid_on_dates(invoices, pays) if len(invoices) else None
    return invoices


def _payment_record(session: Session, ids: list[int], since: date, now: datetime) -> pd.DataFrame:
    inv = _invoices(session, ids, since)
    columns = ["paid_on_time_share", "days_overdue"]
    inv = inv[inv["due_date"].notna()]
    if inv.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    today = pd.Timestamp(now.astimezone(UTC).date())
    due = pd.to_datetime(inv["due_date"])
    paid = pd.to_datetime(inv["paid_on"])
    on_time = paid.notna() & (paid <= due)
    late = paid.notna() & (paid > due)
    overdue = paid.isna() & (due < today)
    counted = (on_time | late | overdue).groupby(inv["contract_id"]).sum()
    share = on_time.groupby(inv["contract_id"]).sum() / counted.where(counted > 0)
    days = (today - due).dt.days.where(overdue, 0).groupby(inv["contract_id"]).max()
    return pd.DataFrame({"paid_on_time_share": share, "days_overdue": days.astype(float)})


# --- the pipeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    contracts: pd.DataFrame  # one row per live contract, board columns
    counts: dict[str, int]  # stage -> contracts
    needs_data: pd.DataFrame
    at_risk: pd.DataFrame
    forecast: pd.DataFrame  # per currency
    weights: dict[str, float]
    weights_problem: str | None


BOARD_COLUMNS = [
    "id", "reference", "client", "stage", "key_date", "days_to_key_date", "notice_deadline",
    "effective_end", "value", "currency", "health", "account_manager", "reason",
]  # fmt: skip


def renewal_pipeline(
    *, session: Session, actor: Actor, now: datetime, forecast_days: int = 365
) -> Pipeline:
    """Every live contract by stage, with health, the at-risk list and the forecast."""
    require(actor, "work_renewals")
    weights, problem = health_weights(session=session)
    frame = _pipeline_frame(session, now)
    inputs = health_inputs(session=session, contracts=frame, now=now)
    scored = health_frame(inputs, weights) if len(inputs) else pd.DataFrame()
    frame = frame.set_index("id", drop=False)
    frame["health"] = scored["score"] if len(scored) else None
    board = frame[BOARD_COLUMNS].reset_index(drop=True)
    counts = {s.value: int((frame["stage"] == s.value).sum()) for s in BOARD}

    needs = frame[frame["stage"] == Stage.NEEDS_DATA.value]
    needs = needs[["id", "reference", "client", "end_date", "auto_renew", "notice_days",
                   "renewal_term_months", "account_manager", "reason"]]  # fmt: skip

    open_stages = [s.value for s in (*OPEN_STAGES, Stage.LAPSED)]
    risky = at_risk(scored) if len(scored) else scored
    risky = risky[risky.index.isin(frame.index[frame["stage"].isin(open_stages)])]
    risk = frame.loc[
        risky.index,
        [
            "id",
            "reference",
            "client",
            "stage",
            "key_date",
            "days_to_key_date",
            "value",
            "currency",
            "account_manager",
        ],
    ]
    risk = risk.assign(health=risky["score"], why=risky["why"].map("; ".join))  # fmt: skip

    days = pd.to_numeric(frame["days_to_key_date"], errors="coerce")
    ahead = frame[frame["stage"].isin([s.value for s in OPEN_STAGES]) & (days <= forecast_days)]
    fc = renewal_forecast(
        pd.DataFrame(
            {
                "value": ahead["value"],
                "currency": ahead["currency"],
                "health_score": ahead["health"],
            }
        )
    )
    forecast = pd.DataFrame(
        [
            {
                "currency": t.currency,
                "contracts": t.contracts,
                "value": t.total_value,
                "weighted value": t.weighted_value,
                "unscored": t.unscored,
            }
            for t in fc.totals.values()
        ],
        columns=["currency", "contracts", "value", "weighted value", "unscored"],
    )
    return Pipeline(
        contracts=board,
        counts=counts,
        needs_data=needs.reset_index(drop=True),
        at_risk=risk.reset_index(drop=True),
        forecast=forecast,
        weights={f.name: getattr(weights, f.name) for f in fields(weights)},
        weights_problem=problem,
    )


# --- one contract: health check and proposal -------------------------------------------------


@dataclass(frozen=True)
class ContractHealth:
    contract_id: int
    reference: str
    client: str
    currency: str
    stage: str
    key_date: date | None
    today: date
    check: HealthCheck
    score: HealthScore
    sla_months: pd.DataFrame  # complete months: period, compliance
    new_term_months: int
    plan: CurrentPlan


def _contract_row(session: Session, contract_id: int) -> Contract:
    c = session.get(Contract, contract_id)
    if c is None or c.deleted_at is not None:
        raise NotFound(f"Contract {contract_id} does not exist.")
    return c


def _term_months(c: Contract) -> int:
    if c.term_months:
        return int(c.term_months)
    if c.end_date:
        months = (c.end_date.year - c.start_date.year) * 12 + c.end_date.month - c.start_date.month
        return max(1, months + (1 if c.end_date.day >= c.start_date.day - 1 else 0))
    return 12


def _monthly_price(c: Contract, term: int) -> Decimal:
    if c.recurring_fee is not None:
        return Decimal(c.recurring_fee)
    if c.unit_price is not None and c.unit_count:
        return Decimal(c.unit_price) * c.unit_count
    if c.value is not None:
        return Decimal(c.value) / term
    return Decimal("0")


def _aware(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=1), time(), UTC)  # a day early: zones ahead of UTC


def _work_frames(session: Session, ids: list[int], since: date, now: datetime):
    start = _aware(since)
    q = (
        select(Ticket.id, Ticket.created_at, Ticket.first_response_at, Ticket.resolved_at,
               Ticket.csat)
        .where(Ticket.contract_id.in_(ids), Ticket.created_at >= start)
    )  # fmt: skip
    tickets = pd.DataFrame(
        session.execute(q).all(),
        columns=["id", "created_at", "first_response_at", "resolved_at", "csat"],
    )
    sla = _sla_outcomes(session, now, start, ids)
    sla = sla[sla["ticket_id"].isin(tickets["id"])] if len(tickets) else sla.iloc[0:0]
    for metric in ("response", "resolution"):
        part = sla[sla["metric"].astype(str).str.contains(metric[:5])]
        part = part.drop_duplicates("ticket_id").set_index("ticket_id")
        tickets[f"{metric}_sla"] = tickets["id"].map(part["state"])
        decided = part[part["state"].isin(["met", "breached"])]
        tickets[f"{metric}_minutes"] = tickets["id"].map(decided["elapsed_min"]).astype(float)
    for column in ("created_at", "first_response_at", "resolved_at"):
        tickets[column] = pd.to_datetime(tickets[column], utc=True)
    entries = pd.DataFrame(
        session.execute(
            select(TimeEntry.started_at, TimeEntry.minutes).where(
                TimeEntry.contract_id.in_(ids), TimeEntry.started_at >= start
            )
        ).all(),
        columns=["started_at", "minutes"],
    )
    entries["started_at"] = pd.to_datetime(entries["started_at"], utc=True)
    return tickets, entries, _invoices(session, ids, since)


def contract_health(*, session: Session, actor: Actor, contract_id: int, now: datetime):
    """The 90-day health check of one contract: this term against the previous one."""
    require(actor, "work_renewals")
    c = _contract_row(session, contract_id)
    tz = c.timezone or "UTC"
    today = _local_today(now, tz)
    info = renewal_stage(
        end_date=c.end_date, auto_renew=c.auto_renew, notice_days=c.notice_days,
        renewal_term_months=c.renewal_term_months, today=today,
    )  # fmt: skip
    if info.effective_end is None:
        raise ValueError(f"Contract {c.reference} has no end date: record one for a health check.")
    term = int(c.renewal_term_months) if info.auto_renewals else _term_months(c)
    current, previous = terms_for(info.effective_end, term)
    ids = [c.id] + ([c.previous_contract_id] if c.previous_contract_id else [])
    tickets, entries, invoices = _work_frames(session, ids, previous.start, now)
    hours = None if c.included_hours is None else float(c.included_hours)
    check = health_check(
        tickets=tickets, time_entries=entries, invoices=invoices, current=current,
        previous=previous, hours_per_month=hours, today=today, tz=tz,
    )  # fmt: skip
    if not c.previous_contract_id:
        check = _without_hours_before(check, c.start_date)
    weights, _ = health_weights(session=session)
    score = score_health(to_health_inputs(check), weights)
    month = f"{today:%Y-%m}"
    sla = sla_by_month(tickets, start=previous.start, through=today, tz=tz)
    sla = sla[sla["period"] < month].reset_index(drop=True)
    price = _monthly_price(c, term)
    plan = CurrentPlan(
        tier=c.tier,
        hours_per_month=Decimal(c.included_hours or 0),
        price_per_month=price,
        extra_hour_price=c.overage_rate or c.hourly_rate
        or (None if c.included_hours else Decimal("0")),
    )  # fmt: skip
    client = session.get(Client, c.client_id)
    return ContractHealth(
        contract_id=c.id, reference=c.reference, client=client.name if client else "",
        currency=c.currency, stage=info.stage.value, key_date=info.key_date, today=today,
        check=check, score=score, sla_months=sla,
        new_term_months=int(c.renewal_term_months or term), plan=plan,
    )  # fmt: skip


def _without_hours_before(check: HealthCheck, start: date) -> HealthCheck:
    """No contracted hours before the contract started (a first term has no previous one)."""
    usage = check.usage[check.usage["period"] >= f"{start:%Y-%m}"].reset_index(drop=True)
    previous = check.previous
    deltas = dict(check.deltas)
    if previous.term.end < start:
        previous = replace(previous, hours_contracted=None, utilisation=None, overage_hours=None)
        deltas.update(utilisation=None, overage_hours=None)
    return replace(check, previous=previous, deltas=deltas, usage=usage)


def recommendations(health: ContractHealth) -> list[Recommendation]:
    """The explicit renewal rules over complete months of this contract."""
    month = f"{health.today:%Y-%m}"
    usage = health.check.usage
    usage = usage[usage["period"] < month] if health.plan.hours_per_month > 0 else None
    return recommend(plan=health.plan, usage=usage, sla=health.sla_months)


@dataclass(frozen=True)
class ProposalFiles:
    stem: str  # file name without extension
    pdf: bytes
    markdown: str
    recommendations: list[Recommendation]
    proposed_price: Decimal  # per month
    new_term_months: int
    health: ContractHealth
    performance: list[tuple[str, str, str]]  # (measure, previous term, this term), formatted


def _proposal(health: ContractHealth, prepared_by: str) -> ProposalFiles:
    recs = recommendations(health)
    p = Proposal(
        client=health.client, contract_reference=health.reference, currency=health.currency,
        term=health.check.current.term, new_term_months=health.new_term_months,
        prepared_on=health.today, prepared_by=prepared_by, check=health.check,
        recommendations=recs, health_score=health.score.score,
    )  # fmt: skip
    return ProposalFiles(
        stem=f"renewal-proposal-{health.reference}-{health.today.isoformat()}",
        pdf=proposal_pdf(p),
        markdown=proposal_markdown(p),
        recommendations=recs,
        proposed_price=recs[0].proposed_price,
        new_term_months=health.new_term_months,
        health=health,
        performance=proposal_content(p).performance,
    )


def proposal_files(
    *, session: Session, actor: Actor, contract_id: int, now: datetime
) -> ProposalFiles:
    """PDF and Markdown proposal for one contract (reads only)."""
    health = contract_health(session=session, actor=actor, contract_id=contract_id, now=now)
    return _proposal(health, _display_name(session, actor))


def renewal_proposal(
    *, session: Session, actor: Actor, contract_id: int, now: datetime
) -> ProposalFiles:
    """:func:`proposal_files`, recorded on the renewal opportunity (see record_proposal)."""
    files = proposal_files(session=session, actor=actor, contract_id=contract_id, now=now)
    record_proposal(session=session, actor=actor, files=files)
    return files


def record_proposal(*, session: Session, actor: Actor, files: ProposalFiles) -> None:
    """The opportunity of the term remembers the health score and proposed term value."""
    require(actor, "work_renewals")
    health = files.health
    opp = _opportunity(session, health.contract_id, health.check.current.term.end)
    value = (files.proposed_price * files.new_term_months).quantize(Decimal("0.01"))
    changes = {}
    if opp.proposed_value != value:
        changes["proposed_value"] = (opp.proposed_value, value)
    if opp.health_score != health.score.score:
        changes["health_score"] = (opp.health_score, health.score.score)
    opp.proposed_value, opp.health_score = value, health.score.score
    session.flush()
    audit.record_changes(
        session=session, actor=actor, entity="renewal_opportunity", entity_id=opp.id,
        changes=changes,
    )  # fmt: skip


def _display_name(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.user_id) if actor.user_id else None
    return user.display_name if user else actor.username


def _opportunity(session: Session, contract_id: int, term_end: date) -> RenewalOpportunity:
    opp = session.scalars(
        select(RenewalOpportunity)
        .where(
            RenewalOpportunity.contract_id == contract_id,
            RenewalOpportunity.term_end == term_end,
        )
        .order_by(RenewalOpportunity.id.desc())
    ).first()
    if opp is None:
        opp = RenewalOpportunity(contract_id=contract_id, term_end=term_end, outcome="open")
        session.add(opp)
        session.flush()
    return opp


def contract_options(*, session: Session, actor: Actor) -> dict[int, str]:
    """Live contracts for a picker: id -> "C-0001 · Client"."""
    require(actor, "work_renewals")
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None), Contract.status.not_in(LIVE_EXCLUDED))
        .order_by(Contract.reference)
    ).all()
    return {cid: f"{ref} · {name}" for cid, ref, name in rows}


def contract_id_for(*, session: Session, reference: str) -> int:
    cid = session.scalar(
        select(Contract.id).where(Contract.reference == reference, Contract.deleted_at.is_(None))
    )
    if cid is None:
        raise NotFound(f"No contract with reference {reference!r}.")
    return cid


# --- tasks ----------------------------------------------------------------------------------


def generate_tasks(*, session: Session, now: datetime) -> int:
    """Insert the renewal tasks due today; a task whose key exists is skipped. Returns added."""
    frame = _pipeline_frame(session, now).drop(
        columns=["stage", "key_date", "notice_deadline", "effective_end", "days_to_key_date",
                 "auto_renewals", "reason"]
    )  # fmt: skip
    tasks: list[Task] = []
    for tz, rows in frame.groupby("timezone"):
        tasks += tasks_due(rows, _local_today(now, tz))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    added = 0
    for t in tasks:
        stmt = (
            dialect.insert(RenewalTask)
            .values(key=t.key, contract_id=t.contract_id, kind=t.kind.value, title=t.title,
                    due_date=t.due_date, assignee_id=t.assignee_id, status="open")
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(RenewalTask.id)
        )  # fmt: skip
        added += session.execute(stmt).scalar_one_or_none() is not None
    return added


TASK_COLUMNS = [
    "id", "due", "title", "kind", "status", "overdue", "reference", "client", "assignee",
    "due_date", "snoozed_until", "done_at", "contract_id", "assignee_id",
]  # fmt: skip


def task_list(
    *, session: Session, actor: Actor, everyone: bool = False, include_done: bool = False,
    today: date,
) -> pd.DataFrame:  # fmt: skip
    """The actor's tasks (or everyone's, admins only), soonest first, overdue flagged."""
    require(actor, "work_renewals")
    if everyone and actor.role != "admin":
        raise PermissionDenied("Only admins see everyone's tasks.")
    q = (
        select(RenewalTask.id, RenewalTask.title, RenewalTask.kind, RenewalTask.status,
               Contract.reference, Client.name, User.display_name, RenewalTask.due_date,
               RenewalTask.snoozed_until, RenewalTask.done_at, RenewalTask.contract_id,
               RenewalTask.assignee_id)
        .join(Contract, Contract.id == RenewalTask.contract_id)
        .join(Client, Client.id == Contract.client_id)
        .outerjoin(User, User.id == RenewalTask.assignee_id)
    )  # fmt: skip
    if not everyone:
        q = q.where(RenewalTask.assignee_id == actor.user_id)
    if not include_done:
        q = q.where(RenewalTask.status != "done")
    cols = ["id", "title", "kind", "status", "reference", "client", "assignee", "due_date",
            "snoozed_until", "done_at", "contract_id", "assignee_id"]  # fmt: skip
    frame = pd.DataFrame(session.execute(q).all(), columns=cols)
    frame["due"] = frame["snoozed_until"].where(frame["snoozed_until"].notna(), frame["due_date"])
    frame["overdue"] = (frame["status"] != "done") & (frame["due"] < today)
    return frame.sort_values(["due", "id"], kind="stable")[TASK_COLUMNS].reset_index(drop=True)


def _task(session: Session, actor: Actor, task_id: int) -> RenewalTask:
    require(actor, "work_renewals")
    row = session.get(RenewalTask, task_id)
    if row is None:
        raise NotFound(f"Task {task_id} does not exist.")
    if actor.role != "admin" and row.assignee_id != actor.user_id:
        raise PermissionDenied("This task is assigned to someone else.")
    return row


def complete_task(*, session: Session, actor: Actor, task_id: int, now: datetime) -> str:
    """Mark a task done (audited); returns its status."""
    row = _task(session, actor, task_id)
    if row.status == "done":
        return row.status
    audit.record(session=session, actor=actor, entity="renewal_task", entity_id=row.id,
                 action="update", field="status", old=row.status, new="done")  # fmt: skip
    row.status, row.done_at = "done", now
    return row.status


def snooze_task(*, session: Session, actor: Actor, task_id: int, days: int, today: date) -> date:
    """Push a task back; returns the new due date."""
    row = _task(session, actor, task_id)
    task = Task(row.key, TaskKind(row.kind), row.contract_id, row.title, row.due_date,
                row.assignee_id, row.status, row.snoozed_until)  # fmt: skip
    later = snooze(task, int(days), today=today)
    audit.record_changes(
        session=session, actor=actor, entity="renewal_task", entity_id=row.id,
        changes={"status": (row.status, later.status),
                 "snoozed_until": (row.snoozed_until, later.snoozed_until)},
    )  # fmt: skip
    row.status, row.snoozed_until = later.status, later.snoozed_until
    return later.effective_due


# --- notices --------------------------------------------------------------------------------


@dataclass
class NoticeReport:
    reminders: int = 0
    client_notices: int = 0
    opted_out: int = 0
    no_recipient: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reminders} reminders, {self.client_notices} client notices queued; "
            f"{self.opted_out} opted out, {self.no_recipient} without recipient"
            + (f", {self.failed} failed to render" if self.failed else "")
        )


def _queued(session: Session, rule: str) -> set[str]:
    keys = session.scalars(select(Notification.key).where(Notification.rule == rule))
    return {k.split("|", 1)[0] for k in keys}


def _client_contact(session: Session, client_id: int, contract_id: int) -> Contact | None:
    contacts = session.scalars(
        select(Contact).where(Contact.client_id == client_id, Contact.email.is_not(None))
    ).all()
    ranked = sorted(
        (c for c in contacts if c.contract_id in (None, contract_id)),
        key=lambda c: (
            not c.is_escalation,
            c.escalation_level if c.escalation_level is not None else 99,
            c.contract_id != contract_id,
            c.id,
        ),
    )
    return ranked[0] if ranked else None


def enqueue_renewal_notices(*, session: Session, now: datetime) -> NoticeReport:
    """Queue what is due: a reminder to the account manager per new task date, and one
    client notice (performance report attached) when the proposal stage starts."""
    from db.outbox import enqueue
    from notify.render import Attachment, render

    report = NoticeReport()
    frame = _pipeline_frame(session, now)
    frame = frame[frame["stage"].isin([s.value for s in OPEN_STAGES])]
    tasks: dict[int, list[Task]] = {}
    bare = frame.drop(columns=["stage", "key_date", "notice_deadline", "effective_end",
                               "days_to_key_date", "auto_renewals", "reason"])  # fmt: skip
    for tz, rows in bare.groupby("timezone"):
        for t in tasks_due(rows, _local_today(now, tz)):
            tasks.setdefault(t.contract_id, []).append(t)
    reminders, notices = (
        _queued(session, "renewal_reminder"),
        _queued(session, "client_renewal_notice"),
    )
    for row in frame.itertuples(index=False):
        due = tasks.get(row.id, [])
        if due:
            latest = max(t.due_date for t in due)
            key = f"renewal_reminder:{row.id}:{latest.isoformat()}"
            if key not in reminders:
                if not row.manager_email:
                    report.no_recipient += 1
                else:
                    email = render("renewal_reminder", _reminder_context(row, due))
                    report.reminders += enqueue(
                        session=session, key=key, rule="renewal_reminder", email=email,
                        recipients=[row.manager_email], now=now, contract_id=row.id,
                    )  # fmt: skip
        if row.stage not in (Stage.PROPOSAL.value, Stage.CLOSING.value):
            continue
        notice_due = row.key_date - timedelta(days=CLIENT_NOTICE_DAYS)
        key = f"client_renewal_notice:{row.id}:{notice_due.isoformat()}"
        if key in notices:
            continue
        if row.email_opt_out:
            report.opted_out += 1
            continue
        contact = _client_contact(session, row.client_id, row.id)
        if contact is None:
            report.no_recipient += 1
            continue
        try:
            health = contract_health(session=session, actor=_SYSTEM, contract_id=row.id, now=now)
            files = _proposal(health, row.account_manager or "Account management")
        except (ValueError, NotFound):
            report.failed += 1
            continue
        attachment = Attachment(f"performance-report-{row.reference}.pdf", files.pdf)
        email = render(
            "client_renewal_notice", _notice_context(row, contact, files),
            attachments=[attachment],
        )  # fmt: skip
        report.client_notices += enqueue(
            session=session, key=key, rule="client_renewal_notice", email=email,
            recipients=[contact.email], now=now, contract_id=row.id,
        )  # fmt: skip
    return report


def _reminder_context(row, due: list[Task]) -> dict[str, Any]:
    contract = {
        "reference": row.reference, "client": row.client, "stage": row.stage,
        "key_date": row.key_date, "days_to_key_date": row.days_to_key_date,
        "value": row.value, "currency": row.currency, "notice_deadline": row.notice_deadline,
    }  # fmt: skip
    tasks = [
        {"title": t.title, "due_date": t.due_date} for t in sorted(due, key=lambda t: t.due_date)
    ]
    return {"contract": contract, "manager_name": row.account_manager or "", "tasks": tasks}


def _notice_context(row, contact: Contact, files: ProposalFiles) -> dict[str, Any]:
    cur = files.health.check.current
    highlights = [f"{cur.tickets_resolved} tickets resolved"]
    if cur.sla_compliance_overall is not None:
        highlights.append(f"SLA compliance {cur.sla_compliance_overall * 100:.1f}%")
    if cur.csat_avg is not None:
        highlights.append(f"Average satisfaction {cur.csat_avg:.1f} / 5")
    if cur.hours_contracted:
        highlights.append(f"{cur.hours_used:.1f} of {cur.hours_contracted:.1f} hours used")
    return {
        "client": row.client, "contact_name": contact.name, "contract_reference": row.reference,
        "end_date": row.effective_end, "notice_deadline": row.notice_deadline,
        "currency": row.currency, "proposed_price": files.proposed_price,
        "new_term_months": files.new_term_months, "highlights": highlights,
        "sender_name": row.account_manager or "Account management",
        "sender_title": "Account manager",
    }  # fmt: skip


_SYSTEM = Actor(user_id=None, username="system", role="admin")


# --- outcomes -------------------------------------------------------------------------------


def record_outcome(
    *, session: Session, actor: Actor, contract_id: int, outcome: str, now: datetime,
    reason: str | None = None, new_contract_id: int | None = None,
) -> RenewalOpportunity:  # fmt: skip
    """Close the renewal of the term in force: renewed, renegotiated (new terms) or lost."""
    require(actor, "work_renewals")
    c = _contract_row(session, contract_id)
    try:
        kind = Outcome(str(outcome).strip().lower())
    except ValueError as exc:
        raise ValueError(f"Outcome must be one of {', '.join(o.value for o in Outcome)}.") from exc
    reason = (reason or "").strip() or None
    if kind is Outcome.LOST and not reason:
        raise ValueError("A lost renewal needs a reason.")
    if kind is Outcome.RENEGOTIATED and new_contract_id is None:
        raise ValueError("A renegotiated renewal needs the contract holding the new terms.")
    new = None
    if new_contract_id is not None:
        if kind is Outcome.LOST:
            raise ValueError("A lost renewal has no new contract.")
        if new_contract_id == contract_id:
            raise ValueError("The new terms must be another contract.")
        new = _contract_row(session, new_contract_id)
    today = _local_today(now, c.timezone)
    info = renewal_stage(end_date=c.end_date, auto_renew=c.auto_renew,
                         notice_days=c.notice_days, renewal_term_months=c.renewal_term_months,
                         today=today)  # fmt: skip
    term_end = info.effective_end or c.end_date
    if term_end is None:
        raise ValueError(f"Contract {c.reference} has no end date: record one first.")
    opp = _opportunity(session, contract_id, term_end)
    OutcomeRecord(
        contract_id=contract_id, outcome=kind, decided_on=today,
        previous_value=Decimal(c.value or 0), reason=reason,
        new_value=None if kind is Outcome.LOST else _kept_value(c, opp, new),
    )  # fmt: skip
    changes = {
        "outcome": (opp.outcome, kind.value),
        "outcome_reason": (opp.outcome_reason, reason),
        "new_contract_id": (opp.new_contract_id, new.id if new else None),
    }
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    opp.outcome, opp.outcome_reason = kind.value, reason
    opp.new_contract_id = new.id if new else None
    opp.closed_at, opp.closed_by_id = now, actor.user_id
    audit.record_changes(session=session, actor=actor, entity="renewal_opportunity",
                         entity_id=opp.id, changes=changes)  # fmt: skip
    return opp


def _kept_value(c: Contract, opp: RenewalOpportunity, new: Contract | None) -> Decimal:
    for value in (new.value if new else None, opp.proposed_value, c.value):
        if value is not None:
            return Decimal(value)
    return Decimal("0")


OUTCOME_COLUMNS = [
    "currency", "decided", "renewed", "renegotiated", "lost", "renewal rate", "value up",
    "value retained", "value lost", "value retention", "gross retention", "lost reasons",
]  # fmt: skip


def renewal_outcomes(*, session: Session, actor: Actor, start: date, end: date) -> pd.DataFrame:
    """Renewal rate and value retained per currency for outcomes decided in [start, end]."""
    require(actor, "work_renewals")
    if start > end:
        raise ValueError("The start date must not be after the end date.")
    new = select(Contract.id, Contract.value).subquery()
    rows = session.execute(
        select(RenewalOpportunity.outcome, RenewalOpportunity.closed_at,
               RenewalOpportunity.outcome_reason, RenewalOpportunity.proposed_value,
               Contract.value, Contract.currency, new.c.value)
        .join(Contract, Contract.id == RenewalOpportunity.contract_id)
        .outerjoin(new, new.c.id == RenewalOpportunity.new_contract_id)
        .where(RenewalOpportunity.outcome.in_(list(OUTCOME_STAGES)),
               RenewalOpportunity.closed_at.is_not(None))
    ).all()  # fmt: skip
    frame = pd.DataFrame(
        [
            {
                "outcome": o, "decided_on": closed, "reason": why, "currency": cur,
                "previous_value": value if value is not None else Decimal("0"),
                "new_value": None if o == "lost"
                else next((v for v in (new_value, proposed, value) if v is not None), None),
            }
            for o, closed, why, proposed, value, cur, new_value in rows
        ],
        columns=["outcome", "decided_on", "reason", "currency", "previous_value", "new_value"],
    )  # fmt: skip
    out = []
    for currency, group in frame.groupby("currency", sort=True):
        r = renewal_rate(group, start=start, end=end)
        if not r.decided:
            continue
        out.append(
            [currency, r.decided, r.renewed, r.renegotiated, r.lost, r.rate, r.value_up,
             r.value_retained, r.value_lost, r.value_retention, r.gross_retention,
             ", ".join(f"{k} ({v})" for k, v in r.lost_reasons.items())]
        )  # fmt: skip
    return pd.DataFrame(out, columns=OUTCOME_COLUMNS)


# --- outbox screens ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MessagePreview:
    id: int
    rule: str
    recipient: str
    subject: str
    status: str
    text: str
    html: str | None
    attachments: list[str]
    from_template: bool  # html was rendered by our autoescaping templates


def message_preview(*, session: Session, actor: Actor, notification_id: int) -> MessagePreview:
    """One queued email as it will be (or was) sent."""
    from notify.render import TEMPLATES

    require(actor, "work_renewals")
    n = session.get(Notification, notification_id)
    if n is None:
        raise NotFound(f"Message {notification_id} does not exist.")
    names = session.scalars(
        select(NotificationAttachment.filename).where(
            NotificationAttachment.notification_id == n.id
        )
    ).all()
    return MessagePreview(
        id=n.id, rule=n.rule, recipient=n.recipient, subject=n.subject, status=n.status,
        text=n.body_text, html=n.body_html, attachments=list(names),
        from_template=n.rule in TEMPLATES,
    )  # fmt: skip


def outbox_overview(*, session: Session, actor: Actor, limit: int = 500):
    """(latest messages, count per status) for the outbox page."""
    from db.outbox import outbox_counts, outbox_frame

    require(actor, "work_renewals")
    return outbox_frame(session=session, limit=limit), outbox_counts(session=session)


def release_message(*, session: Session, actor: Actor, notification_id: int, resend: bool) -> str:
    """A person decided about an ``uncertain`` message (audited)."""
    from db.outbox import release_uncertain

    require(actor, "work_renewals")
    release_uncertain(session=session, notification_id=notification_id, resend=resend)
    audit.record(session=session, actor=actor, entity="notification",
                 entity_id=notification_id, action="release", field="status",
                 old="uncertain", new="pending" if resend else "sent")  # fmt: skip
    return "pending" if resend else "sent"
