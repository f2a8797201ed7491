"""Incremental export APIs of the ticketing sources: requests, paging, records -> Events (pure).

Each source has its own paging (Zendesk cursor, Jira startAt/total, the others page or
offset numbers) and record shape; a `Cursor` says where the next request starts, so the
sync stores it after every page and resumes there after a crash. A pulled record is a
snapshot of the ticket: it becomes an "updated" Event whose id is (ticket, updated time),
so re-reading a page after a crash applies nothing twice and the webhook path's
event-time fold (db/inbound.py) orders it among webhook events of the same ticket.
Documented shapes (docs/api.md, "Pull connectors"):
- Zendesk: GET /api/v2/incremental/tickets/cursor.json?start_time=|cursor= &include=organizations
- Freshdesk: GET /api/v2/tickets?updated_since=&order_by=updated_at&page=&include=company
- Jira Service Management: GET /rest/api/3/search?jql=updated >= "..." ORDER BY updated ASC&startAt=
- ServiceNow: GET /api/now/table/incident?sysparm_query=sys_updated_on>=...^ORDERBYsys_updated_on
- ConnectWise: GET /v4_6_release/apis/3.0/service/tickets?conditions=lastUpdated>=[...]&page=
- HaloPSA: GET /api/Tickets?pageinate=true&page_no=&lastupdatefromdate=
- generic: GET {base_url}?since=&page= -> {"tickets": [generic webhook ticket], "has_more": bool}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from api.sources import BadEvent, Event, _get, _instant, _name
from sla.events import PAUSE_STATUSES, STOP_STATUSES
from sla.import_presets import normalise_priority

PULL_SOURCES = ("zendesk", "freshdesk", "jsm", "servicenow", "connectwise", "halopsa", "generic")
PAGE_SIZE = 100


@dataclass(frozen=True)
class Cursor:
    """Where the next request starts: the window start, a page/offset, or an opaque token."""

    since: datetime
    page: int = 1  # page number (1-based) or, for offset APIs, the offset / PAGE_SIZE + 1
    token: str | None = None  # Zendesk's after_cursor
    high_water: datetime | None = None  # latest updated time seen in this window

    def dumps(self) -> str:
        return json.dumps(
            {
                "since": self.since.isoformat(),
                "page": self.page,
                "token": self.token,
                "high_water": self.high_water.isoformat() if self.high_water else None,
            }
        )

    @staticmethod
    def loads(text: str) -> Cursor:
        d = json.loads(text)
        hw = d.get("high_water")
        return Cursor(
            since=datetime.fromisoformat(d["since"]),
            page=int(d.get("page") or 1),
            token=d.get("token"),
            high_water=datetime.fromisoformat(hw) if hw else None,
        )


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class Page:
    """One response read: its tickets as Events, and the cursor after it (None: window done)."""

    events: list[Event]
    raws: list[dict]  # the record each event came from (stored raw, like a webhook's body)
    next_cursor: Cursor | None
    skipped: list[str]  # records that could not be read, with the reason
    high_water: datetime | None = None  # latest updated time seen in the window so far


def request_for(source: str, cursor: Cursor) -> Request:
    """The HTTP request that reads the page `cursor` points at."""
    since = cursor.since.astimezone(UTC)
    n = str(PAGE_SIZE)
    if source == "zendesk":
        if cursor.token:
            return Request(
                "/api/v2/incremental/tickets/cursor.json",
                {"cursor": cursor.token, "include": "organizations", "per_page": n},
            )
        return Request(
            "/api/v2/incremental/tickets/cursor.json",
            {"start_time": str(int(since.timestamp())), "include": "organizations", "per_page": n},
        )
    if source == "freshdesk":
        return Request(
            "/api/v2/tickets",
            {
                "updated_since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "order_by": "updated_at",
                "order_type": "asc",
                "per_page": n,
                "page": str(cursor.page),
                "include": "company",
            },
        )
    if source == "jsm":
        jql = f'updated >= "{since:%Y/%m/%d %H:%M}" ORDER BY updated ASC'
        return Request(
            "/rest/api/3/search",
            {
                "jql": jql,
                "startAt": str((cursor.page - 1) * PAGE_SIZE),
                "maxResults": n,
                "fields": "summary,issuetype,priority,status,created,updated,customfield_10002",
            },
        )
    if source == "servicenow":
        return Request(
            "/api/now/table/incident",
            {
                "sysparm_query": f"sys_updated_on>={since:%Y-%m-%d %H:%M:%S}^ORDERBYsys_updated_on",
                "sysparm_limit": n,
                "sysparm_offset": str((cursor.page - 1) * PAGE_SIZE),
                "sysparm_display_value": "true",
                "sysparm_exclude_reference_link": "true",
            },
        )
    if source == "connectwise":
        return Request(
            "/v4_6_release/apis/3.0/service/tickets",
            {
                "conditions": f"lastUpdated>=[{since:%Y-%m-%dT%H:%M:%SZ}]",
                "orderBy": "lastUpdated asc",
                "page": str(cursor.page),
                "pageSize": n,
            },
        )
    if source == "halopsa":
        return Request(
            "/api/Tickets",
            {
                "pageinate": "true",
                "page_size": n,
                "page_no": str(cursor.page),
                "lastupdatefromdate": since.strftime("%Y-%m-%dT%H:%M:%S"),
                "order": "lastactiondate",
            },
        )
    if source == "generic":
        return Request("", {"since": since.isoformat(), "page": str(cursor.page)})
    raise ValueError(f"unknown source {source!r} (known: {', '.join(PULL_SOURCES)})")


# source -> record field -> dotted path in one record of the export.
RECORD_FIELDS: dict[str, dict[str, str]] = {
    "zendesk": {
        "id": "id",
        "updated": "updated_at",
        "created": "created_at",
        "subject": "subject",
        "service": "type",
        "priority": "priority",
        "status": "status",
    },
    "freshdesk": {
        "id": "id",
        "updated": "updated_at",
        "created": "created_at",
        "subject": "subject",
        "service": "type",
        "priority": "priority",
        "status": "status",
        "client": "company.name",
    },
    "jsm": {
        "id": "key",
        "updated": "fields.updated",
        "created": "fields.created",
        "subject": "fields.summary",
        "service": "fields.issuetype",
        "priority": "fields.priority",
        "status": "fields.status",
        "client": "fields.customfield_10002",
    },
    "servicenow": {
        "id": "number",
        "updated": "sys_updated_on",
        "created": "opened_at",
        "subject": "short_description",
        "service": "category",
        "priority": "priority",
        "status": "state",
        "client": "company",
    },
    "connectwise": {
        "id": "id",
        "updated": "_info.lastUpdated",
        "created": "_info.dateEntered",
        "subject": "summary",
        "service": "type",
        "priority": "priority",
        "status": "status",
        "client": "company",
    },
    "halopsa": {
        "id": "id",
        "updated": "lastactiondate",
        "created": "dateoccurred",
        "subject": "summary",
        "service": "tickettype_name",
        "priority": "priority_name",
        "status": "status_name",
        "client": "client_name",
    },
    "generic": {
        "id": "id",
        "updated": "updated_at",
        "created": "created_at",
        "subject": "subject",
        "service": "service_type",
        "priority": "priority",
        "status": "status",
        "client": "client",
    },
}

# Freshdesk sends numbers for priority and status (its API reference's tables).
FRESHDESK_PRIORITY = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
FRESHDESK_STATUS = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}


def status_word(value: str | None) -> str | None:
    """The source's status as the word the SLA engine knows ('Closed (resolved)' -> 'closed')."""
    text = (value or "").strip().lower()
    if not text or text in STOP_STATUSES or text in PAUSE_STATUSES:
        return text or None
    for known in sorted(PAUSE_STATUSES | STOP_STATUSES, key=len, reverse=True):
        if known in text.replace("-", " ").replace("_", " "):
            return known
    return text[:30]


