"""Parse ticket exports (CSV/XLSX bytes) into normalised rows plus per-row errors.

A file is rejected whole (ImportRejected) when it is too big, unreadable, or lacks a
required column; otherwise every row is judged on its own and bad rows are reported with
the row number the user sees in a spreadsheet (header = row 1), never silently dropped.
Naive timestamps are read in `source_tz`; timestamps with an offset keep it. In the
fall-back hour a naive time takes its first occurrence.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from sla.import_presets import DATE_FIELDS, FIELDS, PRESETS, REQUIRED, Preset
from sla.ticket_stream import (
    CHUNK_BYTES,
    CHUNK_ROWS,
    HEAD_ROWS,
    StreamError,
    open_stream,
    unique_labels,
)
from sla.ticket_values import (
    detect_dayfirst,
    normalise_priorities,
    parse_instants,
    parse_pauses,
    text_column,
)

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


def human_size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1e3:.0f} kB"


def _columns(labels: Sequence[str], preset: Preset, source: str) -> dict[str, str]:
    """Field -> header found in the file; ImportRejected names every missing required one."""
    headers: dict[str, str] = {}
    for c in labels:
        headers.setdefault(str(c).strip().lower(), str(c))
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


def choose_preset(
    preset: str | None,
    mapping: Mapping[str, str | Sequence[str]] | None,
    dayfirst: bool | None = None,
) -> Preset:
    """The preset, or a custom one from a field -> column(s) mapping (its own day-first)."""
    if mapping is not None:
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ImportRejected(
                f"Unknown field(s) in mapping: {', '.join(unknown)} (known: {', '.join(FIELDS)})"
            )
        columns = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in mapping.items()}
        return Preset("custom", columns, dayfirst=bool(dayfirst))
    if preset in PRESETS:
        return PRESETS[str(preset)]
    raise ImportRejected(
        f"Unknown preset '{preset}': use one of {', '.join(PRESETS)} or a custom mapping"
    )


class _Seen:
    """Ticket ids met so far in the file (64-bit hashes, sorted, with their first row): a
    duplicate is named across chunks at 16 bytes a row instead of a dict of strings."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def first_rows(self, ids: pd.Series, rows: pd.Series) -> pd.Series:
        """Per id: the row it was first seen on in an earlier chunk or earlier in this one,
        NA for its first occurrence; then remembers this chunk's first occurrences."""
        present = ids.notna()
        out = pd.Series(pd.NA, index=ids.index, dtype="Int64")
        if not present.any():
            return out
        h = pd.util.hash_array(ids[present].astype(str).to_numpy(object))
        r = rows[present].to_numpy(np.int64)
        if self.hashes.size:
            pos = np.searchsorted(self.hashes, h).clip(max=self.hashes.size - 1)
            earlier = self.hashes[pos] == h
            out.loc[present[present].index[earlier]] = self.rows[pos[earlier]]
        else:
            earlier = np.zeros(h.size, bool)
        local = pd.Series(h).duplicated(keep="first").to_numpy() & ~earlier
        if local.any():
            first = pd.Series(r).groupby(h).transform("min").to_numpy()
            out.loc[present[present].index[local]] = first[local]
        new = ~earlier & ~local
        hashes = np.concatenate([self.hashes, h[new]])
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.rows = hashes[order], np.concatenate([self.rows, r[new]])[order]
        return out


