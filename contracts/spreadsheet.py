"""Read an existing contract list (CSV/XLSX export of a PSA, or a spreadsheet) into contracts.

A company starts with its contracts in ConnectWise, Autotask, HaloPSA or a spreadsheet.
Each preset names the headers that tool's agreement/contract export uses for our fields;
each row becomes a `ContractInput`-shaped dict (the client by name) or a list of reasons it
cannot, with the row number the user sees in the spreadsheet (header = row 1). Nothing here
touches the store: `db.contracts_import` matches clients and references and writes.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from dateutil import parser as dateparser

from contracts.schema import client_name_key

MAX_BYTES = 20 * 1024 * 1024  # a contract list of 100k rows is far below this

# Our field -> the headers that mean it, per tool (compared case- and space-insensitively).
FIELDS = (
    "client",
    "reference",
    "title",
    "tier",
    "status",
    "start_date",
    "end_date",
    "term_months",
    "auto_renew",
    "renewal_term_months",
    "notice_days",
    "value",
    "currency",
    "contract_type",
    "billing_cycle",
    "recurring_fee",
    "hourly_rate",
    "included_hours",
    "overage_rate",
    "timezone",
)
REQUIRED = ("client", "start_date")

_GENERIC = {f: (f, f.replace("_", " ")) for f in FIELDS}
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "generic": {
        **_GENERIC,
        "client": ("client", "client name", "customer", "company"),
        "title": ("title", "contract", "contract name", "name"),
        "start_date": ("start_date", "start date", "start"),
        "end_date": ("end_date", "end date", "end"),
        "value": ("value", "contract value", "amount"),
        "contract_type": ("pricing_model", "pricing model", "type", "contract type"),
        "recurring_fee": ("recurring_fee", "recurring fee", "monthly fee", "fee"),
    },
    # Finance > Agreements list view export.
    "connectwise": {
        "client": ("Company Name", "Company"),
        "reference": ("Agreement ID", "ID", "Agreement Number"),
        "title": ("Agreement Name", "Name"),
        "status": ("Agreement Status", "Status"),
        "start_date": ("Date Start", "Start Date"),
        "end_date": ("Date End", "End Date"),
        "contract_type": ("Agreement Type", "Type"),
        "billing_cycle": ("Billing Cycle",),
        "recurring_fee": ("Billing Amount", "Amount"),
        "currency": ("Currency",),
        "included_hours": ("Application Limit", "Hours"),
        "overage_rate": ("Overrun Rate",),
        "hourly_rate": ("Hourly Rate",),
        "auto_renew": ("Auto Renew",),
        "notice_days": ("Notice Days",),
    },
    # Contracts > Search > Export.
    "autotask": {
        "client": ("Organization", "Organization Name", "Account Name", "Account"),
        "reference": ("Contract Number", "Contract ID", "External Number"),
        "title": ("Contract Name",),
        "status": ("Status",),
        "start_date": ("Start Date",),
        "end_date": ("End Date",),
        "contract_type": ("Contract Type", "Type"),
        "billing_cycle": ("Contract Period Type", "Period Type"),
        "value": ("Contract Value", "Estimated Revenue"),
        "recurring_fee": ("Recurring Fee", "Monthly Fee"),
        "currency": ("Currency",),
        "included_hours": ("Hours", "Block Hours"),
        "hourly_rate": ("Hourly Rate",),
        "overage_rate": ("Overage Rate",),
        "tier": ("Category", "Contract Category"),
    },
    # Contracts list export.
    "halopsa": {
        "client": ("Client", "Client Name", "Customer"),
        "reference": ("Reference", "Contract Ref", "Ref"),
        "title": ("Description", "Contract Description", "Name"),
        "status": ("Status",),
        "start_date": ("Start Date",),
        "end_date": ("End Date",),
        "contract_type": ("Contract Type", "Billing Description", "Type"),
        "billing_cycle": ("Billing Period", "Billing Cycle"),
        "value": ("Value", "Contract Value"),
        "recurring_fee": ("Periodic Charge", "Recurring Charge", "Amount"),
        "currency": ("Currency",),
        "auto_renew": ("Auto Renew", "Renew Automatically"),
        "notice_days": ("Notice Period (Days)", "Notice Days"),
        "renewal_term_months": ("Renewal Period (Months)",),
        "included_hours": ("Prepay Hours", "Hours"),
        "hourly_rate": ("Hourly Rate", "Rate"),
    },
}

# How the tools spell pricing models, cycles and statuses.
_TYPES = {
    "fixed": ("managed", "recurring", "fixed", "maintenance", "hosting", "monthly", "retainer"),
    "block_hours": ("block", "prepay", "pre-pay", "bank"),
    "time_materials": ("time & materials", "time and materials", "t&m", "hourly", "break fix"),
    "per_unit": ("per unit", "per device", "per user", "per seat", "per endpoint"),
}
_CYCLES = {
    "monthly": ("month",),
    "quarterly": ("quarter",),
    "annual": ("year", "annual", "annum"),
}
_STATUSES = {
    "active": ("active", "open", "current", "live"),
    "expired": ("expired", "inactive", "ended", "closed"),
    "terminated": ("cancelled", "canceled", "terminated"),
    "draft": ("draft", "pending", "quote"),
}
_TRUE = {"yes", "y", "true", "1", "x", "auto", "automatic"}
_FALSE = {"no", "n", "false", "0", ""}
_NEEDS = {
    "fixed": ("recurring_fee",),
    "per_unit": ("unit_price",),
    "block_hours": ("included_hours", "overage_rate"),
    "time_materials": ("hourly_rate",),
}


class SheetRejected(ValueError):
    """The whole file cannot be read; the message says why and what to do."""


@dataclass
class SheetRow:
    row: int  # as the user sees it in the spreadsheet (header = 1)
    values: dict[str, Any] = field(default_factory=dict)  # ContractInput fields + "client"
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read(data: bytes, filename: str) -> pd.DataFrame:
    if len(data) > MAX_BYTES:
        raise SheetRejected(
            f"'{filename}' is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
            "Split the file."
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            raw = pd.read_excel(io.BytesIO(data), dtype=object, header=None, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise SheetRejected(f"Cannot read '{filename}' as an Excel workbook.") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        if not text.strip():
            raise SheetRejected(f"'{filename}' is empty.")
        lines = text.splitlines()
        sep = max([",", ";", "\t"], key=lambda s: sum(line.count(s) for line in lines[:10]))
        try:
            raw = pd.read_csv(
                io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False
            )
        except (pd.errors.ParserError, UnicodeError) as exc:
            raise SheetRejected(f"Cannot read '{filename}' as CSV: {exc}") from exc
    return raw


def _norm(header: object) -> str:
    return " ".join(str(header).replace("_", " ").split()).casefold()


def _header_row(raw: pd.DataFrame, preset: dict[str, tuple[str, ...]]) -> int:
    """Index of the first of the top 10 rows holding the most known headers (titles above)."""
    known = {_norm(c) for names in preset.values() for c in names}
    scores = [
        sum(_norm(v) in known for v in raw.iloc[i].tolist()) for i in range(min(10, len(raw)))
    ]
    if not scores or max(scores) == 0:
        return 0
    return scores.index(max(scores))


def read_sheet(
    data: bytes,
    filename: str,
    *,
    preset: str,
    currency: str = "USD",
    dayfirst: bool = False,
) -> list[SheetRow]:
    """Rows of a contract export, each with its ContractInput values or its errors."""
    if preset not in PRESETS:
        raise SheetRejected(f"Unknown preset {preset!r}: use one of {', '.join(PRESETS)}.")
    columns = PRESETS[preset]
    raw = _read(data, filename)
    if raw.empty:
        raise SheetRejected(f"'{filename}' has no rows.")
    at = _header_row(raw, columns)
    headers = {_norm(v): i for i, v in enumerate(raw.iloc[at].tolist()) if str(v).strip()}
    found: dict[str, int] = {}
    for name, candidates in columns.items():
        for candidate in candidates:
            if _norm(candidate) in headers:
                found[name] = headers[_norm(candidate)]
                break
    missing = [f"'{columns[f][0]}' ({f.replace('_', ' ')})" for f in REQUIRED if f not in found]
    if missing:
        seen = ", ".join(repr(str(v)) for v in raw.iloc[at].tolist() if str(v).strip())
        raise SheetRejected(
            f"Missing required column(s) for a {preset} export: {', '.join(missing)}. "
            f"Headers found (row {at + 1}): {seen or 'none'}. Pick the preset of the tool the "
            "file came from, or rename the columns (generic preset: client, start_date, ...)."
        )
    body = raw.iloc[at + 1 :]
    rows = []
    for offset, values in enumerate(body.itertuples(index=False, name=None)):
        cells = {f: _cell(values[i]) for f, i in found.items()}
        if not any(cells.values()):
            continue
        rows.append(_row(at + 2 + offset, cells, currency=currency, dayfirst=dayfirst))
    if not rows:
        raise SheetRejected(f"'{filename}' has a header row but no contracts under it.")
    return rows


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return v.isoformat()[:10]  # type: ignore[union-attr]
    return str(v).strip()


def _row(number: int, cells: dict[str, str], *, currency: str, dayfirst: bool) -> SheetRow:
    out = SheetRow(row=number)
    v = out.values
    v["client"] = " ".join(cells.get("client", "").split())
    if not v["client"]:
        out.errors.append("client: empty")
    for name in ("start_date", "end_date"):
        if cells.get(name):
            try:
                v[name] = parse_date(cells[name], dayfirst=dayfirst)
            except ValueError as exc:
                out.errors.append(f"{name.replace('_', ' ')}: {exc}")
    for name in ("term_months", "renewal_term_months", "notice_days"):
        if cells.get(name):
            try:
                v[name] = int(Decimal(cells[name].replace(",", "")))
            except (InvalidOperation, ValueError):
                out.errors.append(f"{name.replace('_', ' ')}: {cells[name]!r} is not a number")
    for name in ("value", "recurring_fee", "hourly_rate", "included_hours", "overage_rate"):
        if cells.get(name):
            try:
                v[name] = parse_amount(cells[name])
            except ValueError as exc:
                out.errors.append(f"{name.replace('_', ' ')}: {exc}")
    if cells.get("auto_renew"):
        flag = cells["auto_renew"].casefold()
        if flag in _TRUE:
            v["auto_renew"] = True
        elif flag in _FALSE:
            v["auto_renew"] = False
        else:
            out.errors.append(f"auto renew: {cells['auto_renew']!r} is not yes/no")
    v["currency"] = (cells.get("currency") or currency).upper()
    v["tier"] = cells.get("tier") or "silver"
    if cells.get("timezone"):
        v["timezone"] = cells["timezone"]
    v["status"] = _lookup(cells.get("status"), _STATUSES, "active", "status", out)
    v["billing_cycle"] = _lookup(cells.get("billing_cycle"), _CYCLES, "monthly", "cycle", out)
    model = _lookup(cells.get("contract_type"), _TYPES, None, "contract type", out)
    if model is None and cells.get("contract_type") in _NEEDS:
        model = cells["contract_type"]
    if model is not None:
        lacking = [f.replace("_", " ") for f in _NEEDS[model] if v.get(f) is None]
        if lacking:
            out.notes.append(
                f"pricing model {model.replace('_', ' ')} needs {', '.join(lacking)}: left "
                "unset, complete it on the contract page"
            )
            model = None
    v["pricing_model"] = model
    v["title"] = cells.get("title") or f"{v['client']} support contract"
    v["reference"] = cells.get("reference") or derived_reference(
        v["client"], v["title"], v.get("start_date")
    )
    return out


def _lookup(
    text: str | None,
    table: dict[str, tuple[str, ...]],
    default: str | None,
    what: str,
    out: SheetRow,
) -> str | None:
    if not text:
        return default
    low = text.casefold()
    for key, words in table.items():
        if low == key or any(w in low for w in words):
            return key
    if default is not None:
        out.notes.append(f"{what} {text!r} not recognised: {default} assumed")
    return default


def derived_reference(client: str, title: str, start: date | None) -> str:
    """A stable reference for a row without one, so importing the file again matches it."""
    key = f"{client_name_key(client)}|{title.casefold()}|{start}"
    return "IMP-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()


def parse_date(text: str, *, dayfirst: bool = False) -> date:
    """ISO, Excel and local spellings; day-first when asked (05.11.2026 = 5 November)."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", t):
        return date.fromisoformat(t[:10])
    try:
        return dateparser.parse(t, dayfirst=dayfirst).date()
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a date") from exc


def parse_amount(text: str) -> Decimal:
    """'$1,234.50', '1.234,50 EUR', "151'440.00", '(0.00)' -> Decimal; negative refused."""
    t = re.sub(r"^[A-Za-z]{3}(?=[\d\s$€£¥-])|(?<=[\d\s])[A-Za-z]{3}$", "", text.strip())
    t = re.sub(r"[\s\u00a0'$€£¥]", "", t)
    if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", t):
        raise ValueError(f"{text!r} is not an amount")
    if "," in t and "." in t:
        t = (
            t.replace(",", "")
            if t.rfind(".") > t.rfind(",")
            else t.replace(".", "").replace(",", ".")
        )
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = f"{head.replace(',', '')}.{tail}" if len(tail) != 3 else t.replace(",", "")
    try:
        amount = Decimal(t)
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not an amount") from exc
    if amount < 0:
        raise ValueError(f"{text!r} is negative")
    return amount
