"""Column-mapping presets for ticket exports of common help desks, and priority words.

Each preset maps a normalised field to the header names that tool writes in its export; the
first header present in the file wins (a tool's UI export and its report views name some
columns differently). `date_format` is tried first, anything else falls back to pandas'
mixed parser; `dayfirst` settles 03/04 for tools that write local-style dates.

- zendesk: the classic ticket CSV export ("Id", "Requester", "Organization", "Priority",
  "Created at", "Solved at", "First reply time in minutes" ...). First response is derived
  from "First reply time in minutes" (calendar minutes after creation).
- freshdesk: ticket export ("Ticket ID", "Company Name", "Created time", "Initial response
  time", "Resolved time", "Agent" ...), priorities Low/Medium/High/Urgent.
- jira: Jira Service Management issue CSV ("Issue key", "Created", "Resolved",
  "Custom field (Organizations)", "Custom field (Request Type)" ...), dates "23/Nov/25 10:38 AM".
- servicenow: incident list export with field names ("number", "company", "priority" as
  "1 - Critical", "opened_at", "resolved_at" ...).
- connectwise: ConnectWise PSA service-board export ("Ticket #", "Company", "Priority" as
  "Priority 1 - Emergency Response", "Date Entered" ...) or the v_rpt_Service report names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = (
    "external_id",
    "client_name",
    "service_type",
    "priority",
    "created_at",
    "first_response_at",
    "first_response_minutes",
    "resolved_at",
    "status",
    "technician",
    "pauses",
)
REQUIRED = ("external_id", "client_name", "priority", "created_at")
DATE_FIELDS = ("created_at", "first_response_at", "resolved_at")


@dataclass(frozen=True)
class Preset:
    """Field -> accepted header names, plus how the tool writes dates."""

    name: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_format: str | None = None
    dayfirst: bool = False


PRESETS: dict[str, Preset] = {
    "zendesk": Preset(
        "zendesk",
        {
            "external_id": ("Id",),
            "client_name": ("Organization",),
            "service_type": ("Ticket type",),
            "priority": ("Priority",),
            "created_at": ("Created at",),
            "first_response_minutes": ("First reply time in minutes",),
            "resolved_at": ("Solved at",),
            "status": ("Status",),
            "technician": ("Assignee",),
        },
    ),
    "freshdesk": Preset(
        "freshdesk",
        {
            "external_id": ("Ticket ID", "Ticket Id"),
            "client_name": ("Company Name", "Company"),
            "service_type": ("Type",),
            "priority": ("Priority",),
            "created_at": ("Created time",),
            "first_response_at": ("Initial response time",),
            "resolved_at": ("Resolved time",),
            "status": ("Status",),
            "technician": ("Agent",),
        },
    ),
    "jira": Preset(
        "jira",
        {
            "external_id": ("Issue key",),
            "client_name": ("Custom field (Organizations)", "Organizations"),
            "service_type": ("Custom field (Request Type)", "Issue Type"),
            "priority": ("Priority",),
            "created_at": ("Created",),
            "first_response_at": ("Custom field ([CHART] Date of First Response)",),
            "resolved_at": ("Resolved",),
            "status": ("Status",),
            "technician": ("Assignee",),
        },
        date_format="%d/%b/%y %I:%M %p",
        dayfirst=True,
    ),
    "servicenow": Preset(
        "servicenow",
        {
            "external_id": ("number",),
            "client_name": ("company",),
            "service_type": ("category",),
            "priority": ("priority",),
            "created_at": ("opened_at",),
            "resolved_at": ("resolved_at",),
            "status": ("state",),
            "technician": ("assigned_to",),
        },
        date_format="%Y-%m-%d %H:%M:%S",
    ),
    "connectwise": Preset(
        "connectwise",
        {
            "external_id": ("Ticket #", "TicketNbr"),
            "client_name": ("Company", "company_name"),
            "service_type": ("Type", "ServiceType"),
            "priority": ("Priority", "Urgency"),
            "created_at": ("Date Entered", "date_entered"),
            "first_response_at": ("Date Responded", "Date_Responded_UTC"),
            "resolved_at": ("Date Resolved", "Date_Resolved_UTC"),
            "status": ("Status", "status_description"),
            "technician": ("Resources", "Resolved_By"),
        },
        date_format="%m/%d/%Y %I:%M %p",
    ),
}

_PRIORITY_WORDS = {
    "urgent": "P1",
    "critical": "P1",
    "highest": "P1",
    "emergency": "P1",
    "blocker": "P1",
    "high": "P2",
    "major": "P2",
    "normal": "P3",
    "medium": "P3",
    "moderate": "P3",
    "low": "P4",
    "lowest": "P4",
    "minor": "P4",
    "planning": "P4",
    "trivial": "P4",
}
_PRIORITY_DIGIT = re.compile(r"^(?:p|priority|prio)?\s*([1-5])(?!\d)")


def normalise_priority(value: object) -> str | None:
    """'Urgent', '1 - Critical', 'Priority 2 - Quick Response', 'p3', 'Low' -> P1..P4.

    A leading digit wins (5 "Planning" folds into P4); otherwise the first known word.
    None when nothing is recognised.
    """
    text = str(value if value is not None else "").strip().lower()
    match = _PRIORITY_DIGIT.match(text)
    if match:
        return f"P{min(int(match.group(1)), 4)}"
    for word in re.findall(r"[a-z]+", text):
        if word in _PRIORITY_WORDS:
            return _PRIORITY_WORDS[word]
    return None