def _records(source: str, body: Any) -> list[dict]:
    if source == "zendesk":
        return list(body.get("tickets") or [])
    if source == "jsm":
        return list(body.get("issues") or [])
    if source == "servicenow":
        return list(body.get("result") or [])
    if source == "halopsa":
        return list(body.get("tickets") or [])
    if source == "generic":
        return list(body.get("tickets") or [])
    return list(body)  # Freshdesk and ConnectWise answer a JSON array


def read_page(source: str, body: Any, cursor: Cursor, *, tz: str = "UTC") -> Page:
    """The events of one response and the cursor for the next request."""
    if source == "zendesk" and not isinstance(body, dict):
        raise BadEvent("Zendesk answered something other than a JSON object")
    if source in ("freshdesk", "connectwise") and not isinstance(body, list):
        raise BadEvent(f"{source} answered something other than a JSON array")
    if source not in ("freshdesk", "connectwise") and not isinstance(body, dict):
        raise BadEvent(f"{source} answered something other than a JSON object")
    orgs = (
        {o.get("id"): o.get("name") for o in (body.get("organizations") or [])}
        if (source == "zendesk")
        else {}
    )
    records = _records(source, body)
    events: list[Event] = []
    raws: list[dict] = []
    skipped: list[str] = []
    for rec in records:
        try:
            events.append(record_event(source, rec, orgs, tz=tz))
            raws.append(rec)
        except BadEvent as exc:
            skipped.append(f"{_get(rec, RECORD_FIELDS[source]['id'])}: {exc}")
    seen = [e.event_at for e in events]
    high = max([cursor.high_water, *seen], key=lambda d: d or datetime.min.replace(tzinfo=UTC))
    done = _window_done(source, body, records, cursor)
    if done:
        return Page(events, raws, None, skipped, high)
    if source == "zendesk":
        nxt = replace(cursor, token=str(body.get("after_cursor")), high_water=high)
    else:
        nxt = replace(cursor, page=cursor.page + 1, high_water=high)
    return Page(events, raws, nxt, skipped, high)


