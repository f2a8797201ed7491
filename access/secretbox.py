"""Encryption of secrets the app must read back (TOTP secrets): Fernet (AES-128-CBC + HMAC).

The key is `secret_key` of the deployment (`CONTRACT_DESK_SECRET_KEY` or `[security]
secret_key`, any text: it is stretched to a Fernet key). Without one, a random key is
created once in `data/secret.key` (mode 0600), so a copy of the database alone does not
reveal the secrets; keep that file out of database backups.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from access.deployment import deployment
from db.config import ROOT

KEY_FILE = ROOT / "data" / "secret.key"


class SecretError(ValueError):
    """A stored secret cannot be decrypted (the key changed): the message says what to do."""


def _fernet_key(text: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode("utf-8")).digest())


def _key_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(Fernet.generate_key().decode())
    return path.read_text(encoding="utf-8").strip()


@cache
def _box(key_text: str | None) -> Fernet:
    return Fernet(_fernet_key(key_text or _key_file(KEY_FILE)))


def seal(plain: str) -> str:
    return _box(deployment().secret_key).encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _box(deployment().secret_key).decrypt(sealed.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretError(
            "A stored second-factor secret cannot be decrypted: the secret key changed. "
            "Restore the key, or have an admin reset that user's second factor."
        ) from None
