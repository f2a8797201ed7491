"""Parse ticket exports (CSV/XLSX bytes) into normalised rows plus per-row errors.

A file is rejected whole (ImportRejected) when it is too big, unreadable, or lacks a
required column; otherwise every row is judged on its own and bad rows are reported with
the row number the user sees in a spreadsheet (header = row 1), never silently dropped.
Naive timestamps are read in `source_tz`; timestamps with an offset keep it. In the
fall-back hour a naive time takes its first occurrence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla.import_presets import DATE_FIELDS, FIELDS, PRESETS, REQUIRED, Preset, normalise_priority

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
OUTPUT_COLUMNS = [
    "source",
    "row",
    "external_id",
    "client_name",
    "service_type",
    "priority",
    "created_at",
    "first_response_at",
    "resolved_at",
    "status",
    "technician",
    "pauses",
]


class ImportRejected(ValueError):
    """The whole file cannot be imported; the message says why."""


@dataclass(frozen=True)
class ParseResult:
    valid: pd.DataFrame  # OUTPUT_COLUMNS
    errors: pd.DataFrame  # row, column, reason


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1e3:.0f} kB"


def _read(data: bytes, filename: str) -> pd.DataFrame:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            return pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise ImportRejected(f"Cannot read '{filename}' as an Excel workbook: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if not text.strip():
        raise ImportRejected(f"'{filename}' is empty")
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS + 1])
    sep = max([",", ";", "\t"], key=head.count)
    skip = _title_lines(text, sep)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
            skiprows=skip,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ImportRejected(f"Cannot read '{filename}' as CSV: {exc}") from exc
    frame.attrs["header_line"] = skip + 1
    return frame


def _title_lines(text: str, sep: str) -> int:
    """Lines above the header (a report title, notes): records before the first one with as
    many fields as the widest of the first rows. Quotes are honoured, so a comma inside a
    subject never makes a data row look wider than the header."""
    try:
        records = []
        for rec in csv.reader(io.StringIO(text), delimiter=sep):
            records.append(len(rec))
            if len(records) > HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        return 0
    if not records:
        return 0
    widest = max(records)
    return next(i for i, n in enumerate(records) if n == widest)


def _columns(frame: pd.DataFrame, preset: Preset, source: str) -> dict[str, str]:
    """Field -> header found in the file; ImportRejected names every missing required one."""
    headers = {str(c).strip().lower(): str(c) for c in frame.columns}
    found: dict[str, str] = {}
    for name, candidates in preset.columns.items():
        for candidate in candidates:
            if candidate.strip().lower() in headers:
                found[name] = headers[candidate.strip().lower()]
                break
    missing = [f"'{preset.columns.get(f, (f,))[0]}' ({f})" for f in REQUIRED if f not in found]
    if missing:
        raise ImportRejected(
            f"Missing required column(s) for a {source} export: {', '.join(missing)}"
        )
    return found


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column].astype("string").str.strip()
    return values.mask(values == "")


def _dates(raw: pd.Series, *, tz: str, preset: Preset, dayfirst: bool) -> pd.Series:
    """Text or Excel datetimes -> UTC; unreadable values become NaT (caller reports them)."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    todo = raw.notna()
    aware = todo & raw.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    if aware.any():
        out[aware] = pd.to_datetime(raw[aware], utc=True, format="mixed", errors="coerce")
    naive = todo & ~aware
    if naive.any():
        parsed = pd.Series(pd.NaT, index=raw.index[naive], dtype="datetime64[us]")
        if preset.date_format:
            parsed[:] = pd.to_datetime(raw[naive], format=preset.date_format, errors="coerce")
        rest = parsed.isna()
        if rest.any():
            # A tool with a known format only falls back to ISO (Excel cells, re-saved files):
            # the free-form parser would read "32/Nov/25" as the year 2032.
            fallback = "ISO8601" if preset.date_format else "mixed"
            parsed[rest] = pd.to_datetime(
                raw[naive][rest], format=fallback, dayfirst=dayfirst, errors="coerce"
            )
        index = pd.DatetimeIndex(parsed)
        local = index.tz_localize(
            tz, ambiguous=np.ones(len(index), bool), nonexistent="shift_forward"
        )
        out[naive] = local.tz_convert("UTC")
    return out


def _pauses(raw: pd.Series, tz: str) -> tuple[list[object], pd.Series]:
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


MAX_REPLY_MINUTES = 525_600  # one year: anything larger is a typo or a unit mix-up


