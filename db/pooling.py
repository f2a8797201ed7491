"""PostgreSQL connection pool settings, from the environment, for running several replicas.

Each process (a Streamlit replica, a job worker, an API worker) holds its own SQLAlchemy
pool; the server's `max_connections` must cover the sum of every process's pool size plus
overflow. The defaults (5 + 10) suit one app process; behind pgbouncer set DB_POOL=null so
the app keeps no pool of its own and sends no prepared statements (pgbouncer's transaction
mode cannot route them).

    DB_POOL_SIZE      connections kept open per process (default 5)
    DB_MAX_OVERFLOW   extra connections under load, closed afterwards (default 10)
    DB_POOL_RECYCLE   seconds before a connection is replaced (default 1800; -1 never)
    DB_POOL_TIMEOUT   seconds to wait for a free connection (default 30)
    DB_POOL=null      no pool in the process (pgbouncer in front)
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.pool import NullPool

from db.config import ConfigError

DEFAULTS = {
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 10,
    "DB_POOL_RECYCLE": 1800,
    "DB_POOL_TIMEOUT": 30,
}
_ARGS = {
    "DB_POOL_SIZE": "pool_size",
    "DB_MAX_OVERFLOW": "max_overflow",
    "DB_POOL_RECYCLE": "pool_recycle",
    "DB_POOL_TIMEOUT": "pool_timeout",
}


def pool_options(env: Mapping[str, str] | None = None) -> tuple[dict, dict]:
    """(create_engine keyword arguments, extra connect_args) for a PostgreSQL engine."""
    env = os.environ if env is None else env
    mode = env.get("DB_POOL", "").strip().lower()
    if mode == "null":
        return {"poolclass": NullPool}, {"prepare_threshold": None}
    if mode not in ("", "queue"):
        raise ConfigError(f"DB_POOL must be 'null' or 'queue', got {env['DB_POOL']!r}")
    options = {}
    for name, default in DEFAULTS.items():
        raw = env.get(name, "").strip()
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if value < (-1 if name == "DB_POOL_RECYCLE" else 0):
            raise ConfigError(f"{name} must not be negative, got {value}")
        options[_ARGS[name]] = value
    return options, {}
