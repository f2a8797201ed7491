"""Extraction in a worker process that a time limit can kill without taking the caller down.

A hostile or pathological file (thousands of scanned pages, a PDF that makes a parser spin)
must cost one worker, never the app: each file is read in a spawned process that is
SIGKILLed, with its process group, when it runs past its limit, and replaced by a fresh one
for the next file. Workers are kept between files (starting one imports spaCy, ~1.5 s),
recycled after `TASKS_PER_WORKER` files, and end with the process that started them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from extraction.errors import ExtractionError, ExtractionTimeout
from extraction.pdf import MAX_BYTES, OCR_SECONDS
from extraction.schema import ContractTerms

TASKS_PER_WORKER = 100  # pdfplumber's caches grow over long runs
EXTRACT_SECONDS = 300.0  # default time for everything but OCR (the store's setting overrides)
KEEP_IDLE = 2  # workers kept for the next file (the machine has two cores)

Outcome = ContractTerms | ExtractionError


@dataclass(frozen=True)
class Limits:
    """Per-file limits: bytes, OCR seconds, and the rest of the work's seconds."""

    max_bytes: int = MAX_BYTES
    ocr_seconds: float = OCR_SECONDS
    extract_seconds: float = EXTRACT_SECONDS

    @property
    def seconds(self) -> float:
        """The wall-clock limit after which the worker is killed."""
        return self.ocr_seconds + self.extract_seconds


def run_one(
    item: bytes | Path | str, password: str | None, name: str | None, limits: Limits
) -> Outcome:
    """extract() with every failure returned as an ExtractionError (runs in the worker);
    `name` names bytes input (None: messages do not start with a name)."""
    from extraction.extract import extract

    try:
        return extract(
            item,
            password=password,
            max_bytes=limits.max_bytes,
            ocr_seconds=limits.ocr_seconds,
            name=name,
        )
    except ExtractionError as error:
        return error
    except Exception as error:  # noqa: BLE001 - report any crash as this file's error
        return ExtractionError(
            f"extraction failed unexpectedly ({type(error).__name__})", name=name
        )


def _serve(conn: Connection, parent_pid: int) -> None:  # pragma: no cover - child process
    from extraction.batch import _exit_with_parent

    os.setpgrp()  # the worker and anything it starts are killed together
    _exit_with_parent(parent_pid)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_one(*task))


class Worker:
    """One extraction process, started on first use and again after a kill or recycling."""

    def __init__(self) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._tasks = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        # Started from one long-lived thread: Linux's parent-death signal fires when the
        # *thread* that forked a child ends, and callers' threads (a batch's, a Streamlit
        # rerun's) end while the worker is kept for the next file.
        self._process, self._conn = _SPAWNER.submit(_spawn).result()
        self._tasks = 0

    def run(
        self, item: bytes | Path | str, password: str | None, name: str, limits: Limits
    ) -> Outcome:
        """The file's terms or error; a file past `limits.seconds` kills this worker."""
        if self._process is None or not self._process.is_alive():
            self.stop()
            self._start()
        assert self._conn is not None and self._process is not None
        try:
            self._conn.send((item, password, name, limits))
            if not self._conn.poll(limits.seconds):
                self.stop()
                return ExtractionTimeout(limits.seconds, name=name)
            outcome = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = self._process.exitcode if self._process is not None else None
            self.stop()
            return ExtractionError(
                f"the extraction worker stopped (exit code {code}); the file may be too "
                "complex to read",
                name=name,
            )
        self._tasks += 1
        if self._tasks >= TASKS_PER_WORKER:
            self.stop()
        return outcome

    def stop(self) -> None:
        """Kill the worker's whole process group (it is the group's leader) and reap it."""
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if conn is not None:
            conn.close()
        if process is None:
            return
        if process.is_alive() and process.pid is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        process.join(5)


def _spawn() -> tuple[multiprocessing.process.BaseProcess, Connection]:
    from extraction.batch import _plain_main

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    with _plain_main():
        process = context.Process(
            target=_serve, args=(theirs, os.getpid()), name="extraction-worker", daemon=True
        )
        process.start()
    theirs.close()
    return process, ours


_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extraction-spawner")
_IDLE: list[Worker] = []
_LOCK = threading.Lock()


@contextmanager
def borrowed() -> Iterator[Worker]:
    """A worker for this thread's use; kept afterwards for the next file (up to KEEP_IDLE)."""
    with _LOCK:
        worker = _IDLE.pop() if _IDLE else Worker()
    try:
        yield worker
    finally:
        with _LOCK:
            if len(_IDLE) < KEEP_IDLE:
                _IDLE.append(worker)
                worker = None  # type: ignore[assignment]
        if worker is not None:
            worker.stop()


def extract_isolated(
    item: bytes | Path | str,
    *,
    password: str | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """One file extracted in a worker process; every failure, a kill included, is returned."""
    label = name or (Path(item).name if isinstance(item, Path | str) else "document")
    with borrowed() as worker:
        return worker.run(item, password, label, limits or Limits())


def stop_idle() -> None:
    """Stop the kept workers (they start again on demand): at shutdown, or after the
    environment changed (a worker keeps the PATH and settings it started with)."""
    with _LOCK:
        idle, _IDLE[:] = list(_IDLE), []
    for worker in idle:
        worker.stop()
