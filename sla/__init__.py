"""SLA engine: coverage calendars, policy matrix, bulk SLA clock, entitlement, ticket import.

Pure and typed: plain values, dataclasses and DataFrames in and out; `now` is a parameter.
"""

from sla.calendar import Calendar, CalendarRangeError
from sla.clock import compliance, evaluate
from sla.entitlement import check_entitlement
from sla.events import Segment, rows_from_events, timeline
from sla.policy import SlaPolicy, Target, attach_targets, policy_for, policy_from_rows
from sla.ticket_import import ImportRejected, ParseResult, parse_tickets

__all__ = [
    "Calendar",
    "CalendarRangeError",
    "ImportRejected",
    "ParseResult",
    "Segment",
    "SlaPolicy",
    "Target",
    "attach_targets",
    "check_entitlement",
    "compliance",
    "evaluate",
    "parse_tickets",
    "policy_for",
    "policy_from_rows",
    "rows_from_events",
    "timeline",
]
