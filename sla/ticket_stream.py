"""Read a CSV/XLSX export as bounded chunks of raw records, each with a resumable position.

Why: a 1,000,000-row export read whole costs ~700 MB and one crash loses everything. Here a
CSV is read in blocks of about `chunk_bytes`, cut at the last record boundary (a newline
outside quotes: quote parity is exact for RFC 4180 files, where a quote inside a field is
doubled), so a chunk's position is a byte offset a crashed import can seek back to without
reading what came before. An XLSX is streamed row by row (openpyxl read-only); its position
is the sheet row, and a resume skips the rows before it without parsing them into frames.

Memory is bounded by the chunk (a few times `chunk_bytes` for CSV, `chunk_rows` rows for
XLSX), not by the file.
"""

from __future__ import annotations

import csv
import io
import itertools
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")
CHUNK_BYTES = 8 * 1024 * 1024
CHUNK_ROWS = 50_000
HEAD_ROWS = 21  # rows searched for the header (a report title or notes may sit above it)
_HEAD_BYTES = 1 << 20


class StreamError(ValueError):
    """The file cannot be read in this format; the message says why."""


@dataclass(frozen=True)
class RawChunk:
    frame: pd.DataFrame  # one column per header label, text (CSV) or cell values (XLSX)
    first_row: int  # the spreadsheet row number of the frame's first record (header = its row)
    end: int  # where the next chunk starts: byte offset (CSV) or 0-based sheet row (XLSX)


def is_xlsx(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def _boundaries(buf: bytes) -> np.ndarray:
    """Offsets just after each newline that ends a record (outside quotes), for a buffer that
    starts at a record boundary."""
    a = np.frombuffer(buf, dtype=np.uint8)
    newlines = np.flatnonzero(a == 10)
    quotes = np.flatnonzero(a == 34)
    return newlines[np.searchsorted(quotes, newlines) % 2 == 0] + 1


def unique_labels(labels: list[object]) -> list[str]:
    """Header cells as column names: blanks named by position, repeats suffixed (.1, .2)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for j, v in enumerate(labels):
        name = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        name = name or f"column {j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


class CsvStream:
    """A CSV export: head records for header detection, then chunks from a byte offset."""

    def __init__(self, f: BinaryIO, filename: str, *, chunk_bytes: int = CHUNK_BYTES):
        self.f, self.filename, self.chunk_bytes = f, filename, chunk_bytes
        f.seek(0)
        head = f.read(_HEAD_BYTES)
        self.bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        head = head[self.bom:]
        if not head.strip():
            raise StreamError(f"'{filename}' is empty")
        cuts = _boundaries(head)
        if len(head) < _HEAD_BYTES:  # the whole file: its last record may lack a newline
            ends = np.append(cuts, len(head)) if not cuts.size or cuts[-1] < len(head) else cuts
        else:
            ends = cuts
        ends = ends[: HEAD_ROWS + 1]
        text_bytes = head[: int(ends[-1])] if ends.size else head
        try:
            text = text_bytes.decode("utf-8")
            self.encoding = "utf-8"
        except UnicodeDecodeError:
            text = text_bytes.decode("cp1252", errors="replace")
            self.encoding = "cp1252"
        self.sep = max([",", ";", "\t"], key=text.count)
        try:
            self.head = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.sep))
        except csv.Error as exc:
            raise StreamError(f"Cannot read '{filename}' as CSV: {exc}") from exc
        self._ends = [self.bom + int(e) for e in ends]

    def start_of(self, header_index: int) -> int:
        """Byte offset of the first record after head record `header_index` (0-based)."""
        return self._ends[header_index]

    def chunks(
        self, labels: list[str], *, start: int, first_row: int
    ) -> Iterator[RawChunk]:
        pos, row = start, first_row
        while True:
            self.f.seek(pos)
            size = self.chunk_bytes
            while True:
                buf = self.f.read(size)
                self.f.seek(pos)
                if not buf:
                    return
                eof = len(buf) < size
                cuts = _boundaries(buf)
                if eof:
                    cut = len(buf)
                    break
                if cuts.size:
                    cut = int(cuts[-1])
                    break
                size *= 2  # one record longer than a chunk: read more
            block = buf[:cut]
            try:
                frame = pd.read_csv(
                    io.BytesIO(block), sep=self.sep, header=None, names=labels, dtype=str,
                    keep_default_na=False, skip_blank_lines=False, index_col=False,
                    encoding=self.encoding, encoding_errors="replace", engine="c",
                )  # fmt: skip
            except (pd.errors.ParserError, csv.Error, ValueError) as exc:
                raise StreamError(
                    f"Cannot read '{self.filename}' as CSV near row {row}: {exc}"
                ) from exc
            except pd.errors.EmptyDataError:
                frame = pd.DataFrame(columns=labels, dtype=str)
            yield RawChunk(frame, row, pos + cut)
            row += len(frame)
            pos += cut
            if eof:
                return


class XlsxStream:
    """An XLSX export (first sheet), streamed row by row."""

    def __init__(self, f: BinaryIO, filename: str, *, chunk_rows: int = CHUNK_ROWS):
        from openpyxl import load_workbook

        self.filename, self.chunk_rows = filename, chunk_rows
        try:
            f.seek(0)
            self.book = load_workbook(f, read_only=True, data_only=True)
            self.sheet = self.book.worksheets[0]
            self.head = [list(r) for r in itertools.islice(self._rows(), HEAD_ROWS)]
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise StreamError(f"Cannot read '{filename}' as an Excel workbook: {exc}") from exc
        if not any(any(v is not None and str(v).strip() for v in r) for r in self.head):
            raise StreamError(f"'{filename}' is empty")

    def _rows(self) -> Iterator[tuple]:
        return self.sheet.iter_rows(values_only=True)

    def start_of(self, header_index: int) -> int:
        return header_index + 1

    def chunks(self, labels: list[str], *, start: int, first_row: int) -> Iterator[RawChunk]:
        width = len(labels)
        rows = itertools.islice(self._rows(), start, None)
        pos, row = start, first_row
        while True:
            batch = [
                (tuple(r) + (None,) * (width - len(r)))[:width]
                for r in itertools.islice(rows, self.chunk_rows)
            ]
            if not batch:
                self.book.close()
                return
            frame = pd.DataFrame(batch, columns=labels, dtype=object)
            yield RawChunk(frame, row, pos + len(batch))
            pos += len(batch)
            row += len(batch)


def open_stream(
    f: BinaryIO, filename: str, *, chunk_bytes: int = CHUNK_BYTES, chunk_rows: int = CHUNK_ROWS
) -> CsvStream | XlsxStream:
    if is_xlsx(filename):
        return XlsxStream(f, filename, chunk_rows=chunk_rows)
    return CsvStream(f, filename, chunk_bytes=chunk_bytes)


def prefetched(items: Iterator[T], *, depth: int = 1) -> Iterator[T]:
    """Yield `items` while a thread already produces the next `depth` of them: a chunk is
    parsed (pandas, much of it outside the GIL) while the caller writes the one before
    (the driver waits on the database outside the GIL). Order and errors are kept: an
    exception in the producer is raised here at its place. Closing this generator (the
    caller failed or stopped) stops the thread before the file under it is closed."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put((done, exc))
            return
        put((done, None))

    worker = threading.Thread(target=produce, name="ticket-import-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = q.get()
            if item is done:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        worker.join()
