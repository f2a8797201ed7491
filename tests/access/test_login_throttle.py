"""Issue 18: login throttling, lockout, admin unlock, audited failures, constant-time
answers for unknown users, password rules for new passwords."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access.roles import SYSTEM
from db.login_throttle import failures, locked_until, unlock
from db.models import AuditEntry, LoginFailure
from db.users import LoginLocked, UserError, authenticate, create_user

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PW = "long-enough-pw"


@pytest.fixture
def ada(session):
    return create_user(session=session, username="ada", password=PW, role="admin", actor=None)


def _fail(session, n, *, start=T0, step=timedelta(seconds=10), address="10.0.0.9"):
    locks = 0
    for i in range(n):
        try:
            assert authenticate(session=session, username="ada", password=f"wrong-{i}",
                                address=address, now=start + i * step) is None
        except LoginLocked:
            locks += 1
    return locks


def test_ten_wrong_passwords_then_even_the_right_one_is_refused(session, ada):
    locks = _fail(session, 10)
    assert locks == 6  # the 5th failure locks; every later try is refused
    at = T0 + timedelta(seconds=100)
    with pytest.raises(LoginLocked, match="locked until .* UTC") as exc:
        authenticate(session=session, username="ada", password=PW, now=at)
    assert exc.value.until > at
    # exponential backoff: more failures, a longer lockout (capped at 1 hour)
    assert exc.value.until - (T0 + timedelta(seconds=90)) > timedelta(minutes=8)
    # after the lockout ends the right password works and clears the count
    # (the refused try counted too: an attacker who keeps trying stays locked out longer)
    until = locked_until(session=session, username="ada", now=at)
    assert until > exc.value.until
    later = until + timedelta(seconds=1)
    assert authenticate(session=session, username="ada", password=PW, now=later) is not None
    assert locked_until(session=session, username="ada", now=later) is None


def test_four_failures_do_not_lock_and_old_failures_do_not_count(session, ada):
    assert _fail(session, 4) == 0
    assert authenticate(session=session, username="ada", password=PW,
                        now=T0 + timedelta(minutes=1)) is not None
    # 5 failures spread over more than 15 minutes: no lockout
    assert _fail(session, 5, start=T0 + timedelta(minutes=2), step=timedelta(minutes=5)) == 0


def test_admin_unlock_lifts_the_lockout_and_is_audited(session, ada):
    _fail(session, 6)
    at = T0 + timedelta(minutes=2)
    assert locked_until(session=session, username="ada", now=at) is not None
    admin = SYSTEM
    assert unlock(session=session, actor=admin, username="ADA", now=at) >= 6
    assert locked_until(session=session, username="ada", now=at) is None
    assert authenticate(session=session, username="ada", password=PW, now=at) is not None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "unlock"))


def test_failed_attempts_are_audited_with_username_address_time(session, ada):
    authenticate(session=session, username="ada", password="nope-nope", address="192.0.2.7",
                 now=T0)
    authenticate(session=session, username="Nobody", password="x", now=T0)
    rows = session.scalars(select(LoginFailure).order_by(LoginFailure.id)).all()
    assert [(r.username, r.address, r.at) for r in rows] == [
        ("ada", "192.0.2.7", T0), ("nobody", None, T0)]
    listed = failures(session=session, actor=SYSTEM)
    assert {r["username"] for r in listed} == {"ada", "nobody"}


def test_unknown_users_take_as_long_as_known_ones(session, ada):
    def timed(name):
        best = []
        for _ in range(3):
            t = time.perf_counter()
            authenticate(session=session, username=name, password="wrong-password")
            best.append(time.perf_counter() - t)
            unlock(session=session, actor=SYSTEM, username=name)
        return min(best)

    known, unknown = timed("ada"), timed("nobody-here")
    assert 0.5 < unknown / known < 2, (known, unknown)
    assert unknown > 0.005  # a real argon2 check, not a sub-millisecond miss


@pytest.mark.parametrize("pw, why", [
    ("short-pw-11", "at least 12"),
    ("password1234", "most common passwords"),
    ("Qwerty123456", "most common passwords"),
])
def test_new_passwords_follow_the_rules(session, pw, why):
    with pytest.raises(UserError, match=why):
        create_user(session=session, username="ada", password=pw, role="admin", actor=None)


def test_one_address_trying_many_usernames_is_locked_out(session, ada):
    from db.login_throttle import ADDRESS_MAX_FAILURES, address_locked_until, unlock_address

    create_user(session=session, username="eve", password="eve-own-long-pw", role="technician",
                actor=SYSTEM)
    locks = 0
    for i in range(ADDRESS_MAX_FAILURES):  # one try per username: no username lock
        try:
            authenticate(session=session, username=f"guess{i}", password="x" * 12,
                         address="198.51.100.9", now=T0 + i * timedelta(seconds=5))
        except LoginLocked as exc:
            locks += 1
            assert "your address is locked until" in str(exc)
    assert locks == 1  # the 20th failure locks the address
    at = T0 + timedelta(seconds=110)
    # even the right password of a real account is refused from there, but not elsewhere
    with pytest.raises(LoginLocked, match="your address"):
        authenticate(session=session, username="ada", password=PW, address="198.51.100.9",
                     now=at)
    assert authenticate(session=session, username="ada", password=PW, address="192.0.2.1",
                        now=at) is not None
    # the attacker's own valid login (after the lockout) does not reset the address count
    later = address_locked_until(session=session, address="198.51.100.9", now=at)
    assert authenticate(session=session, username="eve", password="eve-own-long-pw",
                        address="198.51.100.9", now=later) is not None
    with pytest.raises(LoginLocked, match="your address"):
        authenticate(session=session, username="guess-again", password="x" * 12,
                     address="198.51.100.9", now=later + timedelta(seconds=1))
    lock = session.scalar(select(AuditEntry).where(AuditEntry.action == "lock"))
    assert (lock.entity, lock.new_value) == ("login", "198.51.100.9")
    assert unlock_address(session=session, actor=SYSTEM, address="198.51.100.9", now=at) > 20
    assert address_locked_until(session=session, address="198.51.100.9", now=at) is None
    unlocked = select(AuditEntry).where(AuditEntry.entity == "login_address")
    assert session.scalar(unlocked).new_value == "198.51.100.9"
