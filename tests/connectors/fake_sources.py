"""A local HTTP server answering each source's incremental export API in its documented shape.

No internet here, so the connectors are tested against this: it filters by the updated
time the request asks for, pages the way each API pages, checks the credentials each
source uses, and can answer 429 with Retry-After. `requests` records every GET.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PAGE = 100
CREDENTIALS = {
    "zendesk": {"base_url": "", "email": "ops@example.com", "api_token": "zt"},
    "freshdesk": {"base_url": "", "api_key": "fk"},
    "jsm": {"base_url": "", "email": "ops@example.com", "api_token": "jt"},
    "servicenow": {"base_url": "", "username": "svc", "password": "pw"},
    "connectwise": {"base_url": "", "company": "acme", "public_key": "pub", "private_key": "prv",
                    "client_id": "cid"},
    "halopsa": {"base_url": "", "client_id": "hid", "client_secret": "hsecret"},
    "generic": {"base_url": "", "token": "gt"},
}  # fmt: skip
PRIORITY = {
    "zendesk": {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low"},
    "freshdesk": {"P1": 4, "P2": 3, "P3": 2, "P4": 1},
    "jsm": {"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Low"},
    "servicenow": {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Moderate", "P4": "4 - Low"},
    "connectwise": {"P1": "Priority 1 - Emergency Response", "P2": "Priority 2 - Quick Response",
                    "P3": "Priority 3 - Normal Response", "P4": "Priority 4 - Scheduled"},
    "halopsa": {"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"},
    "generic": {"P1": "P1", "P2": "P2", "P3": "P3", "P4": "P4"},
}  # fmt: skip
STATUS = {  # our word -> the source's
    "zendesk": {"open": "open", "pending": "pending", "resolved": "solved"},
    "freshdesk": {"open": 2, "pending": 3, "resolved": 4},
    "jsm": {"open": "Open", "pending": "Waiting for customer", "resolved": "Resolved"},
    "servicenow": {"open": "In Progress", "pending": "On Hold", "resolved": "Resolved"},
    "connectwise": {"open": "In Progress", "pending": "Waiting on Customer",
                    "resolved": "Closed (resolved)"},
    "halopsa": {"open": "In Progress", "pending": "On Hold", "resolved": "Resolved"},
    "generic": {"open": "open", "pending": "pending", "resolved": "resolved"},
}  # fmt: skip


@dataclass
class FakeTicket:
    number: int
    client: str
    subject: str
    service: str
    priority: str  # P1..P4
    status: str  # open / pending / resolved
    created: datetime
    updated: datetime


@dataclass
class FakeSource:
    source: str
    tickets: list[FakeTicket] = field(default_factory=list)
    throttle_next: int = 0  # answer this many GETs with 429 first
    requests: list[str] = field(default_factory=list)
    token_posts: int = 0


def _z(d: datetime) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(source: str, t: FakeTicket) -> dict:
    """One ticket as the source's export API writes it."""
    p, s = PRIORITY[source][t.priority], STATUS[source][t.status]
    if source == "zendesk":
        return {"id": t.number, "subject": t.subject, "type": t.service, "priority": p,
                "status": s, "created_at": _z(t.created), "updated_at": _z(t.updated),
                "organization_id": 9000 + len(t.client)}  # fmt: skip
    if source == "freshdesk":
        return {"id": t.number, "subject": t.subject, "type": t.service, "priority": p,
                "status": s, "created_at": _z(t.created), "updated_at": _z(t.updated),
                "company": {"id": 7, "name": t.client}}  # fmt: skip
    if source == "jsm":
        jira = "%Y-%m-%dT%H:%M:%S.000+0000"
        return {"key": f"SD-{t.number}", "fields": {
            "summary": t.subject, "issuetype": {"name": t.service}, "priority": {"name": p},
            "status": {"name": s}, "created": t.created.strftime(jira),
            "updated": t.updated.strftime(jira),
            "customfield_10002": [{"name": t.client}]}}  # fmt: skip
    if source == "servicenow":
        sn = "%Y-%m-%d %H:%M:%S"
        return {"number": f"INC{t.number:07d}", "short_description": t.subject,
                "category": t.service, "priority": p, "state": s,
                "opened_at": t.created.strftime(sn), "sys_updated_on": t.updated.strftime(sn),
                "company": t.client}  # fmt: skip
    if source == "connectwise":
        return {"id": t.number, "summary": t.subject, "type": {"name": t.service},
                "priority": {"name": p}, "status": {"name": s}, "company": {"name": t.client},
                "_info": {"lastUpdated": _z(t.updated), "dateEntered": _z(t.created)}}  # fmt: skip
    if source == "halopsa":
        return {"id": t.number, "summary": t.subject, "tickettype_name": t.service,
                "priority_name": p, "status_name": s, "client_name": t.client,
                "dateoccurred": _z(t.created), "lastactiondate": _z(t.updated)}  # fmt: skip
    return {"id": t.number, "client": t.client, "subject": t.subject, "service_type": t.service,
            "priority": p, "status": s, "created_at": _z(t.created),
            "updated_at": _z(t.updated)}  # fmt: skip


