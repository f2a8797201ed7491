"""Demo compliance: what contracts require (insurance, certifications, credentials) and
what the company holds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from db.models import (
    CompanyHolding,
    ComplianceRequirement,
    Setting,
)


def store_requirements(s, rng, rows, today) -> None:
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