class TicketReader:
    """A ticket export opened for streaming: header found, columns matched, then parsed
    chunk by chunk (`chunks`), each with the position a resumed import starts from.

    Day-first is settled once for the file: the option, else (for tools without a fixed
    format) the first chunk's unambiguous dates, else the preset's or mapping's own order.
    """

    def __init__(
        self,
        f: BinaryIO,
        *,
        filename: str,
        preset: str | None = None,
        mapping: Mapping[str, str | Sequence[str]] | None = None,
        source_tz: str = "UTC",
        dayfirst: bool | None = None,
        mapping_dayfirst: bool | None = None,
        chunk_bytes: int = CHUNK_BYTES,
        chunk_rows: int = CHUNK_ROWS,
    ):
        _check_tz(source_tz)
        self.chosen = choose_preset(preset, mapping, mapping_dayfirst)
        self.source_tz, self.dayfirst = source_tz, dayfirst
        try:
            self.stream = open_stream(f, filename, chunk_bytes=chunk_bytes, chunk_rows=chunk_rows)
        except StreamError as exc:
            raise ImportRejected(str(exc)) from exc
        self.labels, self.found, index = self._header(self.stream.head)
        self.header_row = index + 1
        self.data_start = self.stream.start_of(index)
        self._seen = _Seen()

    def _header(self, head: list[list]) -> tuple[list[str], dict[str, str], int]:
        """The first of the head rows that holds every required column."""
        first_error: ImportRejected | None = None
        widest = max((len(r) for r in head), default=0)
        for i, rec in enumerate(head):
            if not any(v is not None and str(v).strip() for v in rec):
                continue
            labels = unique_labels(list(rec))
            try:
                return labels, _columns(labels, self.chosen, self.chosen.name), i
            except ImportRejected as exc:
                if first_error is None and len(rec) == widest:
                    first_error = exc
        raise ImportRejected(
            f"{first_error} (looked for the header in the first {HEAD_ROWS} rows; check the "
            "file is a ticket export of this tool, or pick another preset or a mapping)"
        )

    def chunks(
        self, *, start: int | None = None, first_row: int | None = None
    ) -> Iterator[tuple[ParseResult, int, int]]:
        """(parsed chunk, position after it, row number after it) from the data start or a
        saved position."""
        resumed = start is not None
        seen_any = False
        raw_chunks = self.stream.chunks(
            self.labels,
            start=self.data_start if start is None else start,
            first_row=self.header_row + 1 if first_row is None else first_row,
        )
        try:
            for raw in raw_chunks:
                frame = raw.frame
                after = raw.first_row + len(frame)
                frame.index = pd.RangeIndex(raw.first_row, after)
                frame = _drop_blank(frame)
                if frame.empty:
                    yield _empty_result(), raw.end, after
                    continue
                seen_any = True
                if self.dayfirst is None:
                    self.dayfirst = self._settle_dayfirst(frame)
                yield self._parse(frame), raw.end, after
        except StreamError as exc:
            raise ImportRejected(str(exc)) from exc
        if not seen_any and not resumed:
            raise ImportRejected(
                f"'{self.stream.filename}' has a header row but no tickets: export the "
                "tickets with the header"
            )

    def _settle_dayfirst(self, frame: pd.DataFrame) -> bool:
        if self.chosen.date_format:
            return self.chosen.dayfirst
        dates = [text_column(frame, self.found.get(n)) for n in DATE_FIELDS if n in self.found]
        detected = detect_dayfirst(pd.concat(dates)) if dates else None
        return self.chosen.dayfirst if detected is None else detected

    def _parse(self, frame: pd.DataFrame) -> ParseResult:
        found, chosen, tz = self.found, self.chosen, self.source_tz
        rows = pd.Series(frame.index.to_numpy(), index=frame.index)
        errors: list[dict[str, object]] = []

        def fail(mask: pd.Series, field: str, reason: pd.Series | str) -> None:
            column = found.get(field, field)
            hit = mask.index[mask.to_numpy(dtype=bool, na_value=False)]
            if not len(hit):
                return
            reasons = (
                reason.loc[hit].astype(str) if isinstance(reason, pd.Series)
                else pd.Series(reason, index=hit)
            )  # fmt: skip
            errors.extend(
                {"row": int(i), "column": column, "reason": str(r)} for i, r in reasons.items()
            )

        out = pd.DataFrame(index=frame.index)
        for name in ("external_id", "client_name", "service_type", "status", "technician"):
            out[name] = text_column(frame, found.get(name))
        raw_priority = text_column(frame, found.get("priority"))
        out["priority"] = normalise_priorities(raw_priority)
        for name in DATE_FIELDS:
            raw = text_column(frame, found.get(name))
            out[name] = parse_instants(raw, tz=tz, preset=chosen, dayfirst=bool(self.dayfirst))
            fail(raw.notna() & out[name].isna(), name, "cannot read date '" + raw.fillna("") + "'")
        if "first_response_minutes" in found and "first_response_at" not in found:
            raw_min = text_column(frame, found["first_response_minutes"])
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
            fail(text_column(frame, found[name]).isna(), name, f"{name.replace('_', ' ')} is empty")
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
        first_row = self._seen.first_rows(ids, rows)
        fail(
            first_row.notna(),
            "external_id",
            "duplicate id '"
            + ids.fillna("")
            + "' (first on row "
            + first_row.astype("string")
            + ")",
        )
        if "pauses" in found:
            out["pauses"], bad = parse_pauses(text_column(frame, found["pauses"]), tz)
            fail(bad, "pauses", "cannot read pause intervals (use start/end; start/end)")
        else:
            out["pauses"] = None
        out["source"] = chosen.name
        out["row"] = rows
        bad_rows = {e["row"] for e in errors}
        valid = out[~rows.isin(bad_rows)][OUTPUT_COLUMNS].reset_index(drop=True)
        error_frame = pd.DataFrame(errors, columns=["row", "column", "reason"])
        return ParseResult(
            valid, error_frame.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
        )


