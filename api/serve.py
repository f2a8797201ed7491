"""`uvicorn --factory api.serve:build`: the app over the configured store (DATABASE_URL /
secrets.toml), built in each worker when it starts, never on import (importing this module for
its settings must not open, or migrate, a store)."""

from __future__ import annotations

from api.app import create_app
from db.config import read_secrets
from db.engine import open_store

PING_IDLE_AFTER = 1.0  # seconds: a worker's busy connections are not pinged per event


def build():
    secrets = read_secrets().get("webhooks", {})
    store = open_store(ping_idle_after=PING_IDLE_AFTER)
    return create_app(store, webhook_secrets={k: str(v) for k, v in secrets.items()})
