"""SLA policy versions an Apply writes: the reviewed SLA term as a new version from the
document's date, one version per day (merged with the document's matrix), and the targets a
version does not restate carried forward from the version before it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from db.models import Contract, SlaPolicy

if TYPE_CHECKING:
    from db.documents.term_fields import ApplyResult

_UNITS = {"minute": 1, "hour": 60, "day": 1440, "week": 7 * 1440}


def minutes(d: Any) -> int | None:
    """A duration term ({"n": 4, "unit": "hour"}) in minutes; None when it is not one."""
    if isinstance(d, dict) and d.get("unit") in _UNITS and isinstance(d.get("n"), int | float):
        return int(d["n"] * _UNITS[d["unit"]])
    return None


def _merge_same_day(session: Session, new: list[SlaPolicy]) -> list[SlaPolicy]:
    """One policy version per day: the SLA term and the document's matrix (the IT mapper)
    written by one Apply become one version, the later one's targets winning per priority."""
    from db.models import SlaTarget

    kept: dict[date, SlaPolicy] = {}
    for p in new:
        first = kept.setdefault(p.effective_from, p)
        if first is p:
            continue
        mine = {(t.priority, t.service_type): t for t in first.targets}
        for t in p.targets:
            same = mine.get((t.priority, t.service_type))
            if same is None:
                first.targets.append(
                    SlaTarget(priority=t.priority, service_type=t.service_type,
                              response_minutes=t.response_minutes,
                              resolution_minutes=t.resolution_minutes, calendar=t.calendar)
                )  # fmt: skip
            else:  # updated in place: a delete and insert of one key would collide
                same.response_minutes, same.resolution_minutes = (
                    t.response_minutes, t.resolution_minutes,
                )  # fmt: skip
                same.calendar = t.calendar
        session.delete(p)
    session.flush()
    return list(kept.values())


def carry_forward_sla(
    session: Session, contract: Contract, before: set[int]
) -> dict[str, list[Any]]:
    """New SLA policy versions keep the targets they do not restate from the version in force
    before them (an amendment that names P1 only leaves P2-P4 as they were). Returns the
    version's SLA change: {"sla policy": [before text, after text]} (empty if none)."""
    from db.models import SlaTarget

    session.flush()
    policies = list(
        session.scalars(
            select(SlaPolicy)
            .where(SlaPolicy.contract_id == contract.id)
            .order_by(SlaPolicy.effective_from, SlaPolicy.id)
        )
    )
    new = [p for p in policies if p.id not in before]
    if not new:
        return {}
    new = _merge_same_day(session, new)
    policies = [p for p in policies if p.id in before] + new
    first_before: str | None = None
    for p in new:
        prior = [q for q in policies if (q.effective_from, q.id) < (p.effective_from, p.id)]
        base = prior[-1] if prior else None
        if first_before is None:
            first_before = _targets_text(base) if base is not None else "tier default"
        have = {(t.priority, t.service_type) for t in p.targets}
        for t in base.targets if base is not None else []:
            if (t.priority, t.service_type) not in have:
                p.targets.append(
                    SlaTarget(
                        priority=t.priority,
                        service_type=t.service_type,
                        response_minutes=t.response_minutes,
                        resolution_minutes=t.resolution_minutes,
                        calendar=t.calendar,
                    )
                )
    session.flush()
    return {"sla policy": [first_before, _targets_text(new[-1])]}


def _targets_text(policy: SlaPolicy) -> str:
    return ", ".join(
        f"{t.priority}{'' if t.service_type in ('*', None) else '/' + t.service_type} "
        f"{t.response_minutes}/{t.resolution_minutes} min"
        for t in sorted(policy.targets, key=lambda t: (t.priority, t.service_type or ""))
    )


def apply_sla_term(
    session: Session,
    actor: Actor,
    contract: Contract,
    targets: dict[str, Any],
    effective_from: date,
    result: ApplyResult,
) -> None:
    """The reviewed SLA term (priority -> response/resolution) as a new policy version."""
    from db.sla.policy_editor import save_policy_version

    rows = []
    for priority, pair in sorted(targets.items()):
        if not isinstance(pair, dict):
            continue
        response, resolution = minutes(pair.get("response")), minutes(pair.get("resolution"))
        if response is None or resolution is None:
            result.skipped.append(f"SLA {priority}: needs both a response and a resolution target")
            continue
        rows.append(
            {
                "priority": str(priority).upper(),
                "service_type": "*",
                "response_minutes": response,
                "resolution_minutes": resolution,
                "calendar": "contract",
            }
        )
    if not rows:
        return
    previous = session.scalar(
        select(SlaPolicy)
        .where(SlaPolicy.contract_id == contract.id)
        .order_by(SlaPolicy.effective_from.desc(), SlaPolicy.id.desc())
        .limit(1)
    )
    share = float(previous.warning_share) if previous is not None else 0.75
    policy = save_policy_version(
        session=session,
        actor=actor,
        contract_id=contract.id,
        effective_from=effective_from,
        rows=rows,
        warning_share=share,
    )
    result.policy_id = policy.id
    result.applied.append(
        "SLA policy from "
        + effective_from.isoformat()
        + ": "
        + ", ".join(
            f"{r['priority']} {r['response_minutes']}/{r['resolution_minutes']} min" for r in rows
        )
    )
