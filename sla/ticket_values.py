"""Cell values of a ticket export, column at a time: text, instants (any zone, the tool's
format first), pause lists, day-first detection and priority words.

Pure pandas, no rejection policy: a value that cannot be read becomes missing (NaT, NA) or
is flagged, and the reader (`sla.ticket_import`) reports it against its row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sla.import_presets import Preset, normalise_priority


def text_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column].astype("string").str.strip()
    return values.mask(values == "")


def parse_instants(raw: pd.Series, *, tz: str, preset: Preset, dayfirst: bool) -> pd.Series:
    """Text or Excel datetimes -> UTC; unreadable values become NaT (caller reports them)."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    todo = raw.notna()
    aware = todo & raw.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    if aware.any():
        out[aware] = pd.to_datetime(raw[aware], utc=True, format="mixed", errors="coerce")
    naive = todo & ~aware
    if naive.any():
        parsed = pd.Series(pd.NaT, index=raw.index[naive], dtype="datetime64[us]")
        # The tool's format, else ISO first (vectorised; most exports and every Excel cell),
        # so only the other values pay for the free-form parser.
        first = preset.date_format or "ISO8601"
        parsed[:] = pd.to_datetime(raw[naive], format=first, errors="coerce")
        rest = parsed.isna()
        if not preset.date_format and rest.any():
            parsed[rest] = pd.to_datetime(
                raw[naive][rest], format="mixed", dayfirst=dayfirst, errors="coerce"
            )
        elif rest.any():
            # A tool with a known format only falls back to ISO (Excel cells, re-saved files):
            # the free-form parser would read "32/Nov/25" as the year 2032.
            parsed[rest] = pd.to_datetime(raw[naive][rest], format="ISO8601", errors="coerce")
        index = pd.DatetimeIndex(parsed)
        local = index.tz_localize(
            tz, ambiguous=np.ones(len(index), bool), nonexistent="shift_forward"
        )
        out[naive] = local.tz_convert("UTC")
    return out


def parse_pauses(raw: pd.Series, tz: str) -> tuple[list[object], pd.Series]:
    """'start/end; start/end' (ISO, end may be empty = still paused) -> list of UTC pairs."""
    values: list[object] = []
    bad = pd.Series(False, index=raw.index)
    for i, text in raw.items():
        pairs = []
        for part in (
            filter(None, (p.strip() for p in str(text).split(";"))) if pd.notna(text) else []
        ):
            try:
                start, _, end = part.partition("/")
                a = pd.Timestamp(start.strip())
                b = pd.Timestamp(end.strip()) if end.strip() else pd.NaT
                a = a.tz_localize(tz) if a.tzinfo is None else a
                b = b.tz_localize(tz) if b is not pd.NaT and b.tzinfo is None else b
                pairs.append((a.tz_convert("UTC"), b if b is pd.NaT else b.tz_convert("UTC")))
            except ValueError:
                bad[i] = True
        values.append(pairs)
    return values, bad


_NUMERIC_DATE = r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b"


def detect_dayfirst(values: pd.Series) -> bool | None:
    """True when some numeric date can only be day-first (13.05.2026), False when some can
    only be month-first (05/13/2026), None when nothing settles it (or the file mixes both)."""
    parts = values.dropna().astype(str).str.extract(_NUMERIC_DATE)
    if parts.empty:
        return None
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first == month_first:
        return None
    return day_first


def normalise_priorities(raw: pd.Series) -> pd.Series:
    """Normalise each distinct priority word once (1M rows hold a handful of values)."""
    words = raw.dropna().unique()
    table = {w: normalise_priority(w) for w in words}
    return raw.map(table, na_action="ignore").astype("string")
