"""How the app is deployed, for the security rules that depend on it (issue 18).

Behind a TLS-terminating proxy the app sees plain http from the proxy's address: the login
cookie must then be forced `Secure`, and the client's address comes from `X-Forwarded-For`,
which is trusted only when a setting says how many proxies stand in front (anyone can send
that header to an app reached directly).

Environment variables win over `[security]` in `.streamlit/secrets.toml`:
`CONTRACT_DESK_SECURE_COOKIE` (true/false), `CONTRACT_DESK_TRUSTED_PROXIES` (0, 1, 2 ...),
`CONTRACT_DESK_SECRET_KEY` (the key that encrypts second-factor secrets).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.config import SECRETS_FILE, ConfigError, read_secrets

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Deployment:
    secure_cookie: bool = False  # force Secure even when the app sees http
    trusted_proxies: int = 0  # proxies in front whose X-Forwarded-For entries are trusted
    secret_key: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.trusted_proxies <= 10:
            raise ConfigError("trusted_proxies must be a whole number from 0 to 10.")


def _flag(name: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def _count(name: str, raw: object) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number from 0 to 10, not {raw!r}.") from None
    return value


def deployment(
    env: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_FILE
) -> Deployment:
    """The deployment settings from the environment, then `[security]` in secrets.toml."""
    env = os.environ if env is None else env
    section = read_secrets(secrets_path).get("security", {})

    def pick(env_name: str, key: str, default: object) -> object:
        return env[env_name] if env.get(env_name) not in (None, "") else section.get(key, default)

    return Deployment(
        secure_cookie=_flag(
            "secure_cookie", pick("CONTRACT_DESK_SECURE_COOKIE", "secure_cookie", False)
        ),
        trusted_proxies=_count(
            "trusted_proxies", pick("CONTRACT_DESK_TRUSTED_PROXIES", "trusted_proxies", 0)
        ),
        secret_key=(str(pick("CONTRACT_DESK_SECRET_KEY", "secret_key", "")) or None),
    )


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def client_address(
    remote: str | None, headers: Mapping[str, str], *, trusted_proxies: int
) -> str | None:
    """The client's address: the connection's own, or with `trusted_proxies` proxies in front
    the entry of `X-Forwarded-For` the outermost trusted proxy appended (counted from the
    right: entries further left were sent by the client and may be forged)."""
    if trusted_proxies <= 0:
        return remote
    raw = next((v for k, v in headers.items() if k.lower() == "x-forwarded-for"), "")
    entries = [e.strip() for e in str(raw).split(",") if e.strip()]
    if not entries:
        return remote
    chosen = entries[max(len(entries) - trusted_proxies, 0)]
    return _ip(chosen) or remote


def cookie_is_secure(url: str | None, settings: Deployment) -> bool:
    """Mark the login cookie Secure: forced by the setting, else when the app sees https."""
    return settings.secure_cookie or str(url or "").startswith("https")
