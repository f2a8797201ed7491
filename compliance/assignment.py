"""Whether a technician holds what a contract requires, checked when assigning or scheduling.

Used by the assignment and scheduling screens before a visit is confirmed, and by the gap
check, so both read credentials the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from compliance.coverage import Span, covers
from compliance.requirements import (
    ContractRequirements,
    HeldCredential,
    NameRegistry,
    default_registry,
)


def credential_spans(
    held: Iterable[HeldCredential], name: str, reg: NameRegistry
) -> tuple[Span, ...]:
    """The validity of every held credential that meets a requirement for ``name``."""
    return tuple(
        Span(c.issued, c.expiry) for c in held if reg.satisfies("credential", c.name, name)
    )


@dataclass(frozen=True)
class MissingCredential:
    """A credential a technician lacks for a contract on a day, and why."""

    name: str
    reason: str


def check_assignment(
    credentials: Iterable[HeldCredential],
    requirements: ContractRequirements,
    on: date,
    *,
    onsite: bool = True,
    registry: NameRegistry | None = None,
) -> list[MissingCredential]:
    """Credentials a technician lacks to work the contract on ``on`` (assigning or scheduling)."""
    reg = registry or default_registry()
    held = list(credentials)
    missing: list[MissingCredential] = []
    for cred in requirements.credentials:
        if cred.applies_to == "onsite" and not onsite:
            continue
        name = reg.canonical("credential", cred.name)
        if name is None:
            missing.append(
                MissingCredential(cred.name, reg.unknown_message("credential", cred.name))
            )
            continue
        spans = credential_spans(held, name, reg)
        if any(covers(s, on) for s in spans):
            continue
        expired = [s.expiry for s in spans if s.expiry is not None and s.expiry <= on]
        later = [s.starts for s in spans if s.starts is not None and s.starts > on]
        if later:
            reason = f"not valid until {min(later).isoformat()}"
        elif expired:
            reason = f"expired on {max(expired).isoformat()}"
        else:
            reason = "not held"
        missing.append(MissingCredential(name, reason))
    return missing