def ticket_id(source: str, t: FakeTicket) -> str:
    """The id our store keeps for the ticket (the source's own key)."""
    return {"jsm": f"SD-{t.number}", "servicenow": f"INC{t.number:07d}"}.get(source, str(t.number))


def _since(source: str, q: dict[str, str]) -> datetime:
    def parse(text: str, fmt: str) -> datetime:
        return datetime.strptime(text, fmt).replace(tzinfo=UTC)

    if source == "zendesk":
        return datetime.fromtimestamp(int(q["start_time"]), UTC)
    if source == "freshdesk":
        return parse(q["updated_since"], "%Y-%m-%dT%H:%M:%SZ")
    if source == "jsm":
        m = re.search(r'updated >= "([^"]+)"', q["jql"])
        return parse(m.group(1), "%Y/%m/%d %H:%M")
    if source == "servicenow":
        m = re.match(r"sys_updated_on>=(.+?)\^ORDERBY", q["sysparm_query"])
        return parse(m.group(1), "%Y-%m-%d %H:%M:%S")
    if source == "connectwise":
        m = re.match(r"lastUpdated>=\[(.+)\]", q["conditions"])
        return parse(m.group(1), "%Y-%m-%dT%H:%M:%SZ")
    if source == "halopsa":
        return parse(q["lastupdatefromdate"], "%Y-%m-%dT%H:%M:%S")
    return datetime.fromisoformat(q["since"])


def _authorised(source: str, headers) -> bool:
    c = CREDENTIALS[source]
    basic = {
        "zendesk": (f"{c.get('email')}/token", c.get("api_token")),
        "freshdesk": (c.get("api_key"), "X"),
        "jsm": (c.get("email"), c.get("api_token")),
        "servicenow": (c.get("username"), c.get("password")),
        "connectwise": (f"{c.get('company')}+{c.get('public_key')}", c.get("private_key")),
    }.get(source)
    given = headers.get("Authorization", "")
    if basic:
        want = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        if source == "connectwise" and headers.get("clientId") != c["client_id"]:
            return False
        return given == want
    if source == "halopsa":
        return given == "Bearer halo-access"
    return given == f"Bearer {c['token']}"


def answer(fake: FakeSource, path: str, q: dict[str, str]) -> tuple[int, object]:
    """The body of one GET, paged the way the source pages."""
    src = fake.source
    order = sorted(fake.tickets, key=lambda t: (t.updated, t.number))
    if src == "zendesk" and "cursor" in q:  # the cursor is the last (updated, id) delivered
        at, number = q["cursor"].split(":")
        last = (datetime.fromtimestamp(int(at), UTC), int(number))
        rows = [t for t in order if (t.updated, t.number) > last]
    else:
        since = _since(src, q)
        rows = [t for t in order if t.updated >= since]
    if src == "zendesk":
        chunk = rows[:PAGE]
        end = chunk[-1] if chunk else None
        after = f"{int(end.updated.timestamp())}:{end.number}" if end else q.get("cursor")
        return 200, {"tickets": [render(src, t) for t in chunk],
                     "organizations": [{"id": 9000 + len(t.client), "name": t.client}
                                       for t in chunk],
                     "after_cursor": after, "end_of_stream": len(rows) <= PAGE}  # fmt: skip
    if src == "jsm":
        start = int(q["startAt"])
        chunk = rows[start : start + PAGE]
        return 200, {"startAt": start, "maxResults": PAGE, "total": len(rows),
                     "issues": [render(src, t) for t in chunk]}  # fmt: skip
    if src == "servicenow":
        start = int(q["sysparm_offset"])
        return 200, {"result": [render(src, t) for t in rows[start : start + PAGE]]}
    page = int(q.get("page") or q.get("page_no") or 1)
    chunk = rows[(page - 1) * PAGE : page * PAGE]
    body = [render(src, t) for t in chunk]
    if src == "halopsa":
        return 200, {"page_no": page, "page_size": PAGE, "record_count": len(rows),
                     "tickets": body}  # fmt: skip
    if src == "generic":
        return 200, {"tickets": body, "has_more": page * PAGE < len(rows)}
    return 200, body


def serve(fake: FakeSource) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a free localhost port; (server, base_url)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: object, headers: dict[str, str] | None = None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            ok = (form.get("client_id") == ["hid"] and form.get("client_secret") == ["hsecret"]
                  and form.get("grant_type") == ["client_credentials"])  # fmt: skip
            fake.token_posts += 1
            if self.path == "/auth/token" and ok:
                self._send(200, {"access_token": "halo-access", "token_type": "Bearer"})
            else:
                self._send(401, {"error": "invalid_client"})

        def do_GET(self) -> None:
            url = urlparse(self.path)
            fake.requests.append(self.path)
            if not _authorised(fake.source, self.headers):
                self._send(401, {"error": "unauthorised"})
                return
            if fake.throttle_next > 0:
                fake.throttle_next -= 1
                self._send(429, {"error": "rate limited"}, {"Retry-After": "1"})
                return
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, body = answer(fake, url.path, q)
            self._send(status, body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