def _check_tz(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportRejected(
            f"Unknown time zone '{tz}': use an IANA name such as UTC, Europe/Berlin or "
            "America/New_York"
        ) from exc


_NUMERIC_DATE = r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b"
HEADER_SEARCH_ROWS = 20


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


def _find_header(frame: pd.DataFrame, preset: Preset, missing: ImportRejected):
    """The header is not on the first row (a title or notes above it): find the first of the
    next rows that holds every required column, or name the problem with a hint."""
    for i, values in enumerate(frame.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        labels = ["" if pd.isna(v) else str(v).strip() for v in values]
        if not any(labels):
            continue
        candidate = frame.iloc[i + 1:].copy()
        candidate.columns = [lab or f"column {j + 1}" for j, lab in enumerate(labels)]
        try:
            _columns(candidate, preset, preset.name)
        except ImportRejected:
            continue
        return candidate.reset_index(drop=True), int(frame.attrs.get("header_line", 1)) + i + 1
    raise ImportRejected(
        f"{missing} (looked for the header in the first {HEADER_SEARCH_ROWS + 1} rows; "
        "check the file is a ticket export of this tool, or pick another preset or a mapping)"
    ) from missing


def parse_tickets(
    data: bytes,
    *,
    filename: str,
    preset: str | None = None,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
    source_tz: str = "UTC",
    max_bytes: int = DEFAULT_MAX_BYTES,
    dayfirst: bool | None = None,
) -> ParseResult:
    """Read a ticket export with a preset (zendesk, freshdesk, jira, servicenow, connectwise)
    or a custom field -> column mapping (fields as in sla.import_presets.FIELDS)."""
    _check_tz(source_tz)
    if len(data) > max_bytes:
        raise ImportRejected(
            f"'{filename}' is {_size(len(data))}, over the {_size(max_bytes)} limit"
        )
    if mapping is not None:
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ImportRejected(
                f"Unknown field(s) in mapping: {', '.join(unknown)} (known: {', '.join(FIELDS)})"
            )
        columns = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in mapping.items()}
        chosen = Preset("custom", columns)
    elif preset in PRESETS:
        chosen = PRESETS[str(preset)]
    else:
        raise ImportRejected(
            f"Unknown preset '{preset}': use one of {', '.join(PRESETS)} or a custom mapping"
        )
    frame = _read(data, filename)
    header_line = frame.attrs.get("header_line", 1)
    try:
        found = _columns(frame, chosen, chosen.name)
    except ImportRejected as exc:
        frame, header_line = _find_header(frame, chosen, exc)
        found = _columns(frame, chosen, chosen.name)
    frame = frame.dropna(how="all")
    if len(frame):
        blank = frame.astype(object).fillna("").astype(str).apply(lambda c: c.str.strip() == "")
        frame = frame[~blank.all(axis=1)]
    if frame.empty:
        raise ImportRejected(
            f"'{filename}' has a header row but no tickets: export the tickets with the header"
        )
    rows = pd.Series(frame.index.to_numpy() + header_line + 1, index=frame.index)
    errors: list[dict[str, object]] = []

    def fail(mask: pd.Series, field: str, reason: pd.Series | str) -> None:
        column = found.get(field, field)
        reasons = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=mask.index)
        errors.extend(
            {"row": int(rows[i]), "column": column, "reason": str(reasons[i])}
            for i in mask.index[mask.to_numpy()]
        )

    out = pd.DataFrame(index=frame.index)
    for name in ("external_id", "client_name", "service_type", "status", "technician"):
        out[name] = _text(frame, found.get(name))
    raw_priority = _text(frame, found.get("priority"))
    out["priority"] = raw_priority.map(normalise_priority, na_action="ignore").astype("string")
    first = dayfirst if dayfirst is not None else chosen.dayfirst
    if dayfirst is None and not chosen.date_format:
        detected = detect_dayfirst(
            pd.concat([_text(frame, found.get(n)) for n in DATE_FIELDS if n in found])
        )
        first = detected if detected is not None else first
    for name in DATE_FIELDS:
        raw = _text(frame, found.get(name))
        out[name] = _dates(raw, tz=source_tz, preset=chosen, dayfirst=first)
        fail(raw.notna() & out[name].isna(), name, "cannot read date '" + raw.fillna("") + "'")
    if "first_response_minutes" in found and "first_response_at" not in found:
        raw_min = _text(frame, found["first_response_minutes"])
        minutes = pd.to_numeric(raw_min, errors="coerce")
        fail(raw_min.notna() & minutes.isna(), "first_response_minutes",
             "first reply minutes '" + raw_min.fillna("") + "' is not a number")  # fmt: skip
        out_of_range = minutes.notna() & ((minutes < 0) | (minutes > MAX_REPLY_MINUTES))
        fail(out_of_range, "first_response_minutes",
             "first reply minutes '" + raw_min.fillna("") + "' is outside 0 to "
             f"{MAX_REPLY_MINUTES} (one year)")  # fmt: skip
        minutes = minutes.mask(out_of_range)
        out["first_response_at"] = out["created_at"] + pd.to_timedelta(minutes, unit="min")
        late = out["first_response_at"] > out["resolved_at"]
        fail(late.fillna(False), "first_response_minutes",
             "first reply after the ticket was resolved")  # fmt: skip
    for name in REQUIRED:
        fail(_text(frame, found[name]).isna(), name, f"{name.replace('_', ' ')} is empty")
    fail(
        raw_priority.notna() & out["priority"].isna(),
        "priority",
        "unknown priority '" + raw_priority.fillna("") + "'",
    )
    fail(out["resolved_at"] < out["created_at"], "resolved_at", "resolved before created")
    fail(
        out["first_response_at"] < out["created_at"],
        "first_response_at",
        "first response before created",
    )
    ids = out["external_id"]
    dup = ids.notna() & ids.duplicated(keep="first")
    first_row = rows.groupby(ids).transform("min")
    fail(
        dup,
        "external_id",
        "duplicate id '" + ids.fillna("") + "' (first on row " + first_row.astype("string") + ")",
    )
    if "pauses" in found:
        out["pauses"], bad = _pauses(_text(frame, found["pauses"]), source_tz)
        fail(bad, "pauses", "cannot read pause intervals (use start/end; start/end)")
    else:
        out["pauses"] = [[] for _ in range(len(out))]
    out["source"] = chosen.name
    out["row"] = rows
    bad_rows = {e["row"] for e in errors}
    valid = out[~rows.isin(bad_rows)][OUTPUT_COLUMNS].reset_index(drop=True)
    error_frame = pd.DataFrame(errors, columns=["row", "column", "reason"])
    return ParseResult(
        valid, error_frame.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    )
