"""Who hears about a contract: its manager, else its client's, else the admins."""

from __future__ import annotations

from db.models import User
from db.recipients import client_manager_emails, manager_emails
from tests.factories import make_contract


def _user(session, name: str, role: str, *, active: bool = True) -> User:
    u = User(username=name, display_name=name, email=f"{name}@example.com", role=role,
             password_hash="x", active=active)  # fmt: skip
    session.add(u)
    session.flush()
    return u


def test_contract_manager_then_client_manager_then_admins(session):
    boss = _user(session, "boss", "admin")
    _user(session, "gone-admin", "admin", active=False)
    own, theirs = _user(session, "own", "manager"), _user(session, "theirs", "manager")
    client, contract = make_contract(session)
    client.account_manager_id = theirs.id
    contract.account_manager_id = own.id
    session.flush()
    assert manager_emails(session, {contract.id}) == {contract.id: ["own@example.com"]}

    own.active = False  # a deactivated manager is skipped, not mailed
    session.flush()
    assert manager_emails(session, {contract.id}) == {contract.id: ["theirs@example.com"]}
    assert client_manager_emails(session, client.id) == ["theirs@example.com"]

    client.account_manager_id = None
    session.flush()
    assert manager_emails(session, {contract.id}) == {contract.id: [boss.email]}
    assert client_manager_emails(session, client.id) == [boss.email]
    assert manager_emails(session, {"not-an-id"}) == {}
