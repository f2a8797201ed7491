"""Every rendered table reads like a report: human headers, rounded figures, no "None",
no 00:00:00 (issue 17 item 1). Checks the frame AND its column config, as the browser would."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.pages.conftest import ADMIN, TECH, page
from ui.navigation import PAGES

ADMIN_PAGES = sorted(p.path for p in PAGES if p.path != "pages/field_view.py")
MIDNIGHT = re.compile(r"^\d{4}-\d\d-\d\d[ T]00:00:00")
ROUNDED = ("percent", "dollar", "euro", "yen", "accounting", "compact", "%")


def _configs(proto) -> dict[str, dict]:
    return json.loads(proto.columns) if proto.columns else {}


def _problems(frame: pd.DataFrame, configs: dict[str, dict]) -> list[str]:
    """What a reader would see that is raw: returned as '<header>: <why>' lines."""
    out = []
    for name in frame.columns:
        cfg = configs.get(f"name:{name}") or configs.get(str(name)) or {}
        if cfg.get("hidden"):
            continue
        header = cfg.get("label") or str(name)
        kind = (cfg.get("type_config") or {}).get("type")
        fmt = str((cfg.get("type_config") or {}).get("format") or "")
        col = frame[name]
        if "_" in header:
            out.append(f"{header}: snake_case header")
        values = col.dropna()
        text = pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)
        if text and (col.isna().any() or (values.astype(str) == "None").any()):
            if kind not in ("checkbox", "link"):
                out.append(f"{header}: None shown")
        if pd.api.types.is_float_dtype(col) and not fmt.startswith(ROUNDED):
            if ((values * 100).round(6) % 1 != 0).any():
                out.append(f"{header}: raw float {values.iloc[0]!r}")
        if pd.api.types.is_datetime64_any_dtype(col) and kind != "date":
            ts = pd.to_datetime(values)
            midnight = len(ts) and ((ts.dt.hour == 0) & (ts.dt.minute == 0)).all()
            if midnight and not fmt:
                out.append(f"{header}: 00:00:00 timestamps")
        if text and values.astype(str).str.match(MIDNIGHT).any():
            out.append(f"{header}: ISO timestamp text")
    return out


def _table_problems(at) -> list[str]:
    found = []
    for i, table in enumerate(at.dataframe):
        for p in _problems(table.value, _configs(table.proto)):
            found.append(f"table {i}: {p}")
    return found


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_tables_are_formatted(app_env, path):
    at = page(path, app_env, user=ADMIN).run(timeout=90)
    assert not at.exception
    assert _table_problems(at) == []


def test_technician_field_view_tables_are_formatted(app_env):
    at = page("pages/field_view.py", app_env, user=TECH).run(timeout=90)
    assert not at.exception
    assert _table_problems(at) == []


def test_the_check_catches_raw_tables():
    raw = pd.DataFrame(
        {
            "key_date": pd.to_datetime(["2027-01-06", "2027-02-01"]),
            "notice_deadline": [None, "2027-01-01"],
            "margin": [0.4161, 0.5],
        }
    )
    found = _problems(raw, {})
    assert any("snake_case" in p for p in found)
    assert any("None shown" in p for p in found)
    assert any("raw float" in p for p in found)
    assert any("00:00:00" in p for p in found)
