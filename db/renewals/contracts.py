"""Live contracts with their renewal stage and outcome, each judged in its own time zone."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Client, Contract, RenewalOpportunity, User
from db.renewals.common import NotFound, _local_today
from renewals.stage import stages

LIVE_EXCLUDED = ("draft", "terminated")


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
            Contract.notice_given_on, Contract.terminated_on, Contract.in_force_until,
            Contract.evergreen,
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
    # Term model (contracts/term.py): once notice was given or the contract terminated it
    # no longer renews; its term ends on the last day in force.
    ending = frame["notice_given_on"].notna() | frame["terminated_on"].notna()
    # Evergreen (after any initial term) runs on until notice: no end to renew at, like an
    # evergreen contract with no end date, never 'lapsed' at the initial term's end.
    running_on = frame["evergreen"].fillna(False).astype(bool) & ~ending
    if running_on.any():
        frame["end_date"] = frame["end_date"].astype(object)
        frame.loc[running_on, "end_date"] = None
    if ending.any():
        frame["end_date"] = frame["end_date"].astype(object)
        frame.loc[ending, "end_date"] = frame.loc[ending, "in_force_until"]
        frame.loc[ending, "auto_renew"] = False
    return frame


def _by_zone(frame: pd.DataFrame, now: datetime, fn) -> pd.DataFrame:
    """Apply ``fn(rows, today)`` per time zone, today being the local day there."""
    parts = [fn(rows, _local_today(now, tz)) for tz, rows in frame.groupby("timezone")]
    parts = [p for p in parts if len(p)]
    if parts:
        return pd.concat(parts).reindex(frame.index)
    return fn(frame.iloc[:0], now.date())  # no contracts: the right columns, no rows


def _with_outcomes(session: Session, frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Add ``outcome`` (and the opportunity id) as described in the package docstring."""
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
