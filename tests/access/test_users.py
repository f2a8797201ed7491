"""Users: hashed passwords, first admin without defaults, login, role rules."""

import pytest

from access.passwords import verify_password
from access.roles import PERMISSIONS, ROLES, PermissionDenied, require
from db.models import User
from db.users import UserError, authenticate, create_user
from tests.factories import actor


def test_first_user_must_be_admin_and_password_is_argon2(session):
    with pytest.raises(UserError, match="first user must be an admin"):
        create_user(session=session, username="bob", password="long-enough-pw",
                    role="manager", actor=None)
    user = create_user(session=session, username="Ada", password="long-enough-pw",
                       role="admin", actor=None)
    assert user.username == "ada"
    assert user.password_hash.startswith("$argon2id$")
    assert "long-enough-pw" not in user.password_hash
    assert verify_password(user.password_hash, "long-enough-pw")


def test_after_the_first_user_only_admins_create_users(session):
    create_user(session=session, username="ada", password="long-enough-pw", role="admin",
                actor=None)
    with pytest.raises(PermissionDenied):
        create_user(session=session, username="eve", password="long-enough-pw",
                    role="admin", actor=None)
    with pytest.raises(PermissionDenied):
        create_user(session=session, username="eve", password="long-enough-pw",
                    role="admin", actor=actor("manager"))


def test_short_password_and_duplicate_user_refused(session):
    with pytest.raises(UserError, match="at least 12"):
        create_user(session=session, username="ada", password="short", role="admin",
                    actor=None)
    create_user(session=session, username="ada", password="long-enough-pw", role="admin",
                actor=None)
    with pytest.raises(UserError, match="already exists"):
        create_user(session=session, username="ADA", password="long-enough-pw",
                    role="manager", actor=actor("admin"))


def test_authenticate(session):
    create_user(session=session, username="ada", password="long-enough-pw", role="admin",
                actor=None)
    assert authenticate(session=session, username="ada", password="wrong-password") is None
    assert authenticate(session=session, username="nobody", password="x") is None
    who = authenticate(session=session, username=" ADA ", password="long-enough-pw")
    assert who is not None and who.role == "admin"
    session.get(User, who.user_id).active = False
    assert authenticate(session=session, username="ada", password="long-enough-pw") is None


def test_role_table_matches_design():
    allowed = {r: {p for p, roles in PERMISSIONS.items() if r in roles} for r in ROLES}
    assert allowed["admin"] == set(PERMISSIONS)
    assert allowed["manager"] == set(PERMISSIONS) - {"manage_users", "delete",
                                                      "manage_share_links", "settings"}
    assert allowed["executive"] == {"view_dashboards", "view_executive", "own_account"}
    assert {p for p, roles in PERMISSIONS.items() if "share" in roles} == {"view_executive"}
    assert allowed["technician"] == {"field_view", "own_account"}
    with pytest.raises(PermissionDenied, match="log in"):
        require(None, "view_dashboards")
