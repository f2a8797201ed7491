"""Shared by the compliance editors: expiry reading, status, clause details, input checks."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from compliance.requirements import default_registry

MAX_PDF_BYTES = 5 * 1024 * 1024
EXPIRING_DAYS = 60
_ONE_DAY = timedelta(days=1)


def first_day_not_valid(expires_on: date | None) -> date | None:
    """The stored last valid day as ``compliance`` reads expiry: the first day it lapses."""
    return None if expires_on is None else expires_on + _ONE_DAY


def _clause_details(text: str | None) -> dict:
    if text and text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return {"description": text}
        return data if isinstance(data, dict) else {"description": text}
    return {"description": text or ""}


def _registry_note(kind: str, name: str) -> str:
    reg_kind = {"credential": "credential", "insurance": "insurance"}.get(kind, "certification")
    reg = default_registry()
    if kind == "security_clause":
        return ""
    if reg.canonical(reg_kind, name) is None:  # type: ignore[arg-type]
        return reg.unknown_message(reg_kind, name)  # type: ignore[arg-type]
    return ""


def _clean(text: str | None, what: str, limit: int = 120) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise ValueError(f"{what} is required.")
    if len(value) > limit:
        raise ValueError(f"{what} must be at most {limit} characters.")
    return value


def _money(value: object, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} must be a number, e.g. 2000000.") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{what} must be more than zero.")
    return amount.quantize(Decimal("0.01"))


def _currency(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("Currency must be a three-letter code such as GBP, EUR or USD.")
    return code


def status_on(expires_on: date | None, on: date, issued_on: date | None = None) -> str:
    """'valid', 'expiring in N days', 'expired', 'not yet valid' or 'no expiry recorded'."""
    if issued_on is not None and issued_on > on:
        return "not yet valid"
    if expires_on is None:
        return "no expiry recorded"
    if expires_on < on:
        return "expired"
    left = (expires_on - on).days
    return f"expiring in {left} days" if left < EXPIRING_DAYS else "valid"


def check_pdf(filename: str | None, data: bytes | None) -> None:
    """Refuse anything but a real PDF under the size limit (nothing is stored on refusal)."""
    if data is None:
        return
    if len(data) > MAX_PDF_BYTES:
        raise ValueError(
            f"{filename or 'The file'} is {len(data) / 1_048_576:.1f} MB; "
            f"the limit is {MAX_PDF_BYTES // 1_048_576} MB."
        )
    if not data.startswith(b"%PDF-"):
        raise ValueError(f"{filename or 'The file'} is not a PDF (it does not start with %PDF-).")
