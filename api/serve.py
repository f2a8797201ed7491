"""`uvicorn api.serve:app`: the app over the configured store (DATABASE_URL / secrets.toml)."""

from __future__ import annotations

from api.app import create_app
from db.config import read_secrets
from db.engine import open_store


def build():
    secrets = read_secrets().get("webhooks", {})
    return create_app(open_store(), webhook_secrets={k: str(v) for k, v in secrets.items()})


app = build()
