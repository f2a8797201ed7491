"""CPU per webhook event inside one process: through the whole ASGI app, and the store path alone.

Usage: python bench/webhook_app_cpu.py [--db URL] [--events 1200]
Without --db a temp SQLite store is used (the store is emptied first). The events of
`bench/webhook_ingest.py` go through `api.app.create_app` as ASGI calls on uvloop, 4 at a time
(no sockets, no HTTP parsing), then the same events through `api.ingest.handle` alone, each
on a fresh store: CPU time of this one process per event, so the figure moves far less with
the machine's load than `webhook_ingest.py`'s events/s. The ratio is the HTTP layer's share.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WARM = 60  # events before the clock starts (compiles, caches, prepared statements)


def _fresh(engine) -> str:
    """Empty the store, add the 20 bench clients' contracts; a token for tickets:write."""
    from access.roles import SYSTEM
    from db import reference
    from db.api_tokens import create_token
    from db.engine import session_scope
    from tests.conftest import empty_all_tables
    from tests.factories import make_contract

    empty_all_tables(engine)
    reference.invalidate()
    with session_scope(engine) as s:
        for c in range(20):
            make_contract(s, name=f"Bench Client {c}", reference=f"BC-{c}",
                          start_date=date(2026, 1, 1))  # fmt: skip
        return create_token(session=s, actor=SYSTEM, name="bench", scopes=["tickets:write"],
                            days=1, now=datetime.now(UTC), rate_per_minute=10**7)  # fmt: skip


def through_app(engine, bodies: list[bytes]) -> float:
    """CPU seconds per event through the ASGI app, 4 concurrent (tickets in order per chain)."""
    import uvloop

    from api.app import create_app

    token = _fresh(engine)
    app = create_app(engine)
    head = [(b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json")]  # fmt: skip

    async def one(body: bytes) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": "/api/v1/webhooks/generic",
                 "raw_path": b"/api/v1/webhooks/generic", "query_string": b"",
                 "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
                 "headers": [*head, (b"content-length", str(len(body)).encode())],
                 "state": {}}  # fmt: skip
        chunks = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict] = []

        async def receive() -> dict:
            return chunks.pop() if chunks else await asyncio.Future()

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
        assert sent[0]["status"] == 200, sent

    async def run() -> float:
        for b in bodies[:WARM]:
            await one(b)
        rest = bodies[WARM:]

        async def chain(k: int) -> None:
            for b in rest[k::4]:
                await one(b)

        c0 = time.process_time()
        await asyncio.gather(*(chain(k) for k in range(4)))
        return (time.process_time() - c0) / len(rest)

    return uvloop.run(run())


def store_path(engine, bodies: list[bytes]) -> float:
    """CPU seconds per event of `api.ingest.handle` alone (one session an event)."""
    from api.ingest import handle
    from db.engine import session_factory

    _fresh(engine)
    factory = session_factory(engine)
    now = datetime(2026, 3, 5, tzinfo=UTC)

    def run(chunk: list[bytes]) -> None:
        for b in chunk:
            with factory() as s:
                status, out = handle(session=s, source="generic", body=b, headers={},
                                     path="/api/v1/webhooks/generic", token_id=None,
                                     now=now)  # fmt: skip
                assert status == 200, out

    run(bodies[:WARM])
    c0 = time.process_time()
    run(bodies[WARM:])
    return (time.process_time() - c0) / len(bodies[WARM:])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--events", type=int, default=1200)
    args = ap.parse_args()
    from webhook_ingest import _events

    from db.engine import open_store

    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = open_store(url, ping_idle_after=1.0)  # as `api serve` opens it
    from sqlalchemy import select

    from db.models import Client

    with engine.connect() as conn:
        others = conn.execute(select(Client.name).where(~Client.name.startswith("Bench Client")))
        if others.first() is not None:  # this bench empties the store it is given
            print("refused: the store holds clients other than the bench's; give an empty one")
            return 2
    bodies = [json.dumps(e).encode() for e in _events(args.events)]
    app_cpu = through_app(engine, bodies)
    store_cpu = store_path(engine, bodies)
    print(f"backend {engine.dialect.name}, {len(bodies) - WARM} events timed")
    print(f"CPU per event: through the app {1000 * app_cpu:.2f} ms, store path alone "
          f"{1000 * store_cpu:.2f} ms; ratio app / store path {app_cpu / store_cpu:.2f} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
