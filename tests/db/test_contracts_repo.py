"""Contract repository: search and filters, validation, audit trail, optimistic locking."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from access.roles import PermissionDenied
from contracts.schema import friendly_errors
from db.audit import history
from db.clients_repo import DuplicateClient, create_client
from db.contract_search import ContractFilter, search_contracts
from db.contracts_repo import (
    ConflictError,
    contract_detail,
    delete_contract,
    set_services,
    update_contract,
)
from tests.factories import ADMIN, actor, contract_input, make_contract


def test_search_filters_and_sorts(session):
    _, c1 = make_contract(session, "Acme Dental", reference="C-1", tier="gold",
                          end_date=date(2026, 12, 31), value=Decimal("60000"))
    _, c2 = make_contract(session, "Northwind Logistics", reference="C-2", tier="bronze",
                          end_date=date(2027, 6, 30), value=Decimal("12000"))
    session.commit()
    find = lambda **kw: search_contracts(session=session, actor=ADMIN,  # noqa: E731
                                         flt=ContractFilter(**kw))["reference"].tolist()
    assert find() == ["C-1", "C-2"]
    assert find(text="northwind") == ["C-2"]
    assert find(tiers=("gold",)) == ["C-1"]
    assert find(end_from=date(2027, 1, 1)) == ["C-2"]
    assert find(value_min=Decimal("20000")) == ["C-1"]
    assert find(value_max=Decimal("20000")) == ["C-2"]
    assert find(sort="value", descending=True) == ["C-1", "C-2"]


def test_search_finds_text_in_services(session):
    _, c = make_contract(session)
    set_services(session=session, actor=ADMIN, contract_id=c.id, kind="included",
                 names=["Firewall management"])
    session.commit()
    found = search_contracts(session=session, actor=ADMIN, flt=ContractFilter(text="firewall"))
    assert found["reference"].tolist() == ["C-1"]


def test_every_change_is_audited_field_by_field(session):
    client, c = make_contract(session)
    session.commit()
    data = contract_input(client.id, value=Decimal("65000"), tier="platinum")
    editor = actor("manager")
    update_contract(session=session, actor=editor, contract_id=c.id, expected_version=1,
                    data=data)
    session.commit()
    h = history(session=session, entity="contract", entity_id=c.id)
    changes = {r.field: (r.old, r.new, r.user) for r in h.itertuples() if r.action == "update"}
    assert changes == {"value": ("60000", "65000", "test-manager"),
                       "tier": ("gold", "platinum", "test-manager")}
    assert c.version == 2


def test_second_save_from_stale_version_is_refused_and_nothing_overwritten(session):
    client, c = make_contract(session)
    session.commit()
    update_contract(session=session, actor=actor("manager"), contract_id=c.id,
                    expected_version=1, data=contract_input(client.id, title="First edit"))
    session.commit()
    with pytest.raises(ConflictError, match="changed by test-manager"):
        update_contract(session=session, actor=ADMIN, contract_id=c.id, expected_version=1,
                        data=contract_input(client.id, title="Second edit"))
    session.rollback()
    detail = contract_detail(session=session, actor=ADMIN, contract_id=c.id)
    assert detail.contract.title == "First edit"


def test_concurrent_flush_is_refused_by_version_column(engine):
    """Two sessions load version 1; the second flush hits the version check in SQL."""
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        _, c = make_contract(s)
        s.commit()
        cid, client_id = c.id, c.client_id
    with Session(engine) as a, Session(engine) as b:
        ca = a.get(type(c), cid)
        cb = b.get(type(c), cid)
        ca.title = "A"
        a.commit()
        cb.title = "B"
        from sqlalchemy.orm.exc import StaleDataError

        with pytest.raises(StaleDataError):
            b.commit()
    with Session(engine) as s:
        assert s.get(type(c), cid).title == "A"
    assert client_id


def test_duplicate_client_names_are_refused_case_and_space_insensitive(session):
    create_client(session=session, actor=ADMIN, name="Acme Dental")
    with pytest.raises(DuplicateClient, match="already exists"):
        create_client(session=session, actor=ADMIN, name="  acme   DENTAL ")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"end_date": date(2025, 12, 31)}, "not after start date"),
    ({"value": Decimal("-1")}, "greater than or equal to 0"),
    ({"currency": "XYZ"}, "unknown currency"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"pricing_model": "block_hours"}, "needs: included hours, overage rate"),
    ({"auto_renew": True, "notice_days": None}, "needs a notice period"),
])
def test_invalid_contract_input_gives_clear_messages(overrides, message):
    with pytest.raises(ValidationError) as err:
        contract_input(1, **overrides)
    assert any(message in line for line in friendly_errors(err.value))


def test_invalid_input_writes_nothing(session):
    client = create_client(session=session, actor=ADMIN, name="Acme")
    session.commit()
    with pytest.raises(ValidationError):
        contract_input(client.id, end_date=date(2020, 1, 1))
    assert search_contracts(session=session, actor=ADMIN, flt=ContractFilter()).empty


@pytest.mark.parametrize("role", ["executive", "technician"])
def test_non_editors_cannot_read_or_change_contracts(session, role):
    client, c = make_contract(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        search_contracts(session=session, actor=actor(role), flt=ContractFilter())
    with pytest.raises(PermissionDenied):
        update_contract(session=session, actor=actor(role), contract_id=c.id,
                        expected_version=1, data=contract_input(client.id, title="x"))


def test_only_admins_delete_and_delete_is_soft(session):
    _, c = make_contract(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        delete_contract(session=session, actor=actor("manager"), contract_id=c.id)
    delete_contract(session=session, actor=ADMIN, contract_id=c.id)
    session.commit()
    assert search_contracts(session=session, actor=ADMIN, flt=ContractFilter()).empty
    session.refresh(c)
    assert c.deleted_at is not None  # the row is kept
