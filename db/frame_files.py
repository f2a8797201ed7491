"""DataFrames kept on disk as Arrow columns, shared by every process on the machine.

Why: a heavy load (every ticket's SLA inputs: ~14 CPU-s on a million tickets) was paid by
each fresh process, replica and restart, and held once per process. Written once here,
it is a memory-mapped read for every other process until the store changes.

- One file per (store, name, key): `<name>-<store hash>-<key hash>.arrow` in `directory()`.
  The key (the store's fingerprint, and the caller's layout version) is written in the file
  and compared on read: a stale file is never served, a hash collision neither.
- Written to a temp file in the same folder, fsynced, then renamed: a reader sees the whole
  file or none. A CRC-32 of the body is checked on every read: a truncated, overwritten or
  damaged file is ignored (and replaced by the next build), never served.
- `building()` holds an exclusive lock file while one process builds, so two processes
  that miss at once build once; the second then reads the first one's file.
- Files of the same store and name under other keys are removed when a new one is written
  (all of them, or all but the newest `keep`).

Setting: `CONTRACT_DESK_CACHE_DIR` (a folder, or `off`), else `[cache] dir` in
`.streamlit/secrets.toml`; default: the folder `<file>.cache` beside a SQLite store, or
`data/cache` for a server store. An unusable folder only means no file cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import struct
import tempfile
import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from db.config import ROOT, SECRETS_FILE, read_secrets

MAGIC = b"CDFRAME1"
_HEAD = struct.Struct("<8sQI")  # magic, header length, CRC-32 of everything after the head
SETTING = "CONTRACT_DESK_CACHE_DIR"
STALE_TEMP_S = 3600  # a temp file this old belongs to no writer still running
_COPY_BYTES = 8 << 20  # scratch body copied into the file this much at a time
log = logging.getLogger(__name__)


def directory(url: str, env: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder for the store at `url` (see the module docstring); None when off."""
    env = os.environ if env is None else env
    raw = env.get(SETTING) or read_secrets(SECRETS_FILE).get("cache", {}).get("dir")
    if raw:
        return None if str(raw).strip().lower() == "off" else Path(str(raw))
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if not database or database == ":memory:" or url.endswith(":memory:"):
            return None
        return Path(database + ".cache")
    return ROOT / "data" / "cache"


def _stem(url: str, name: str) -> str:
    return f"{name}-{hashlib.sha256(url.encode()).hexdigest()[:12]}-"


def _path(folder: Path, url: str, name: str, key: str) -> Path:
    return folder / f"{_stem(url, name)}{hashlib.sha256(key.encode()).hexdigest()[:16]}.arrow"


def _dtype(dtype: object) -> str:
    """A column's dtype as written in the header (a category's with its categories' dtype)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return f"category:{dtype.categories.dtype}"
    return str(dtype)


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def _from_arrow(
    table: pa.Table, dtypes: Mapping[str, str], read_only: bool = False
) -> pd.DataFrame:
    """The frame as written: object columns come back as Python objects (None stays None).

    `read_only`: one block per column, numeric columns pointing into the mapping (no copy,
    and no page of the file read until a column is used: ~10x faster at 2M rows), so their
    arrays cannot be written in place."""
    frame = table.to_pandas(split_blocks=read_only)
    for name, dtype in dtypes.items():
        if dtype == "object" and frame[name].dtype != object:
            frame[name] = pd.Series(_objects(table.column(name)), dtype=object)
        elif dtype.startswith("category:") and _dtype(frame[name].dtype) != dtype:
            cats = frame[name].cat.categories.astype(dtype.split(":", 1)[1])
            codes = frame[name].cat.codes.to_numpy()
            frame[name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats))
    return frame


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A column as Python objects, None for null: a label column's distinct values built
    once, not once a row (a million labels one by one: ~0.2 s a column)."""
    if pa.types.is_integer(column.type) and column.null_count == 0:
        return column.to_numpy().astype(object)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return np.array([*column.to_pylist(), None], dtype=object)[:-1]
    head = column.slice(0, 4096)
    if len(pc.unique(head)) * 2 > len(head):  # mostly distinct (ids): one string a row
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    encoded = column.combine_chunks().dictionary_encode()
    values = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    return values[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]


