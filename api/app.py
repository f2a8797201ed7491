"""The FastAPI app: `create_app(engine)`; OpenAPI docs at /docs.

Every request is audited in `api_requests`. Webhooks: POST /api/v1/webhooks/{source}
(token with tickets:write, plus the source's signature when a secret is configured in
secrets.toml `[webhooks]`). The raw event is stored before it is applied and committed with
its apply, before the answer (the receipt id proves it), so an acknowledged event survives a
crash of the process; if the apply fails, the raw event is stored on its own (received):
`api.ingest`. Tokens are checked through a per-worker cache (`db.api_tokens.TokenCache`:
a revocation takes effect within TOKEN_TTL seconds); the webhook skips FastAPI's routing
(`FastWebhooks`) and answers without `jsonable_encoder` (`Json`).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import numpy as np
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.hop import Hop
from api.ingest import audit_values, handle
from api.sources import SOURCES, verify_signature
from db.api_tokens import TOKEN_TTL, TokenCache, TokenError, TokenInfo
from db.dispatch import entitlement_at, ticket_answer
from db.engine import session_factory, store_failure
from db.models import ApiRequest, Client, Ticket

MAX_BODY = 1_000_000  # bytes: a ticket event is a few KB; 10 MB is refused with 413


class RateLimiter:
    """Sliding one-minute window per token, per process (each worker enforces it)."""

    def __init__(self) -> None:
        self._hits: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, token_id: int, per_minute: int, now: float) -> bool:
        with self._lock:
            q = self._hits.setdefault(token_id, deque())
            while q and q[0] <= now - 60:
                q.popleft()
            if len(q) >= per_minute:
                return False
            q.append(now)
            return True


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-token") or request.query_params.get("token")


def _plain(value: object) -> object:
    """JSON for the few non-JSON values an answer may hold (numpy scalars, instants)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


