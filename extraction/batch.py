"""extract_many(): many files over worker processes; one bad file never stops the batch.

Each file is read in a killable worker process (extraction.worker), recycled after a fixed
number of files because pdfplumber's memory grows over long runs; each result or error
comes back per file, in input order. Workers end with their parent: a killed (SIGKILL) or
terminated (SIGTERM) parent leaves no orphaned worker behind.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import multiprocessing
import os
import queue
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extraction.errors import ExtractionError
from extraction.schema import ContractTerms
from extraction.worker import Limits, borrowed

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
    limits: Limits | None = None,
    names: Sequence[str | None] | None = None,
) -> list[BatchItem]:
    """Extract every input in `workers` worker processes; errors are returned, never raised.

    Every file, whatever the batch size, is read in a worker process that `limits` can kill
    (the file then fails with ExtractionTimeout, the batch goes on with a fresh worker).
    `progress(i, n, name, result_or_error)` is called in the calling thread as each file
    finishes (i counts finished files from 1), in completion order. `names` gives bytes
    inputs their file names for reading (Markdown or text) and messages; results keep
    calling them "document k".
    """
    items = list(paths_or_bytes)
    n = len(items)
    results = [BatchItem(index=i, name=_name(item, i)) for i, item in enumerate(items)]
    secrets = list(passwords) if passwords is not None else [None] * n
    limits = limits or Limits()
    labels = [
        r.name if isinstance(item, Path | str) else (names[r.index] if names else None)
        for r, item in zip(results, items, strict=True)
    ]
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(n):
        todo.put(i)
    finished: queue.SimpleQueue[tuple[int, ContractTerms | ExtractionError]] = queue.SimpleQueue()

    def drive() -> None:
        with borrowed() as worker:
            while True:
                try:
                    index = todo.get_nowait()
                except queue.Empty:
                    return
                label = labels[index]
                try:
                    outcome = worker.run(items[index], secrets[index], label, limits)
                except Exception as error:  # noqa: BLE001 - a broken worker fails only its file
                    outcome = ExtractionError(f"the worker stopped ({type(error).__name__})")
                finished.put((index, outcome))

    threads = [
        threading.Thread(target=drive, name=f"extract-{k}", daemon=True)
        for k in range(max(1, min(workers, n)))
    ]
    for thread in threads:
        thread.start()
    for done in range(1, n + 1):
        index, outcome = finished.get()
        if isinstance(outcome, ExtractionError):
            if outcome.name is None and isinstance(items[index], Path | str):
                outcome.name = results[index].name
            results[index].error = outcome
        else:
            results[index].terms = outcome
        if progress is not None:
            progress(done, n, results[index].name, outcome)
    for thread in threads:
        thread.join()
    return results
