"""A contract's billing alignment (calendar / anniversary) and when it may change.

Changing it moves every period boundary, so the invoice keys (contract + period start)
of the periods already invoiced would no longer match: once an invoice has been issued
the change is refused with the reason; credit the invoices, or start a new contract.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contract, Invoice

LABELS = {
    "calendar": "calendar periods (1st of the month / quarter / year), partial periods prorated",
    "anniversary": "periods from the contract start date",
}


class AlignmentLocked(ValueError):
    """The alignment of a contract with issued invoices cannot change."""


def refuse_alignment_change(*, session: Session, contract: Contract, alignment: str) -> None:
    """Raise AlignmentLocked when `alignment` differs and the contract has issued invoices."""
    if alignment == contract.billing_alignment:
        return
    issued = session.scalar(
        select(func.count(Invoice.id)).where(
            Invoice.contract_id == contract.id, Invoice.status != "draft"
        )
    )
    if issued:
        raise AlignmentLocked(
            f"{contract.reference}: billing alignment stays {contract.billing_alignment}: "
            f"{issued} invoice(s) were already issued on those periods, and changing to "
            f"{alignment} would move every period boundary. Nothing was saved. Credit the "
            "issued invoices first, or record the change as a new contract."
        )


def alignment_text(alignment: str) -> str:
    """What an alignment means, for the contract page."""
    return LABELS.get(alignment, alignment)