def _drop_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with nothing in any cell. Each column only looks at the rows still blank so far,
    so after the first filled column (the id, mostly) almost nothing is left to test."""
    if frame.empty:
        return frame
    blank = np.ones(len(frame), bool)
    for name in frame.columns:
        if not blank.any():
            return frame
        cells = frame[name].iloc[np.flatnonzero(blank)].astype(object)
        empty = cells.isna() | (cells.astype(str).str.strip() == "")
        blank[np.flatnonzero(blank)] = empty.to_numpy(bool)
    return frame[~blank]


def _empty_result() -> ParseResult:
    return ParseResult(
        pd.DataFrame(columns=OUTPUT_COLUMNS), pd.DataFrame(columns=["row", "column", "reason"])
    )


def parse_tickets(
    data: bytes,
    *,
    filename: str,
    preset: str | None = None,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
    source_tz: str = "UTC",
    max_bytes: int = DEFAULT_MAX_BYTES,
    dayfirst: bool | None = None,
    mapping_dayfirst: bool | None = None,
) -> ParseResult:
    """Read a whole ticket export held in memory with a preset (zendesk, freshdesk, jira,
    servicenow, connectwise) or a custom field -> column mapping (fields as in
    sla.import_presets.FIELDS). Large files: stream them with `TicketReader`."""
    _check_tz(source_tz)
    if len(data) > max_bytes:
        raise ImportRejected(
            f"'{filename}' is {human_size(len(data))}, over the {human_size(max_bytes)} limit"
        )
    reader = TicketReader(
        io.BytesIO(data), filename=filename, preset=preset, mapping=mapping,
        source_tz=source_tz, dayfirst=dayfirst, mapping_dayfirst=mapping_dayfirst,
    )  # fmt: skip
    parts = [part for part, _, _ in reader.chunks()]
    valid = pd.concat([p.valid for p in parts if len(p.valid)] or [parts[0].valid],
                      ignore_index=True)  # fmt: skip
    errors = pd.concat([p.errors for p in parts if len(p.errors)] or [parts[0].errors],
                       ignore_index=True)  # fmt: skip
    if "pauses" not in reader.found:
        valid["pauses"] = [[] for _ in range(len(valid))]
    return ParseResult(valid, errors.sort_values(["row", "column"], kind="stable")
                       .reset_index(drop=True))  # fmt: skip
