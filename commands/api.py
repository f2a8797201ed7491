"""`api serve` (uvicorn) and `api token create|list|revoke` (admin)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime


def serve(args) -> int:
    import uvicorn

    from db.engine import open_store

    open_store()  # migrate once before the workers start
    uvicorn.run("api.serve:build", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning")  # fmt: skip
    return 0


def token_create(args) -> int:
    from access.roles import SYSTEM
    from db.api_tokens import create_token
    from db.engine import open_store, session_scope

    try:
        with session_scope(open_store()) as s:
            token = create_token(session=s, actor=SYSTEM, name=args.name, scopes=args.scope,
                                 days=args.days, now=datetime.now(UTC),
                                 rate_per_minute=args.rate)  # fmt: skip
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("Token (shown once, only its hash is stored):")
    print(token)
    return 0


def token_list(args) -> int:
    from access.roles import SYSTEM
    from db.api_tokens import list_tokens
    from db.engine import open_store, session_scope

    with session_scope(open_store()) as s:
        frame = list_tokens(session=s, actor=SYSTEM, now=datetime.now(UTC))
    print(frame.to_string(index=False) if len(frame) else "No API tokens.")
    return 0


def token_revoke(args) -> int:
    from access.roles import SYSTEM
    from db.api_tokens import revoke_token
    from db.engine import open_store, session_scope

    try:
        with session_scope(open_store()) as s:
            revoke_token(session=s, actor=SYSTEM, token_id=args.id, now=datetime.now(UTC))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Token {args.id} revoked.")
    return 0


def register(sub, commands) -> None:
    from db.api_tokens import SCOPES

    api = sub.add_parser("api", help="the HTTP API service and its tokens").add_subparsers(
        dest="cmd", required=True
    )
    s = api.add_parser("serve", help="run the API (OpenAPI docs at /docs)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    commands["api serve"] = serve
    t = api.add_parser("token", help="API tokens").add_subparsers(dest="tcmd", required=True)
    c = t.add_parser("create", help="create a token (printed once)")
    c.add_argument("name")
    c.add_argument("--scope", action="append", required=True, choices=SCOPES)
    c.add_argument("--days", type=int, default=365)
    c.add_argument("--rate", type=int, default=6000, help="requests a minute")
    t.add_parser("list", help="list tokens")
    r = t.add_parser("revoke", help="revoke a token")
    r.add_argument("id", type=int)
    commands["api token"] = lambda args: {"create": token_create, "list": token_list,
                                          "revoke": token_revoke}[args.tcmd](args)  # fmt: skip
