"""Renewal proposals: PDF and Markdown files, recorded on the renewal opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import User
from db.renewals.common import _opportunity
from db.renewals.health import ContractHealth, contract_health, recommendations
from renewals.proposal import Proposal, proposal_content, proposal_markdown, proposal_pdf
from renewals.recommend import Recommendation


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
