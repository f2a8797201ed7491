"""Render notification emails from Jinja2 templates into a plain dataclass.

Each template is three files in ``notify/templates``: ``<name>.subject.j2``,
``<name>.txt.j2`` and ``<name>.html.j2``. HTML is autoescaped (a client called
``<script>`` stays text); text and subject are not, since they are not HTML. Undefined
variables raise instead of rendering blank, so a missing figure never goes out as "".
The subject is collapsed to one line: a newline in a header would let data inject
headers. Every text in the context passes through `safe.text.no_links` (a URL in a client
name or a ticket subject must not become a phishing link); only the keys in
`TRUSTED_KEYS`, built by the app, keep their links. Rendering is pure: no clock, no I/O
beyond reading the templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from safe.text import no_links

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATES = (
    "renewal_reminder",
    "client_renewal_notice",
    "sla_breach_warning",
    "compliance_gap_alert",
    "weekly_executive_report",
    "out_of_scope_request",
)
# Outbox rules rendered by a template of another name (a breach alert is the SLA template
# with one ticket), so a preview knows their HTML came from our autoescaping templates.
RULE_TEMPLATES = {name: name for name in TEMPLATES}
RULE_TEMPLATES["sla_breach_alert"] = "sla_breach_warning"


# Context keys the app builds itself (its own URL, the time zone): left as they are.
TRUSTED_KEYS = frozenset({"link", "tz"})
# Templates that promise an attachment in their text ("attached is ...").
REQUIRES_ATTACHMENT = frozenset({"client_renewal_notice"})


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Email:
    """A rendered message; recipients may be filled in later with ``dataclasses.replace``."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: str | None = None


def money(value: Decimal | int | str | None, currency: str = "") -> str:
    """``EUR 1,234.50``; the currency code, never a float on the way."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        raise TypeError("money must be Decimal, not float")
    amount = f"{Decimal(str(value)):,.2f}"
    return f"{currency} {amount}".strip()


def pct(value: float | None, digits: int = 0) -> str:
    """0.912 -> ``91%``."""
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def when(value: datetime | date | None, tz: str = "UTC") -> str:
    """An aware instant in ``tz`` (``2025-06-03 14:00 CEST``), or a plain date."""
    if value is None:
        return "n/a"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a notification: instants must be aware")
        return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")
    return value.isoformat()


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared Jinja2 environment (autoescape for ``*.html.j2`` only)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, pct=pct, when=when)
    return env


def _untrusted(value: Any) -> Any:
    # Data from users and documents, however nested (lists of row dicts in most templates).
    if isinstance(value, str):
        return no_links(value)
    if isinstance(value, Mapping):
        return {k: _untrusted(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_untrusted(v) for v in value]
    return value


def render(
    template: str,
    context: Mapping[str, Any],
    *,
    attachments: Sequence[Attachment] = (),
    to: Sequence[str] = (),
) -> Email:
    """Render ``template`` (one of :data:`TEMPLATES`) with ``context``."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")
    if template in REQUIRES_ATTACHMENT and not attachments:
        raise ValueError(f"{template} promises an attachment; none was given")
    env = environment()
    names = {"attachments": [a.filename for a in attachments]}
    names |= {k: v if k in TRUSTED_KEYS else _untrusted(v) for k, v in context.items()}
    subject = env.get_template(f"{template}.subject.j2").render(names)
    return Email(
        subject=re.sub(r"\s+", " ", subject).strip(),
        text=env.get_template(f"{template}.txt.j2").render(names),
        html=env.get_template(f"{template}.html.j2").render(names),
        attachments=tuple(attachments),
        to=tuple(to),
    )
