"""The Apply hook: extra mappers that give extracted terms a live home on the contract.

`EXTRA_MAPPERS` is a list of callables, each called by `db.documents.apply.apply_to_contract`
inside the Apply transaction (after the contract fields, services and SLA targets are written,
before the audit entry) as::

    rows = mapper(session, contract, terms, *, effective_from, document_id, actor)

- ``terms``: the document's live (accepted, corrected, auto-accepted) normalized terms, a dict
  field -> value, plus ``"pages"``: the document's page texts (list[str]).
- ``effective_from``: the date the document's terms take effect (reviewer's pick, else the
  document's effective date, else the day of Apply).
- It writes only through ``session`` (never commits) and returns diff rows for the reviewer:
  dicts with ``field``, ``old``, ``new`` and optionally ``page``, ``snippet``, ``note``.
  Raising ValueError refuses the whole Apply (nothing written: one transaction).

Register a mapper by appending to `EXTRA_MAPPERS` (e.g. at import of its module; see
`register`); a mapper that reads its terms from the page texts rather than from reviewed term
rows registers with ``reads_pages=True`` and is left out of auto-apply (nobody saw them).
Rows end up in `ApplyResult.rows` and, as text, in the Apply audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from access.roles import Actor
from db.models import Contract

Mapper = Callable[..., list[dict[str, Any]]]
EXTRA_MAPPERS: list[Mapper] = []
PAGE_MAPPERS: set[Mapper] = set()  # read the pages, not reviewed term rows


def diff_row(field: str, old: Any, new: Any, note: str | None = None) -> dict[str, Any]:
    """One diff row of a mapper (the shape above; page and snippet left to the caller)."""
    return {"field": field, "old": old, "new": new, "note": note}


def register(mapper: Mapper, *, reads_pages: bool = False) -> Mapper:
    """Add ``mapper`` to `EXTRA_MAPPERS` once."""
    if mapper not in EXTRA_MAPPERS:
        EXTRA_MAPPERS.append(mapper)
    if reads_pages:
        PAGE_MAPPERS.add(mapper)
    return mapper


def run_extra_mappers(
    session: Session,
    contract: Contract,
    terms: dict[str, Any],
    *,
    effective_from: date,
    document_id: int | None,
    actor: Actor,
    page_terms: bool = True,
) -> list[dict[str, Any]]:
    """Every registered mapper's diff rows, in registration order (without the page mappers
    when ``page_terms`` is False)."""
    rows: list[dict[str, Any]] = []
    for mapper in list(EXTRA_MAPPERS):
        if not page_terms and mapper in PAGE_MAPPERS:
            continue
        rows += mapper(
            session, contract, terms, effective_from=effective_from,
            document_id=document_id, actor=actor,
        ) or []  # fmt: skip
    return rows


def run_document_mappers(
    session: Session,
    contract: Contract,
    terms: dict[str, Any],
    *,
    effective_from: date,
    document_id: int,
    actor: Actor,
    page_terms: bool = True,
) -> list[dict[str, Any]]:
    """`run_extra_mappers` with the document's page texts added to `terms` as ``"pages"``."""
    import db.documents.apply_it  # noqa: F401 - registers the IT terms mapper
    import db.documents.apply_live  # noqa: F401 - registers the remaining terms' mapper
    from db.documents.common import PAGE_BREAK
    from db.models import ContractDocument

    if not EXTRA_MAPPERS:
        return []
    doc = session.get(ContractDocument, document_id)
    pages = (doc.text or "").split(PAGE_BREAK) if doc is not None else []
    return run_extra_mappers(
        session, contract, {**terms, "pages": pages}, effective_from=effective_from,
        document_id=document_id, actor=actor, page_terms=page_terms,
    )  # fmt: skip
