"""Contract repository: detail, create, edit (audited, optimistic lock), soft delete.

Searching the contract list is `db.contract_search`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from access.roles import Actor, require
from contracts.schema import ContractInput
from db import audit
from db.base import utcnow
from db.billing.alignment import refuse_alignment_change
from db.models import (
    Calendar,
    Client,
    Contact,
    Contract,
    ContractDocument,
    ContractService,
    ExtractedTerm,
    SlaPolicy,
    User,
)


class ConflictError(RuntimeError):
    """Someone else saved the record since it was opened; nothing was overwritten."""


class NotFound(LookupError):
    pass


def get_contract(*, session: Session, contract_id: int) -> Contract:
    contract = session.scalar(
        select(Contract)
        .options(selectinload(Contract.services), selectinload(Contract.documents))
        .where(Contract.id == contract_id, Contract.deleted_at.is_(None))
    )
    if contract is None:
        raise NotFound(f"Contract {contract_id} does not exist or was deleted.")
    return contract


@dataclass
class ContractDetail:
    contract: Contract
    client: Client
    account_manager: str | None
    calendar: Calendar | None
    included: list[ContractService]
    excluded: list[ContractService]
    sla_targets: pd.DataFrame
    documents: pd.DataFrame
    contacts: pd.DataFrame
    history: pd.DataFrame
    terms: pd.DataFrame


def contract_detail(*, session: Session, actor: Actor, contract_id: int) -> ContractDetail:
    require(actor, "view_contracts")
    c = get_contract(session=session, contract_id=contract_id)
    policy = session.scalar(
        select(SlaPolicy)
        .where(SlaPolicy.contract_id == c.id)
        .order_by(SlaPolicy.effective_from.desc())
        .limit(1)
    ) or session.scalar(
        select(SlaPolicy)
        .where(SlaPolicy.contract_id.is_(None), SlaPolicy.tier == c.tier)
        .order_by(SlaPolicy.effective_from.desc())
        .limit(1)
    )
    targets = (
        pd.DataFrame(
            [
                (t.priority, t.service_type, t.response_minutes, t.resolution_minutes, t.calendar)
                for t in (policy.targets if policy else [])
            ],
            columns=["priority", "service type", "response (min)", "resolution (min)", "calendar"],
        ).sort_values(["priority", "service type"])
        if policy
        else pd.DataFrame()
    )
    docs = pd.DataFrame(
        [
            (
                d.id,
                d.filename,
                d.doc_type,
                d.size_bytes,
                d.page_count,
                d.extraction_status,
                d.uploaded_at,
            )
            for d in c.documents
            if d.deleted_at is None
        ],
        columns=["id", "file", "type", "bytes", "pages", "extraction", "uploaded"],
    )
    contacts = pd.DataFrame(
        session.execute(
            select(
                Contact.name,
                Contact.title,
                Contact.email,
                Contact.phone,
                Contact.is_escalation,
                Contact.escalation_level,
            )
            .where(
                Contact.client_id == c.client_id,
                or_(Contact.contract_id.is_(None), Contact.contract_id == c.id),
            )
            .order_by(Contact.is_escalation.desc(), Contact.escalation_level, Contact.name)
        ).all(),
        columns=["name", "title", "email", "phone", "escalation", "level"],
    )
    terms = pd.DataFrame(
        session.execute(
            select(
                ExtractedTerm.field,
                ExtractedTerm.value,
                ExtractedTerm.corrected_value,
                ExtractedTerm.review_state,
                ExtractedTerm.confidence,
                ExtractedTerm.page,
            )
            .where(ExtractedTerm.contract_id == c.id)
            .order_by(ExtractedTerm.field)
        ).all(),
        columns=["field", "value", "corrected", "review", "confidence", "page"],
    )
    manager = session.get(User, c.account_manager_id) if c.account_manager_id else None
    return ContractDetail(
        contract=c,
        client=session.get(Client, c.client_id),
        account_manager=manager.display_name if manager else None,
        calendar=session.get(Calendar, c.calendar_id) if c.calendar_id else None,
        included=[s for s in c.services if s.kind == "included"],
        excluded=[s for s in c.services if s.kind == "excluded"],
        sla_targets=targets,
        documents=docs,
        contacts=contacts,
        history=audit.history(session=session, entity="contract", entity_id=c.id),
        terms=terms,
    )


def _unset_alignment(data: ContractInput) -> set[str]:
    """No alignment given: the model default on create, the stored value on update."""
    return {"billing_alignment"} if data.billing_alignment is None else set()


def create_contract(*, session: Session, actor: Actor, data: ContractInput) -> Contract:
    require(actor, "edit_contracts")
    if session.get(Client, data.client_id) is None:
        raise NotFound(f"Client {data.client_id} does not exist.")
    if session.scalar(select(Contract.id).where(Contract.reference == data.reference)):
        raise ValueError(f"Reference {data.reference!r} is already used by another contract.")
    contract = Contract(**data.model_dump(exclude=_unset_alignment(data)))
    session.add(contract)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract.id,
        action="create",
        field="reference",
        new=contract.reference,
    )
    return contract


def update_contract(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    expected_version: int,
    data: ContractInput,
    version_from: date | None = None,
    reason: str | None = None,
) -> Contract:
    """Save edits made on `expected_version`; refuse (ConflictError) if someone saved since.

    With ``version_from`` (the contract page's edit) the change is also recorded as an
    ``edit`` contract version effective from that day (db/contract_versions.py).
    """
    require(actor, "edit_contracts")
    contract = get_contract(session=session, contract_id=contract_id)
    if version_from is not None:
        from db.contract_versions import snapshot

        before = snapshot(contract)
    if contract.version != expected_version:
        who = session.scalar(
            select(audit.AuditEntry.username)
            .where(audit.AuditEntry.entity == "contract", audit.AuditEntry.entity_id == contract_id)
            .order_by(audit.AuditEntry.id.desc())
            .limit(1)
        )
        raise ConflictError(
            f"{contract.reference} was changed by {who or 'someone else'} after you opened it "
            f"(version {contract.version}, yours {expected_version}). Your changes were not "
            "saved: reload the contract and apply them again."
        )
    if data.reference != contract.reference and session.scalar(
        select(Contract.id).where(Contract.reference == data.reference)
    ):
        raise ValueError(f"Reference {data.reference!r} is already used by another contract.")
    fields = data.model_dump(exclude=_unset_alignment(data))
    if "billing_alignment" in fields:
        refuse_alignment_change(
            session=session, contract=contract, alignment=fields["billing_alignment"]
        )
    changes = {}
    for name, new in fields.items():
        old = getattr(contract, name)
        if old != new:
            changes[name] = (old, new)
            setattr(contract, name, new)
    if not changes:
        return contract
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            f"{contract.reference} was saved by someone else at the same moment; "
            "reload and apply your changes again."
        ) from exc
    audit.record_changes(
        session=session, actor=actor, entity="contract", entity_id=contract.id, changes=changes
    )
    if version_from is not None:
        from db.contract_versions import record_version

        record_version(
            session=session, actor=actor, contract=contract, before=before,
            effective_from=version_from, kind="edit",
            reason=reason or "edited on the contract page",
        )  # fmt: skip
    return contract


def set_services(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    kind: str,
    names: list[str],
    version_from: date | None = None,
) -> None:
    """Replace the included or excluded services of a contract (audited as one change);
    with ``version_from`` (the contract page) also recorded as an ``edit`` version."""
    require(actor, "edit_contracts")
    if kind not in ("included", "excluded"):
        raise ValueError("kind must be included or excluded")
    contract = get_contract(session=session, contract_id=contract_id)
    clean = [n.strip() for n in names if n.strip()]
    old = [s.name for s in contract.services if s.kind == kind]
    if old == clean:
        return
    from db.contract_versions import record_version, snapshot

    before = snapshot(contract)
    contract.services = [s for s in contract.services if s.kind != kind] + [
        ContractService(kind=kind, name=n) for n in clean
    ]
    if version_from is not None:
        record_version(
            session=session, actor=actor, contract=contract, before=before,
            effective_from=version_from, kind="edit", reason=f"{kind} services edited",
        )  # fmt: skip
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract_id,
        action="update",
        field=f"{kind} services",
        old="; ".join(old),
        new="; ".join(clean),
    )


def delete_contract(*, session: Session, actor: Actor, contract_id: int) -> None:
    """Soft delete: the row stays (and can be restored); only admins may do it."""
    require(actor, "delete")
    contract = get_contract(session=session, contract_id=contract_id)
    contract.deleted_at = utcnow()
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract_id,
        action="delete",
        field="deleted_at",
        new=contract.deleted_at,
    )


def document_content(*, session: Session, actor: Actor, document_id: int) -> tuple[str, bytes]:
    """(filename, bytes) of a stored document, for download and preview."""
    require(actor, "view_contracts")
    doc = session.get(ContractDocument, document_id)
    if doc is None or doc.deleted_at is not None:
        raise NotFound(f"Document {document_id} does not exist.")
    return doc.filename, doc.content


@dataclass(frozen=True)
class FormChoices:
    clients: dict[int, str]
    calendars: dict[int, str]
    managers: dict[int, str]


def form_choices(*, session: Session) -> FormChoices:
    """Options for the contract form's select boxes."""
    return FormChoices(
        clients=dict(
            session.execute(
                select(Client.id, Client.name)
                .where(Client.deleted_at.is_(None))
                .order_by(Client.name)
            ).all()
        ),
        calendars=dict(
            session.execute(select(Calendar.id, Calendar.name).order_by(Calendar.name)).all()
        ),
        managers=dict(
            session.execute(
                select(User.id, User.display_name)
                .where(User.role.in_(("admin", "manager")), User.active)
                .order_by(User.display_name)
            ).all()
        ),
    )


def contract_options(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, "view_contracts")
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Contract.reference)
    ).all()
    return {r[0]: f"{r[1]} · {r[2]}" for r in rows}
