"""Compliance gaps on a date with readable names, and the risk report (tables, CSV, PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from compliance import report as risk_export
from compliance.gaps import Gap, gaps
from compliance.risk import gaps_frame, risk_by_contract, risk_by_technician
from db.compliance.loaders import load_assignments, load_holdings, load_requirements
from db.models import Client, Contract, Technician


@dataclass(frozen=True)
class GapReport:
    """Gaps on a date with readable names, and the risk tables per contract and technician."""

    on: date
    horizon_days: int
    gaps: tuple[Gap, ...]
    table: pd.DataFrame
    by_contract: pd.DataFrame
    by_technician: pd.DataFrame


def _names(session: Session) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    contracts = {
        cid: (ref, client)
        for cid, ref, client in session.execute(
            select(Contract.id, Contract.reference, Client.name).join(
                Client, Client.id == Contract.client_id
            )
        )
    }
    techs = dict(session.execute(select(Technician.id, Technician.name)).all())
    return contracts, techs


def _find(session: Session, on: date, horizon_days: int) -> list[Gap]:
    if not 0 <= horizon_days <= 730:
        raise ValueError("The horizon must be between 0 and 730 days.")
    return gaps(
        load_requirements(session=session),
        load_holdings(session=session),
        load_assignments(session=session),
        on,
        horizon_days,
    )


def gap_report(*, session: Session, actor: Actor, on: date, horizon_days: int = 60) -> GapReport:
    """Requirements unmet on ``on`` or within ``horizon_days``, worst first, with names."""
    require(actor, "work_compliance")
    found = _find(session, on, horizon_days)
    contracts, techs = _names(session)

    def ref(cid: object) -> str:
        return contracts.get(cid, (str(cid), ""))[0]

    def client(cid: object) -> str:
        return contracts.get(cid, ("", ""))[1]

    def tech(tid: object) -> str:
        return "" if tid is None or pd.isna(tid) else techs.get(int(tid), str(tid))

    table = gaps_frame(found)
    table["technician_id"] = table["technician_id"].astype("Int64")
    table.insert(1, "contract", table["contract_id"].map(ref))
    table.insert(2, "client", table["contract_id"].map(client))
    table.insert(4, "technician", table["technician_id"].map(tech))
    by_contract = risk_by_contract(found)
    by_contract.insert(1, "contract", by_contract["contract_id"].map(ref))
    by_contract.insert(2, "client", by_contract["contract_id"].map(client))
    by_tech = risk_by_technician(found)
    by_tech.insert(1, "technician", by_tech["technician_id"].map(tech))
    return GapReport(on, horizon_days, tuple(found), table, by_contract, by_tech)


def _named(report: GapReport) -> list[Gap]:
    """Gaps with contract references and technician names instead of ids, for exports."""
    refs = dict(zip(report.table["contract_id"], report.table["contract"], strict=True))
    names = dict(zip(report.table["technician_id"], report.table["technician"], strict=True))
    return [
        Gap(
            refs.get(g.contract_id, g.contract_id),
            names.get(g.technician_id) if g.technician_id is not None else None,
            g.requirement,
            g.kind,
            g.severity,
            g.starts,
            g.reason,
            g.key,
            g.days_until,
        )
        for g in report.gaps
    ]


def report_csv(report: GapReport) -> bytes:
    """Every gap with contract, client and technician names (formula-safe CSV)."""
    return risk_export.frame_csv(report.table)


def report_pdf(report: GapReport, *, company: str = "") -> bytes:
    """The risk report as a PDF (summary tables, then the gaps, worst first)."""
    return risk_export.risk_pdf(_named(report), on=report.on, company=company)
