"""Password hashing with argon2id (argon2-cffi defaults), and the password policy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 10
NEW_MIN_LENGTH = 12  # for passwords chosen through `users add`, the login page, the Users page
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@cache
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so both answers cost one argon2
    check. Made on first use: at import it cost every process (page, job, CLI) ~0.27 s."""
    return _hasher.hash("contract-desk-dummy-password")


def hash_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_dummy(password: str) -> bool:
    """Spend the time of a real check (for unknown users); always False."""
    verify_password(_dummy_hash(), password)
    return False


@cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def new_password_problem(password: str) -> str | None:
    """Why a newly chosen password is unacceptable (issue 18 rules), or None."""
    if len(password) < NEW_MIN_LENGTH:
        return f"Password must be at least {NEW_MIN_LENGTH} characters."
    if password.strip().lower() in _common():
        return "This password is in the list of the most common passwords: choose another."
    return password_problem(password)


def password_problem(password: str) -> str | None:
    """Why a password is unacceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters."
    if password.strip() != password:
        return "Password must not start or end with spaces."
    return None
