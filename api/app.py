"""The FastAPI app: `create_app(engine)`; OpenAPI docs at /docs.

Every request is audited in `api_requests`. Webhooks: POST /api/v1/webhooks/{source}
(token with tickets:write, plus the source's signature when a secret is configured in
secrets.toml `[webhooks]`). The raw event is stored before it is applied and committed with
its apply, before the answer (the receipt id proves it), so an acknowledged event survives a
crash of the process; if the apply fails, the raw event is stored on its own (received).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from api.sources import SOURCES, BadEvent, normalise, verify_signature
from db.api_tokens import TokenError, TokenInfo, authenticate
from db.dispatch import entitlement_at, quick_answer, ticket_answer
from db.engine import session_factory
from db.inbound import delete_ticket, deleted_at, rebuild, store_event
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


def create_app(
    engine: Engine,
    *,
    webhook_secrets: dict[str, str] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FastAPI:
    app = FastAPI(
        title="Contract Desk API",
        version="1",
        description="Ticket webhooks and the entitlement answer a dispatcher needs.",
    )
    factory = session_factory(engine)
    limiter = RateLimiter()
    secrets = dict(webhook_secrets or {})
    # SQLite has one writer: threads of a worker queue here in order instead of polling its
    # busy timeout; PostgreSQL serialises per ticket only (db.inbound._lock_tickets)
    writer = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()

    def audit(token_id: int | None, request: Request, status: int, detail: str | None) -> None:
        with factory() as s:
            s.add(ApiRequest(at=clock(), token_id=token_id, method=request.method,
                             path=request.url.path[:300], status=status,
                             detail=(detail or "")[:300] or None))  # fmt: skip
            s.commit()

    def refuse(token_id: int | None, request: Request, status: int, reason: str, **extra):
        audit(token_id, request, status, reason)
        return JSONResponse({"detail": reason, **extra}, status_code=status)

    def check(request: Request, scope: str) -> TokenInfo | JSONResponse:
        with factory() as s:
            try:
                info = authenticate(session=s, token=_token(request), scope=scope, now=clock())
                s.commit()
            except TokenError as exc:
                return refuse(None, request, exc.status, str(exc))
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
            return refuse(None, request, 404, f"unknown source {source!r}")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return refuse(None, request, 413, f"payload over {MAX_BODY:,} bytes")
        info = await run_in_threadpool(check, request, "tickets:write")
        if isinstance(info, JSONResponse):
            return info
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return refuse(info.id, request, 413, f"payload over {MAX_BODY:,} bytes")
        # the store and the answer block: in the thread pool, so a worker keeps taking
        # requests while one waits on the database
        return await run_in_threadpool(ingest, source, request, info, body)

    def ingest(source: str, request: Request, info: TokenInfo, body: bytes):
        with writer:
            return _ingest(source, request, info, body)

    def _ingest(source: str, request: Request, info: TokenInfo, body: bytes):
        if source in secrets and not verify_signature(
            source, body=body, headers=dict(request.headers), secret=secrets[source]
        ):
            return refuse(info.id, request, 401, f"bad {source} signature")
        fallback = hashlib.sha256(body).hexdigest()[:64]
        header_id = request.headers.get("x-atlassian-webhook-identifier")
        now = clock()
        text = body.decode("utf-8", errors="replace")
        event = error = None
        try:
            payload = json.loads(body)
            if source == "jsm" and header_id and isinstance(payload, dict):
                payload.setdefault("webhookEventId", header_id)
            event = normalise(source, payload, fallback_id=fallback)
        except ValueError as exc:  # JSONDecodeError and BadEvent
            error = str(exc) if isinstance(exc, BadEvent) else f"malformed JSON: {exc}"
        with factory() as s:
            gone = event and not error and deleted_at(session=s, source=source,
                                                      external_id=event.ticket_id)  # fmt: skip
            if gone and event.kind != "deleted":
                error = (f"ticket {event.ticket_id} was deleted in {source} at "
                         f"{gone:%Y-%m-%d %H:%M}; the event is kept but not applied")  # fmt: skip
            raw = {"source": source, "event": event, "payload": text, "now": now,
                   "token_id": info.id, "error": error, "fallback_id": fallback}  # fmt: skip
            row, duplicate = store_event(session=s, **raw, commit=False)
            if error:
                s.commit()
                return refuse(info.id, request, 422, error, receipt_id=row.receipt_id)
            if not duplicate and event.kind == "deleted":
                s.commit()  # the raw event first: a deletion is rare and final
                existed = delete_ticket(session=s, row=row)
                s.add(ApiRequest(at=now, token_id=info.id, method="POST",
                                 path=request.url.path[:300], status=200,
                                 detail=f"receipt {row.receipt_id}: ticket deleted"))  # fmt: skip
                s.commit()
                what = "removed from SLA figures" if existed else "was not stored here"
                return {"receipt_id": row.receipt_id, "duplicate": False, "status": "applied",
                        "deleted": existed,
                        "detail": f"ticket {event.ticket_id} {what}"}  # fmt: skip
            out = {"receipt_id": row.receipt_id, "duplicate": duplicate}
            if not duplicate:
                # one commit stores the raw event and its apply: nothing is acknowledged
                # before it; if the apply fails the raw event is still kept (received)
                try:
                    built = rebuild(s, source, [event.ticket_id])[event.ticket_id]
                    out["status"] = row.status
                    answer = built and quick_answer(session=s, ticket=built[0], now=now,
                                                    history=built[1])  # fmt: skip
                    s.add(ApiRequest(at=now, token_id=info.id, method="POST",
                                     path=request.url.path[:300], status=200,
                                     detail=f"receipt {row.receipt_id}"))  # fmt: skip
                    s.commit()
                except Exception:
                    s.rollback()
                    store_event(session=s, **raw)
                    raise
            else:
                out["status"] = row.status
                ticket = s.get(Ticket, row.ticket_id) if row.ticket_id else None
                answer = ticket and quick_answer(session=s, ticket=ticket, now=now)
                audit(info.id, request, 200, f"duplicate of receipt {row.receipt_id}")
            if not answer:
                out["detail"] = "kept in the unmatched queue: no client matches this event"
                return JSONResponse(out, status_code=202)
            out.update(answer)
            return out

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

    return app