def _window_done(source: str, body: Any, records: list, cursor: Cursor) -> bool:
    if source == "zendesk":
        return bool(body.get("end_of_stream")) or not body.get("after_cursor")
    if source == "jsm":
        total = int(body.get("total") or 0)
        return (cursor.page - 1) * PAGE_SIZE + len(records) >= total or not records
    if source == "halopsa":
        count = body.get("record_count")
        if count is not None and cursor.page * PAGE_SIZE >= int(count):
            return True
    if source == "generic":
        return not body.get("has_more")
    return len(records) < PAGE_SIZE


def next_window(source: str, last: Cursor, final: Page, final_body: Any) -> Cursor:
    """The cursor the next sync starts from once a window is read to its end.

    The next window starts at the latest updated time seen (records updated at that very
    instant are read again and recognised as duplicates); Zendesk continues its cursor.
    """
    since = final.high_water or last.since
    if source == "zendesk" and isinstance(final_body, dict) and final_body.get("after_cursor"):
        return Cursor(since=since, token=str(final_body["after_cursor"]))
    return Cursor(since=since)


def _when(value: Any, what: str, tz: str) -> datetime:
    """A record's time; a naive one is in the integration user's zone `tz` (ServiceNow)."""
    if isinstance(value, str) and tz != "UTC":
        try:
            ts = pd.Timestamp(value)
        except ValueError as exc:
            raise BadEvent(f"{what} is not a date-time: {value!r}") from exc
        if ts.tzinfo is None:
            return ts.tz_localize(tz).tz_convert("UTC").to_pydatetime()
    return _instant(value, what)


def record_event(source: str, rec: Any, orgs: dict | None = None, *, tz: str = "UTC") -> Event:
    """One exported ticket record as an 'updated' Event identified by (ticket, updated time)."""
    if not isinstance(rec, dict):
        raise BadEvent("a record is not a JSON object")
    f = RECORD_FIELDS[source]
    ticket = _get(rec, f["id"])
    if ticket in (None, ""):
        raise BadEvent(f"missing ticket id ({f['id']})")
    updated = _when(_get(rec, f["updated"]), f"updated time ({f['updated']})", tz)
    created_raw = _get(rec, f["created"])
    priority = _get(rec, f["priority"])
    status = _get(rec, f["status"])
    if source == "freshdesk":
        priority = FRESHDESK_PRIORITY.get(priority, priority)
        status = FRESHDESK_STATUS.get(status, status)
    client = (
        (orgs or {}).get(rec.get("organization_id"))
        if source == "zendesk"
        else (_name(_get(rec, f["client"])))
    )
    priority_name = _name(priority)
    return Event(
        event_id=f"pull:{ticket}:{updated.isoformat()}"[:120],
        kind="updated",
        event_at=updated,
        ticket_id=str(ticket)[:80],
        client=client,
        subject=_name(_get(rec, f["subject"])),
        service_type=_name(_get(rec, f["service"])),
        priority=normalise_priority(priority_name) if priority_name else None,
        status=status_word(_name(status)),
        created_at=_when(created_raw, "created time", tz) if created_raw else None,
    )