class Json(JSONResponse):
    """The answer as JSON without FastAPI's `jsonable_encoder` walk (the webhook's hot path)."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_plain).encode()  # fmt: skip


class FastWebhooks:
    """Pure ASGI in front of FastAPI's routing: POST /api/v1/webhooks/{source} goes straight
    to the webhook endpoint, without route matching, dependency solving and the inner
    middleware per event (the route stays declared for /docs and any other method); the
    server-error middleware outside still turns an exception into a 500."""

    PREFIX = "/api/v1/webhooks/"

    def __init__(self, app: ASGIApp, endpoint: Callable[[str, Request], Awaitable]) -> None:
        self.app, self.endpoint = app, endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] == "POST" and path.startswith(self.PREFIX):
            source = path[len(self.PREFIX) :]
            if source and "/" not in source:
                response = await self.endpoint(source, Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    engine: Engine,
    *,
    webhook_secrets: dict[str, str] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    token_ttl: float = TOKEN_TTL,
) -> FastAPI:
    app = FastAPI(
        title="Contract Desk API",
        version="1",
        description="Ticket webhooks and the entitlement answer a dispatcher needs.",
    )
    factory = session_factory(engine)
    limiter = RateLimiter()
    tokens = TokenCache(factory, ttl=token_ttl)
    secrets = dict(webhook_secrets or {})
    # SQLite has one writer: threads of a worker queue here in order instead of polling its
    # busy timeout; PostgreSQL serialises per ticket only (db.inbound._lock_tickets)
    writer = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()
    threads = Hop(40, "webhook")  # as many threads as anyio's default limiter

    def audit(token_id: int | None, request: Request, status: int, detail: str | None) -> None:
        with factory() as s:
            s.execute(insert(ApiRequest.__table__),
                      audit_values(token_id, request.method, request.url.path, status, detail,
                                   clock()))  # fmt: skip
            s.commit()

    def refuse(token_id: int | None, request: Request, status: int, reason: str, **extra):
        audit(token_id, request, status, reason)
        return Json({"detail": reason, **extra}, status_code=status)

    def check(request: Request, scope: str, read: bool = True) -> TokenInfo | Json | None:
        """The token's info, or the refusal (audited); None: `read=False` and the token's
        row must be read from the store first."""
        try:
            info = tokens.authenticate(_token(request), scope, clock(), read=read)
        except TokenError as exc:
            return refuse(None, request, exc.status, str(exc)) if read else None
        if info is None:
            return None
        if not limiter.allow(info.id, info.rate_per_minute, time.monotonic()):
            return refuse(
                info.id,
                request,
                429,
                f"rate limit: {info.rate_per_minute} requests a minute for this token",
            )
        return info

    @app.get("/api/v1/health")
    def health() -> dict:
        return {"ok": True}

    @app.post("/api/v1/webhooks/{source}")
    async def webhook(source: str, request: Request):
        """Store the raw event (receipt id), apply it, answer with entitlement and SLA."""
        if source not in SOURCES:
            return await run_in_threadpool(refuse, None, request, 404, f"unknown source {source!r}")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return await run_in_threadpool(refuse, None, request, 413,
                                           f"payload over {MAX_BODY:,} bytes")  # fmt: skip
        # a token checked within its cache time is answered here, without a thread hop
        info = check(request, "tickets:write", read=False)
        if info is None:
            info = await run_in_threadpool(check, request, "tickets:write")
        if isinstance(info, JSONResponse):
            return info
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return await run_in_threadpool(refuse, info.id, request, 413,
                                               f"payload over {MAX_BODY:,} bytes")  # fmt: skip
        # the store and the answer block: in a thread, so a worker keeps taking requests
        # while one waits on the database (`api.hop`: about half the CPU of an executor's
        # hop, 15-20 against 30-40 us; anyio's to_thread costs more again)
        return await threads.run(ingest, source, request, info, body)

    def ingest(source: str, request: Request, info: TokenInfo, body: bytes) -> Json:
        headers = request.headers
        if source in secrets and not verify_signature(
            source, body=body, headers=dict(headers), secret=secrets[source]
        ):
            return refuse(info.id, request, 401, f"bad {source} signature")
        try:
            with writer, factory() as s:
                status, out = handle(session=s, source=source, body=body, headers=headers,
                                     path=request.scope["path"], token_id=info.id,
                                     now=clock())  # fmt: skip
        except (OperationalError, InterfaceError) as exc:
            # the store is down: nothing was acknowledged, the source retries (not audited:
            # the audit lives in that store)
            return Json({"detail": store_failure(exc)}, status_code=503)
        return Json(out, status_code=status)

    @app.get("/api/v1/tickets/{source}/{external_id}")
    def get_ticket(source: str, external_id: str, request: Request):
        """Entitlement, SLA targets and due times, current state of a ticket."""
        info = check(request, "tickets:read")
        if isinstance(info, JSONResponse):
            return info
        with factory() as s:
            t = s.scalar(select(Ticket).where(Ticket.source == source,
                                              Ticket.external_id == external_id))  # fmt: skip
            if t is None:
                return refuse(info.id, request, 404, f"no ticket {source}/{external_id}")
            out = ticket_answer(session=s, ticket=t, now=clock())
        audit(info.id, request, 200, None)
        return out

    @app.get("/api/v1/clients/{client_id}/entitlement")
    def client_entitlement(
        client_id: int, request: Request, service: str = Query(...),
        at: datetime | None = Query(None),
    ):  # fmt: skip
        """Is this service covered for the client at this instant (default now)?"""
        info = check(request, "contracts:read")
        if isinstance(info, JSONResponse):
            return info
        when = at or clock()
        if when.tzinfo is None:
            return refuse(info.id, request, 422, "`at` needs a time zone (e.g. ...Z)")
        with factory() as s:
            if s.get(Client, client_id) is None:
                return refuse(info.id, request, 404, f"no client {client_id}")
            out = entitlement_at(session=s, client_id=client_id, service=service, at=when)
        audit(info.id, request, 200, None)
        return out

    app.add_middleware(FastWebhooks, endpoint=webhook)
    return app
