"""Where the store lives: one source of truth for the database URL.

Order: the ``DATABASE_URL`` environment variable, then ``[connections.contracts] url`` in
``.streamlit/secrets.toml``, then the embedded SQLite file ``data/contract_desk.db``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
# The real documents the team measures on: ../shared/data beside the checkout (CI lays it out so).
SHARED_DATA = ROOT.parent / "shared" / "data"
DEFAULT_SQLITE = ROOT / "data" / "contract_desk.db"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says how to fix it."""


def read_secrets(path: Path = SECRETS_FILE) -> dict:
    """Parse secrets.toml; a malformed file is a clear error, a missing one is empty."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is not valid TOML ({exc}). Fix the file or remove it; "
            "see .streamlit/secrets.toml.example."
        ) from exc


def database_url(env: dict[str, str] | None = None, secrets_path: Path = SECRETS_FILE) -> URL:
    """Return the configured database URL, normalised to a driver we ship."""
    env = dict(os.environ) if env is None else env
    raw = env.get("DATABASE_URL") or (
        read_secrets(secrets_path).get("connections", {}).get("contracts", {}).get("url")
    )
    if not raw:
        return make_url(f"sqlite:///{DEFAULT_SQLITE}")
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(
            f"DATABASE_URL {raw!r} is not a database URL. Use e.g. "
            "sqlite:///data/contract_desk.db or postgresql://user:pass@host:5432/dbname."
        ) from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"Unsupported database {url.get_backend_name()!r} in DATABASE_URL: "
            "use SQLite or PostgreSQL."
        )
    return url
