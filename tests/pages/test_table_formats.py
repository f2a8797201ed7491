"""Every rendered table reads like a report: human headers, rounded figures, no "None",
no 00:00:00, and every chart axis titled (issue 17 items 1 and 3). Checks the frame AND its
column config, and the Vega-Lite spec, as the browser would get them."""

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
        none = col.isna().any() or (values.astype(str) == "None").any()
        if text and none and kind not in ("checkbox", "link"):
            out.append(f"{header}: None shown")
        raw = pd.api.types.is_float_dtype(col) and ((values * 100).round(6) % 1 != 0).any()
        if raw and not fmt.startswith(ROUNDED):
            out.append(f"{header}: raw float {values.iloc[0]!r}")
        if pd.api.types.is_datetime64_any_dtype(col) and kind != "date":
            ts = pd.to_datetime(values)
            midnight = len(ts) and ((ts.dt.hour == 0) & (ts.dt.minute == 0)).all()
            if midnight and not fmt:
                out.append(f"{header}: 00:00:00 timestamps")
        if text and values.astype(str).str.match(MIDNIGHT).any():
            out.append(f"{header}: ISO timestamp text")
    return out


CHANNELS = ("x", "y", "color", "size", "theta")
NOTES = ("rule", "text")  # target lines and their labels share the axis of the layer they mark


def _layers(spec: dict):
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from _layers(sub)
    if "spec" in spec:
        yield from _layers(spec["spec"])


def _chart_problems(spec: dict) -> list[str]:
    """Axes and legends titled by the page ("Count of Records", "margin, y" otherwise)."""
    out = []
    for layer in _layers(spec):
        mark = layer.get("mark")
        mark = mark.get("type") if isinstance(mark, dict) else mark
        if mark in NOTES:
            continue
        for name, enc in (layer.get("encoding") or {}).items():
            if name in CHANNELS and ("field" in enc or "aggregate" in enc) and "title" not in enc:
                out.append(f"{name} axis {enc.get('field') or enc.get('aggregate')}: no title")
    return out


def _table_problems(at) -> list[str]:
    found = []
    for i, table in enumerate(at.dataframe):
        for p in _problems(table.value, _configs(table.proto)):
            found.append(f"table {i}: {p}")
    for i, chart in enumerate(at.get("vega_lite_chart")):
        for p in _chart_problems(json.loads(chart.proto.spec)):
            found.append(f"chart {i}: {p}")
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


def test_the_check_catches_untitled_chart_axes():
    spec = {"mark": "bar", "encoding": {"x": {"field": "tier"}, "y": {"aggregate": "count"}}}
    assert len(_chart_problems(spec)) == 2
    spec["encoding"] = {"x": {"field": "tier", "title": "Tier"}, "y": {"field": "n", "title": None}}
    assert _chart_problems(spec) == []
