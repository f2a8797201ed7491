"""extract_many(): many PDFs over worker processes; one bad file never stops the batch.

Workers are recycled after a fixed number of files because pdfplumber's memory grows over
long runs; each result or error comes back per file, in input order. Workers end with their
parent: a killed (SIGKILL) or terminated (SIGTERM) parent leaves no orphaned worker behind.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import multiprocessing
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extraction.errors import ExtractionError
from extraction.extract import extract
from extraction.schema import ContractTerms

TASKS_PER_WORKER = 100
PARENT_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1

Progress = Callable[[int, int, str, "ContractTerms | ExtractionError"], None]


@dataclass
class BatchItem:
    """One input of a batch and what came of it: `terms` or `error` (never both)."""

    index: int
    name: str
    terms: ContractTerms | None = None
    error: ExtractionError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _name(item: bytes | Path | str, index: int) -> str:
    return Path(item).name if isinstance(item, Path | str) else f"document {index + 1}"


def _run(
    item: bytes | Path | str, password: str | None, name: str
) -> ContractTerms | ExtractionError:
    try:
        return extract(item, password=password)
    except ExtractionError as error:
        return error
    except Exception as error:  # noqa: BLE001 - report any crash as this file's error
        return ExtractionError(
            f"extraction failed unexpectedly ({type(error).__name__}: {error})", name=name
        )


_MAIN_LOCK = threading.Lock()


@contextmanager
def _plain_main() -> Iterator[None]:
    """Hide the caller's `__main__` from spawned workers while the pool lives.

    Spawned children re-run the parent's main script. Under Streamlit (and AppTest) that
    "script" is a page, which must never run in a worker; a stub `__main__` whose spec is
    named "__main__" makes multiprocessing skip that step.
    """
    with _MAIN_LOCK:
        real = sys.modules.get("__main__")
        stub = types.ModuleType("__main__")
        stub.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
        sys.modules["__main__"] = stub
        try:
            yield
        finally:
            if real is not None:
                sys.modules["__main__"] = real


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this process when the process that started the pool dies.

    Linux: the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG). Everywhere, a
    daemon thread also polls the parent id, which catches what PDEATHSIG misses (the
    thread that spawned the worker ended, other platforms).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread below
            pass
    if os.getppid() != parent_pid:  # the parent died before this line ran
        os._exit(1)

    def watch() -> None:
        while True:
            threading.Event().wait(PARENT_POLL_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A spawn-context process pool whose workers end when this process ends."""
    context = multiprocessing.get_context("spawn")
    with (
        _plain_main(),
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        ) as pool,
    ):
        yield pool


def extract_many(
    paths_or_bytes: Iterable[bytes | Path | str],
    *,
    workers: int = 2,
    progress: Progress | None = None,
    passwords: Sequence[str | None] | None = None,
) -> list[BatchItem]:
    """Extract every input with `workers` processes; errors are returned, never raised.

    `progress(i, n, name, result_or_error)` is called as each file finishes (i counts
    finished files from 1), in completion order.
    """
    items = list(paths_or_bytes)
    n = len(items)
    results = [BatchItem(index=i, name=_name(item, i)) for i, item in enumerate(items)]
    secrets = list(passwords) if passwords is not None else [None] * n

    def record(index: int, outcome: ContractTerms | ExtractionError, done: int) -> None:
        if isinstance(outcome, ExtractionError):
            results[index].error = outcome
        else:
            results[index].terms = outcome
        if progress is not None:
            progress(done, n, results[index].name, outcome)

    if workers <= 1 or n <= 1:
        for i, item in enumerate(items):
            record(i, _run(item, secrets[i], results[i].name), i + 1)
        return results
    done = 0
    # A fresh pool per chunk recycles workers (pdfplumber's caches grow over long runs);
    # CPython 3.11's max_tasks_per_child can deadlock the executor, so it is not used.
    chunk = TASKS_PER_WORKER * workers
    for first in range(0, n, chunk):
        indexes = range(first, min(n, first + chunk))
        with worker_pool(workers) as pool:
            futures = {pool.submit(_run, items[i], secrets[i], results[i].name): i for i in indexes}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - a dead worker fails only its file
                    outcome = ExtractionError(
                        f"the worker stopped ({type(error).__name__})", name=results[index].name
                    )
                done += 1
                record(index, outcome, done)
    return results
