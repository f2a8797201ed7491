"""Typed editors for an extracted term, one per kind of value (db/documents/term_values.py).

`term_editor` draws the widgets inside the caller's st.form and returns a function that
reads them into the checked normalized value (ValueError with a clear message when the
input is wrong), so nothing is stored until the form is submitted and the value is valid.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pandas as pd
import streamlit as st

from db.documents import term_values as tv
from db.documents.values import PERPETUAL_FIELDS
from sla.coverage_spec import DAY_NAMES

Reader = Callable[[], Any]
_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY")
_UNIT_LABELS = {"business_day": "business day", "business hour": "business hour"}
_ZONE_DEFAULT = "the contract's time zone"


def _unit_label(unit: str) -> str:
    return _UNIT_LABELS.get(unit, unit)


def field_label(field_name: str) -> str:
    """'sla_targets' -> 'SLA targets': the name a reviewer reads."""
    return field_name.replace("_", " ").capitalize().replace("Sla ", "SLA ")


def term_editor(field_name: str, current: Any, *, key: str) -> Reader:
    """Draw the editor of ``field_name`` showing ``current``; return its reader."""
    kind = tv.term_kind(field_name)
    label = field_label(field_name)
    draw = {
        "date": _date,
        "duration": _duration,
        "bool": _bool,
        "text": _text,
        "list": _list,
        "money": _money,
        "fee": _fee,
        "sla": _sla,
        "coverage": _coverage,
        "records": _records,
        "contacts": _contacts,
        "fields": _fields,
    }[kind]
    if kind == "fields" and not _flat(current):
        draw = _json
    return draw(field_name, label, current, key)


def _flat(value: Any) -> bool:
    """A record the key-by-key editor can show: scalars, lists of text, {n, unit} durations."""
    return isinstance(value, dict) and all(
        v is None
        or isinstance(v, str | bool | int | float)
        or (isinstance(v, list) and all(isinstance(i, str) for i in v))
        or (isinstance(v, dict) and set(v) == {"n", "unit"})
        for v in value.values()
    )


def _perpetual(field_name: str, current: Any, key: str) -> bool:
    """A tick for 'perpetual' (runs on until a party ends it) where the field may say so."""
    if field_name not in PERPETUAL_FIELDS:
        return False
    return st.checkbox(
        "Perpetual: runs on until a party ends it",
        value=current == "perpetual",
        key=f"{key}-perpetual",
    )


def _date(field_name: str, label: str, current: Any, key: str) -> Reader:
    perpetual = _perpetual(field_name, current, key)
    try:
        value = date.fromisoformat(str(current)) if current else None
    except ValueError:
        value = None
    picked = st.date_input(
        label,
        value=value,
        min_value=date(1970, 1, 1),
        max_value=date(2100, 12, 31),
        format="YYYY-MM-DD",
        key=f"{key}-date",
    )
    return lambda: "perpetual" if perpetual else tv.date_term(picked)


def _duration(field_name: str, label: str, current: Any, key: str) -> Reader:
    perpetual = _perpetual(field_name, current, key)
    cur = current if isinstance(current, dict) else {}
    c1, c2 = st.columns([1, 1])
    n = c1.number_input(label, min_value=0, step=1, value=int(cur.get("n") or 0), key=f"{key}-n")
    units = list(tv.CONTRACT_UNITS)
    unit = c2.selectbox(
        "Unit",
        units,
        index=units.index(cur["unit"]) if cur.get("unit") in units else units.index("month"),
        format_func=_unit_label,
        key=f"{key}-unit",
    )
    return lambda: "perpetual" if perpetual else tv.duration_term(n, unit)


def _bool(field_name: str, label: str, current: Any, key: str) -> Reader:
    choice = st.radio(
        label, ["Yes", "No"], index=0 if current else 1, horizontal=True, key=f"{key}-bool"
    )
    return lambda: choice == "Yes"


def _text(field_name: str, label: str, current: Any, key: str) -> Reader:
    text = st.text_input(label, value=str(current or ""), key=f"{key}-text")
    return lambda: tv.text_term(text)


def _list(field_name: str, label: str, current: Any, key: str) -> Reader:
    items = [str(i) for i in current] if isinstance(current, list) else []
    frame = st.data_editor(
        pd.DataFrame({"item": items}, dtype="object"),
        num_rows="dynamic",
        hide_index=True,
        column_config={"item": st.column_config.TextColumn(label, width="large")},
        key=f"{key}-list",
    )
    return lambda: tv.list_term(list(frame["item"]))


def _currency(container: Any, current: Any, key: str) -> Any:
    options = list(_CURRENCIES)
    if current and str(current) not in options:
        options.insert(0, str(current))
    return container.selectbox(
        "Currency",
        options,
        index=options.index(str(current)) if current else 0,
        accept_new_options=True,
        key=key,
    )


def _money(field_name: str, label: str, current: Any, key: str) -> Reader:
    cur = current if isinstance(current, dict) else {}
    amount_key = tv.MONEY_FIELDS[field_name]
    c1, c2 = st.columns([2, 1])
    amount = c1.text_input(
        f"{label} (amount)", value=str(cur.get(amount_key) or ""), key=f"{key}-amount"
    )
    currency = _currency(c2, cur.get("currency"), f"{key}-currency")
    return lambda: tv.money_term(field_name, amount, currency, base=current)


def _fee(field_name: str, label: str, current: Any, key: str) -> Reader:
    first = current[0] if isinstance(current, list) and current else {}
    first = first if isinstance(first, dict) else {}
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    amount = c1.text_input(
        "Fee (amount)", value=str(first.get("amount") or ""), key=f"{key}-amount"
    )
    currency = _currency(c2, first.get("currency"), f"{key}-currency")
    periods = list(tv.FEE_PERIODS)
    period = c3.selectbox(
        "Per",
        periods,
        index=periods.index(first["period"]) if first.get("period") in periods else 0,
        key=f"{key}-period",
    )
    hours = c4.number_input(
        "Included hours",
        min_value=0,
        step=1,
        value=int(first.get("included_hours") or 0),
        key=f"{key}-hours",
    )
    if isinstance(current, list) and len(current) > 1:
        st.caption(f"{len(current) - 1} further fee(s) in the document are kept as extracted.")
    return lambda: tv.fee_term(amount, currency, period, hours, base=current)


def _sla(field_name: str, label: str, current: Any, key: str) -> Reader:
    rows = []
    for priority, pair in sorted((current or {}).items()):
        row: dict[str, Any] = {"priority": priority}
        for part in ("response", "resolution"):
            d = pair.get(part) if isinstance(pair, dict) else None
            row[part] = float(d["n"]) if isinstance(d, dict) and "n" in d else None
            row[f"{part}_unit"] = tv.sla_unit(d) if isinstance(d, dict) and "unit" in d else None
        rows.append(row)
    columns = ["priority", "response", "response_unit", "resolution", "resolution_unit"]
    units = list(tv.SLA_UNITS)
    frame = st.data_editor(
        pd.DataFrame(rows, columns=columns),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "priority": st.column_config.TextColumn("Priority", required=True),
            "response": st.column_config.NumberColumn("Response", min_value=0, step=0.5),
            "response_unit": st.column_config.SelectboxColumn("Response unit", options=units),
            "resolution": st.column_config.NumberColumn("Resolution", min_value=0, step=0.5),
            "resolution_unit": st.column_config.SelectboxColumn("Resolution unit", options=units),
        },
        key=f"{key}-sla",
    )
    return lambda: tv.sla_term(frame.to_dict("records"))


def _hhmm(text: Any, default: time) -> time:
    try:
        hours, minutes = (int(p) for p in str(text).split(":"))
        return time(0, 0) if hours == 24 else time(hours, minutes)
    except (TypeError, ValueError):
        return default


def _coverage(field_name: str, label: str, current: Any, key: str) -> Reader:
    cur = current if isinstance(current, dict) else {}
    codes = list(tv.DAYS)
    names = dict(zip(codes, DAY_NAMES, strict=True))
    days = st.multiselect(
        "Days covered",
        codes,
        default=[d for d in cur.get("days") or codes if d in codes],
        format_func=names.get,
        key=f"{key}-days",
    )
    c1, c2, c3 = st.columns(3)
    start = c1.time_input("From", value=_hhmm(cur.get("start"), time(0, 0)), key=f"{key}-start")
    end = c2.time_input(
        "To (00:00 = midnight)", value=_hhmm(cur.get("end"), time(0, 0)), key=f"{key}-end"
    )
    zones = [_ZONE_DEFAULT, *tv.TIMEZONES]
    zone = c3.selectbox(
        "Time zone",
        zones,
        index=zones.index(cur["timezone"]) if cur.get("timezone") in zones else 0,
        key=f"{key}-zone",
    )
    excluded = st.checkbox(
        "Public holidays are not covered",
        value=bool(cur.get("holidays_excluded")),
        key=f"{key}-holidays",
    )
    return lambda: tv.coverage_term(
        days, start, end, None if zone == _ZONE_DEFAULT else zone, excluded
    )


def _records(field_name: str, label: str, current: Any, key: str) -> Reader:
    rows = [r for r in current if isinstance(r, dict)] if isinstance(current, list) else []
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["name"]
    shown = [{c: None if r.get(c) is None else str(r[c]) for c in columns} for r in rows]
    frame = st.data_editor(
        pd.DataFrame(shown, columns=columns, dtype="object"),
        num_rows="dynamic",
        hide_index=True,
        column_config={c: st.column_config.TextColumn(c.replace("_", " ")) for c in columns},
        key=f"{key}-records",
    )
    return lambda: tv.records_term(frame.to_dict("records"), columns, like=current)


def _contacts(field_name: str, label: str, current: Any, key: str) -> Reader:
    contacts = current.get("contacts") if isinstance(current, dict) else None
    read = _records(field_name, label, contacts or [], key)
    rest = (
        {k: v for k, v in current.items() if k != "contacts"} if isinstance(current, dict) else {}
    )
    return lambda: {**rest, "contacts": read()}


def _fields(field_name: str, label: str, current: Any, key: str) -> Reader:
    st.caption(label)
    widgets: dict[str, Callable[[], Any]] = {}
    for name, old in current.items():
        what, k = name.replace("_", " ").capitalize(), f"{key}-{name}"
        if isinstance(old, bool):
            box = st.checkbox(what, value=old, key=k)
            widgets[name] = lambda box=box: box
        elif isinstance(old, list):
            text = st.text_input(f"{what} (separate with ;)", value="; ".join(old), key=k)
            widgets[name] = lambda text=text: text
        elif isinstance(old, dict):
            c1, c2 = st.columns(2)
            n = c1.number_input(what, min_value=0, step=1, value=int(old["n"]), key=f"{k}-n")
            units = list(tv.CONTRACT_UNITS)
            unit = c2.selectbox(
                "Unit",
                units,
                index=units.index(old["unit"]) if old["unit"] in units else 0,
                format_func=_unit_label,
                key=f"{k}-unit",
            )
            widgets[name] = lambda n=n, unit=unit: (n, unit)
        else:
            text = st.text_input(what, value="" if old is None else str(old), key=k)
            widgets[name] = lambda text=text: text
    return lambda: tv.fields_term({n: w() for n, w in widgets.items()}, current)


def _json(field_name: str, label: str, current: Any, key: str) -> Reader:
    st.caption("This term has no typed editor: edit the value in the form shown.")
    text = st.text_area(
        label, value=json.dumps(current, ensure_ascii=False, indent=1), key=f"{key}-json"
    )
    return lambda: tv.json_term(text)


def focus_first_input(term_id: int) -> None:
    """Put the keyboard in the term form's first field, so a reviewer types, presses Enter,
    and the next pending term comes up ready (Streamlit has no focus API: a tiny script).
    Focus the reviewer placed in a field (a grid cell, the page image) is left alone."""
    field = "input:not([tabindex='-1']), [role='spinbutton'], textarea"
    script = (
        f"<script>/* term {term_id} */ setTimeout(() => {{ const d = window.parent.document;"
        " const form = d.querySelector('[data-testid=\"stForm\"]');"
        f' const f = form && form.querySelector("{field}");'
        " const a = d.activeElement; const idle = !a || a === d.body || a.tagName === 'BUTTON'"
        " || a.closest('[data-testid=\"stRadio\"]'); if (f && idle) f.focus();}, 400);"
        "</script>"
    )
    st.iframe(script, height=1)


def uses_grid(field_name: str) -> bool:
    """A grid editor takes Enter to commit a cell, so its form must not submit on Enter."""
    return tv.term_kind(field_name) in ("sla", "list", "records")
