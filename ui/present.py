"""How figures look on screen: one place for headers, money, shares, dates, hours and days.

Capability code returns plain frames with snake_case columns, Decimal money, 0..1 shares and
timestamps; `table` shows them the way a manager reads them (human headers, thousands
separators, percentages, dates without 00:00:00, hidden internal keys), inferring each
column's kind from its name and type. Pages pass what cannot be inferred (the currency).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

ACRONYMS = {"sla": "SLA", "csat": "CSAT", "mrr": "MRR", "arr": "ARR", "id": "ID", "pdf": "PDF"}
ACRONYMS |= {"vat": "VAT", "it": "IT", "utc": "UTC"}
MONEY = re.compile(
    r"(^|_| )(value|amount|total|revenue|cost|fee|price|balance|outstanding|invoiced|paid|"
    r"credit|overage|subtotal|tax|due)s?($|_| )|(hourly|overage|blended|standard|unit)[_ ]rate"
)
SHARE = re.compile(
    r"(margin|utilisation|utilization|share|(^|_| )rate$|compliance|accuracy|probability|"
    r"ratio|on[_ ]time)"
)
HOURS = re.compile(r"hours")
HIDDEN = re.compile(r"^(id|version|_.*)$|_id$")


def label(name: str) -> str:
    """'share_used' -> 'Share used', 'sla_compliance' -> 'SLA compliance'."""
    words = str(name).replace("_", " ").split()
    out = [ACRONYMS.get(w.lower(), w) for w in words]
    if out and out[0] == out[0].lower():
        out[0] = out[0].capitalize()
    return " ".join(out)


def days_text(n: Any) -> str:
    """-66 -> '66 days overdue', 0 -> 'today', 1 -> 'in 1 day'."""
    if n is None or pd.isna(n):
        return "—"
    n = int(n)
    if n == 0:
        return "today"
    unit = "day" if abs(n) == 1 else "days"
    return f"{-n} {unit} overdue" if n < 0 else f"in {n} {unit}"


def date_text(v: Any) -> str:
    """A day as '27 Sep 2026'; '—' when there is none."""
    if v is None or pd.isna(v):
        return "—"
    return f"{pd.Timestamp(v):%-d %b %Y}"


def money_text(v: Any, currency: str | None = None) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{float(v):,.2f}" + (f" {currency}" if currency else "")


def _midnight(col: pd.Series) -> bool:
    ts = pd.to_datetime(col, errors="coerce").dropna()
    if ts.empty:
        return True
    return bool((ts.dt.hour == 0).all() and (ts.dt.minute == 0).all() and (ts.dt.second == 0).all())


def column_config(df: pd.DataFrame, *, currency: str | None = None) -> dict[str, Any]:
    """A Streamlit column config for every column of `df`, inferred from names and types."""
    cfg: dict[str, Any] = {}
    for name in df.columns:
        key = str(name)
        col = df[name]
        low = key.lower()
        title = label(key)
        if HIDDEN.search(low):
            cfg[key] = None
        elif pd.api.types.is_bool_dtype(col):
            cfg[key] = st.column_config.CheckboxColumn(title)
        elif _datelike(key, col):
            if _midnight(col) and col.isna().any():
                cfg[key] = st.column_config.TextColumn(title)  # shown as text: "—" for none
            elif _midnight(col):
                cfg[key] = st.column_config.DateColumn(title, format="D MMM YYYY")
            else:
                cfg[key] = st.column_config.DatetimeColumn(title, format="D MMM YYYY, HH:mm")
        elif _numeric(col) and MONEY.search(low):
            suffix = _currency_suffix(df, currency)
            cfg[key] = st.column_config.NumberColumn(title + suffix, format="localized")
        elif _numeric(col) and SHARE.search(low):
            cfg[key] = st.column_config.NumberColumn(title, format="percent")
        elif _numeric(col) and HOURS.search(low):
            cfg[key] = st.column_config.NumberColumn(title, format="%.1f h")
        elif _numeric(col):
            cfg[key] = st.column_config.NumberColumn(title, format="localized")
        else:
            cfg[key] = st.column_config.Column(title)
    return cfg


def _currency_suffix(df: pd.DataFrame, currency: str | None) -> str:
    """' (EUR)' when every row is in one currency; '' when rows carry mixed currencies,
    whose own Currency column then sits beside the figures (never summed across)."""
    if "currency" in df.columns:
        seen = df["currency"].dropna().unique()
        return f" ({seen[0]})" if len(seen) == 1 else ""
    return f" ({currency})" if currency else ""


def _numeric(col: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(col):
        return True
    sample = col.dropna().head(20)
    return len(sample) > 0 and all(isinstance(v, int | float) or _decimal(v) for v in sample)


def _decimal(v: Any) -> bool:
    from decimal import Decimal

    return isinstance(v, Decimal)


def _datelike(name: str, col: pd.Series) -> bool:
    """A date by its name (``*_date``, ``*_at``) or by what it holds (dates, timestamps)."""
    low = name.lower()
    if pd.api.types.is_datetime64_any_dtype(col) or low.endswith(("_date", "_at", " date")):
        return True
    if col.dtype != object:
        return False
    sample = col.dropna().head(20)
    return len(sample) > 0 and all(isinstance(v, date | datetime) for v in sample)


def prepared(df: pd.DataFrame) -> pd.DataFrame:
    """Decimals as floats and date-named text as dates, so the formats above apply."""
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if str(name).lower().startswith(("days_to", "days_left", "days_until", "days to")):
            out[name] = col.map(days_text)  # "66 days overdue", not "-66"
        elif _datelike(str(name), col) and col.isna().any() and _midnight(col):
            out[name] = col.map(date_text)  # Streamlit would print a missing date as "None"
        elif _datelike(str(name), col) and not pd.api.types.is_datetime64_any_dtype(col):
            out[name] = pd.to_datetime(col, errors="coerce")
        elif col.dtype == object and _numeric(col):
            out[name] = pd.to_numeric(col, errors="coerce")
        elif _text(col) and not pd.api.types.is_bool_dtype(col):
            out[name] = col.astype(object).where(col.notna(), "—")  # not "None"
        if pd.api.types.is_float_dtype(out[name]) and not SHARE.search(str(name).lower()):
            out[name] = out[name].round(2)  # 81.9737 hours reads as 81.97
    return out


# A hidden key that has a detail page becomes a link to it (the page reads ?id=).
DETAIL_PAGES = {
    "contract_id": ("contract_detail", "Contract"),
    "invoice_id": ("invoice_detail", "Invoice"),
}


def with_links(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """`df` plus an 'Open ↗' column per key in DETAIL_PAGES, and the LinkColumns for them."""
    if "open" in df.columns:  # the page links its rows itself (contract list)
        return df, {}
    out, cfg = df, {}
    for key, (target, title) in DETAIL_PAGES.items():
        if key in df.columns and df[key].notna().any():
            name = f"open_{target}"
            ids = pd.to_numeric(df[key], errors="coerce")
            urls = [None if pd.isna(i) else f"{target}?id={int(i)}" for i in ids]
            out = out.assign(**{name: urls})
            cfg[name] = st.column_config.LinkColumn(title, display_text="Open ↗", width="small")
    return out, cfg


def _text(col: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)


def _with_labels(cfg: dict[str, Any]) -> dict[str, Any]:
    """A page's own config without a label keeps the human header; a 0..1 progress bar
    without a format reads as a percentage, not 0.9602649."""
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            v = {**v, "label": v.get("label") or label(k)}
            tc = v.get("type_config") or {}
            if tc.get("type") == "progress" and not tc.get("format") and tc.get("max_value") == 1:
                v["type_config"] = {**tc, "format": "percent"}
        out[k] = v
    return out


def editor_config(df: pd.DataFrame, **overrides: Any) -> dict[str, Any]:
    """The house column config for `st.data_editor` (its frame stays editable as is)."""
    return column_config(df) | _with_labels(overrides)


def show_table(
    df: pd.DataFrame | Styler | list[dict[str, Any]],
    *,
    currency: str | None = None,
    key: str | None = None,
    overrides: dict[str, Any] | None = None,
    into: Any = None,
    **kwargs: Any,
):
    """`st.dataframe` with the house formats; `overrides` (or a page's `column_config`)
    replaces inferred columns; `into` is a column, tab or placeholder to draw in; other
    keywords (on_select, height...) go to Streamlit."""
    styler = df if isinstance(df, Styler) else None
    if styler is not None:
        df = styler.data
    df = df if isinstance(df, pd.DataFrame) else pd.DataFrame(df)
    df, links = with_links(df)
    own = (overrides or {}) | (kwargs.pop("column_config", None) or {})
    cfg = column_config(df, currency=currency) | links | _with_labels(own)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    data: Any = prepared(df)
    if styler is not None:  # the page's row colours, over the formatted values
        data = data.style.use(styler.export())
    return (into or st).dataframe(data, column_config=cfg, key=key, **kwargs)
