"""What contracts require, what the company and its technicians hold, and the names for both.

Requirements and holdings are plain frozen dataclasses so the gap check can run from the
database, a CSV or a test alike. Names are matched through a registry of canonical names and
synonyms (``patterns/names.jsonl``): a contract that asks for a "background check" is met by a
"DBS check", and a requirement naming something the registry does not know is reported, never
silently passed.

Dates are calendar days. An expiry date is the first day a holding no longer counts: a policy
or credential that "expires on" a date is not relied on that day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

NameKind = Literal["credential", "certification", "insurance"]
NAMES_FILE = Path(__file__).with_name("patterns") / "names.jsonl"
Id = int | str


def _tuple(obj: object, name: str) -> None:
    object.__setattr__(obj, name, tuple(getattr(obj, name)))


# --- requirements (per contract) --------------------------------------------------------


@dataclass(frozen=True)
class InsuranceRequirement:
    """Insurance of a kind with at least ``minimum_cover`` in ``currency``."""

    kind: str
    minimum_cover: Decimal
    currency: str = "GBP"

    def __post_init__(self) -> None:
        if not isinstance(self.minimum_cover, Decimal) or self.minimum_cover < 0:
            raise ValueError("minimum_cover must be a non-negative Decimal")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency must be an ISO code like 'GBP', got {self.currency!r}")


@dataclass(frozen=True)
class ProviderCertification:
    """A certification the provider company must hold (e.g. ISO 27001)."""

    name: str


@dataclass(frozen=True)
class SecurityClause:
    """A security obligation; met by a certification (``evidence``) or a recorded attestation."""

    name: str
    description: str = ""
    evidence: str | None = None


@dataclass(frozen=True)
class TechnicianCredential:
    """A credential every technician assigned to the contract must hold (or only on-site ones)."""

    name: str
    applies_to: Literal["onsite", "all"] = "onsite"

    def __post_init__(self) -> None:
        if self.applies_to not in ("onsite", "all"):
            raise ValueError(f"applies_to must be 'onsite' or 'all', got {self.applies_to!r}")


Requirement = InsuranceRequirement | ProviderCertification | SecurityClause | TechnicianCredential


@dataclass(frozen=True)
class ContractRequirements:
    """Everything one contract requires, and the days it is in force (``ends`` inclusive)."""

    contract_id: Id
    starts: date
    ends: date | None = None
    insurance: tuple[InsuranceRequirement, ...] = ()
    certifications: tuple[ProviderCertification, ...] = ()
    clauses: tuple[SecurityClause, ...] = ()
    credentials: tuple[TechnicianCredential, ...] = ()
    client: str = ""

    def __post_init__(self) -> None:
        for name in ("insurance", "certifications", "clauses", "credentials"):
            _tuple(self, name)
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(f"contract {self.contract_id}: ends before it starts")


# --- holdings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InsurancePolicy:
    """A policy the company holds; valid from ``starts`` (if known) until ``expiry``."""

    kind: str
    cover: Decimal
    expiry: date
    currency: str = "GBP"
    starts: date | None = None
    insurer: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.cover, Decimal):
            raise ValueError("cover must be a Decimal")


@dataclass(frozen=True)
class CompanyCertification:
    """A certification the company holds; ``expiry`` None means none was recorded."""

    name: str
    expiry: date | None
    issued: date | None = None


@dataclass(frozen=True)
class HeldCredential:
    """A credential one technician holds; ``expiry`` None means none was recorded."""

    technician_id: Id
    name: str
    issued: date | None = None
    expiry: date | None = None


@dataclass(frozen=True)
class ClauseAttestation:
    """Someone confirmed a security clause is met for a contract, until ``review_due``."""

    contract_id: Id
    clause: str
    attested_on: date
    review_due: date | None = None


@dataclass(frozen=True)
class Holdings:
    """Everything the company and its technicians hold."""

    policies: tuple[InsurancePolicy, ...] = ()
    certifications: tuple[CompanyCertification, ...] = ()
    credentials: tuple[HeldCredential, ...] = ()
    attestations: tuple[ClauseAttestation, ...] = ()

    def __post_init__(self) -> None:
        for name in ("policies", "certifications", "credentials", "attestations"):
            _tuple(self, name)


@dataclass(frozen=True)
class Assignment:
    """A technician assigned or scheduled to work on a contract, ``ends`` inclusive."""

    technician_id: Id
    contract_id: Id
    starts: date
    ends: date | None = None
    onsite: bool = True


# --- name registry ----------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Fold case, apostrophes and separators so 'ISO/IEC 27001' meets 'iso iec 27001'."""
    text = name.lower().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"[/\-:,.()]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class NameEntry:
    kind: NameKind
    name: str
    synonyms: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameRegistry:
    """Canonical names with synonyms per kind; ``implies`` lets a stronger holding count too."""

    entries: tuple[NameEntry, ...]
    _index: dict[tuple[str, str], str] = field(init=False, repr=False, compare=False)
    _implies: dict[tuple[str, str], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _tuple(self, "entries")
        index: dict[tuple[str, str], str] = {}
        for entry in self.entries:
            for alias in (entry.name, *entry.synonyms):
                key = (entry.kind, normalise_name(alias))
                if index.get(key, entry.name) != entry.name:
                    raise ValueError(f"{alias!r} names both {index[key]!r} and {entry.name!r}")
                index[key] = entry.name
        object.__setattr__(self, "_index", index)
        implies = {(e.kind, e.name): e.implies for e in self.entries}
        object.__setattr__(self, "_implies", implies)

    @classmethod
    def from_jsonl(cls, path: Path) -> NameRegistry:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        return cls(
            tuple(
                NameEntry(
                    kind=row["kind"],
                    name=row["name"],
                    synonyms=tuple(row.get("synonyms", ())),
                    implies=tuple(row.get("implies", ())),
                )
                for row in rows
            )
        )

    def canonical(self, kind: NameKind, name: str) -> str | None:
        """The canonical name for ``name``, or None when the registry does not know it."""
        return self._index.get((kind, normalise_name(name)))

    def satisfies(self, kind: NameKind, held: str, required: str) -> bool:
        """Whether holding ``held`` meets a requirement for ``required`` (both known names)."""
        held_name, required_name = self.canonical(kind, held), self.canonical(kind, required)
        if held_name is None or required_name is None:
            return False
        seen, todo = set(), [held_name]
        while todo:
            current = todo.pop()
            if current == required_name:
                return True
            seen.add(current)
            todo.extend(n for n in self._implies[(kind, current)] if n not in seen)
        return False

    def unknown_message(self, kind: NameKind, name: str) -> str:
        """The finding for a requirement naming something unknown, with a likely fix."""
        message = f"unknown {kind} {name!r}: add it to the {kind} list or fix the requirement"
        choices = {alias: canon for (k, alias), canon in self._index.items() if k == kind}
        best = process.extractOne(
            normalise_name(name), list(choices), scorer=fuzz.ratio, score_cutoff=85
        )
        if best is not None:
            message += f" (did you mean {choices[best[0]]!r}?)"
        return message


@lru_cache(maxsize=1)
def default_registry() -> NameRegistry:
    """The registry shipped in ``patterns/names.jsonl``."""
    return NameRegistry.from_jsonl(NAMES_FILE)


def registry_with(extra: Iterable[NameEntry]) -> NameRegistry:
    """The default registry plus company-specific names."""
    return NameRegistry((*default_registry().entries, *extra))