def save(
    url: str, name: str, key: str, frames: Mapping[str, pd.DataFrame], keep: int = 1
) -> Path | None:
    """Write `frames` for (`url`, `name`, `key`) atomically, keeping the `keep` newest files
    of (`url`, `name`); None when it cannot be written (no folder, read-only, a column Arrow
    cannot hold): callers then simply do not share."""
    folder = directory(url)
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Each part goes straight from Arrow into a scratch file of its own (an IPC file's
        # offsets count from its own start), then into the file behind the header: no
        # serialised copy of a 2M-row frame is ever held in memory as well (the in-memory
        # assembly added ~450 MB to the peak of the process that built it).
        parts, scratch, size = [], [], 0
        tmp = _temp(folder)
        try:
            for part, frame in frames.items():
                scratch.append(_temp(folder))
                table = _to_arrow(frame)
                with pa.OSFile(scratch[-1], "wb") as sink:
                    with pa.ipc.new_file(sink, table.schema) as writer:
                        writer.write_table(table)
                    written = sink.tell()
                del table
                size += -size % 64  # Arrow buffers stay aligned in the mapped file
                dtypes = {c: _dtype(t) for c, t in frame.dtypes.items()}
                parts.append({"part": part, "at": size, "size": written, "dtypes": dtypes})
                size += written
            pa.default_memory_pool().release_unused()
            header = json.dumps({"key": key, "parts": parts}).encode()
            header += b" " * (-(_HEAD.size + len(header)) % 64)
            path = _path(folder, url, name, key)
            with open(tmp, "wb") as out:
                out.write(b"\0" * _HEAD.size)  # the checksum is known once all is written
                out.write(header)
                crc, at = zlib.crc32(header), 0
                for meta, scratch_path in zip(parts, scratch, strict=True):
                    pad = b"\0" * (meta["at"] - at)
                    out.write(pad)
                    crc = zlib.crc32(pad, crc)
                    with open(scratch_path, "rb") as part_in:
                        while chunk := part_in.read(_COPY_BYTES):
                            out.write(chunk)
                            crc = zlib.crc32(chunk, crc)
                    at = meta["at"] + meta["size"]
                out.seek(0)
                out.write(_HEAD.pack(MAGIC, len(header), crc))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            for left in scratch:
                Path(left).unlink(missing_ok=True)
    except (OSError, pa.ArrowException, TypeError, ValueError) as exc:
        log.warning("frame cache %s not written to %s: %s", name, folder, exc)
        return None
    others = [p for p in folder.glob(_stem(url, name) + "*.arrow") if p != path]
    for old in sorted(others, key=_age)[: max(len(others) - keep + 1, 0)]:
        old.unlink(missing_ok=True)
    for left in folder.glob(".tmp-*.arrow"):  # a writer killed before its rename
        if time.time() - _age(left) > STALE_TEMP_S:
            left.unlink(missing_ok=True)
    return path


def _temp(folder: Path) -> str:
    """A new temp file's path (named so that one a killed writer left is cleaned up)."""
    fd, path = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".arrow")
    os.close(fd)
    return path


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def exists(url: str, name: str, key: str) -> bool:
    """Whether a file for (`url`, `name`, `key`) is there (not checked: `load` checks it)."""
    folder = directory(url)
    return folder is not None and _path(folder, url, name, key).is_file()


def load(
    url: str, name: str, key: str, *, read_only: bool = False
) -> dict[str, pd.DataFrame] | None:
    """The frames saved for (`url`, `name`, `key`), or None: no file, another key, or a file
    that fails its checks (it is removed, so the next build replaces it). `read_only`: see
    `_from_arrow` (for frames the caller never writes in place)."""
    folder = directory(url)
    if folder is None:
        return None
    path = _path(folder, url, name, key)
    try:
        source = pa.memory_map(str(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        log.warning("frame cache %s unreadable: %s", path, exc)
        return None
    try:  # not closed: the frames may still point into the mapping (freed with them)
        return _read(source.read_buffer(), key, read_only)
    except (ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        log.warning("frame cache %s ignored (%s): rebuilding it", path, exc)
        path.unlink(missing_ok=True)
        return None


def _read(buffer: pa.Buffer, key: str, read_only: bool = False) -> dict[str, pd.DataFrame]:
    if buffer.size < _HEAD.size:
        raise ValueError("shorter than its header")
    magic, length, crc = _HEAD.unpack(buffer.slice(0, _HEAD.size).to_pybytes())
    if magic != MAGIC:
        raise ValueError("not a frame cache file")
    rest = buffer.slice(_HEAD.size)
    if zlib.crc32(memoryview(rest)) != crc:
        raise ValueError("checksum mismatch")
    header = json.loads(rest.slice(0, length).to_pybytes())
    if header["key"] != key:
        raise ValueError("written for another key")
    body = rest.slice(length)
    out = {}
    for part in header["parts"]:
        table = pa.ipc.open_file(body.slice(part["at"], part["size"])).read_all()
        out[part["part"]] = _from_arrow(table, part["dtypes"], read_only)
    return out


@contextmanager
def building(url: str, name: str) -> Iterator[None]:
    """Held while this process builds (`url`, `name`): another process waits, then finds
    the file. Without a usable folder it only yields."""
    folder = directory(url)
    handle = None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / f".{_stem(url, name)}lock", "a+b")  # noqa: SIM115
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as exc:
            log.warning("frame cache lock in %s unavailable: %s", folder, exc)
            handle = None
    try:
        yield
    finally:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
