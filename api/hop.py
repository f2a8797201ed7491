"""Blocking calls run on worker threads, awaited from the event loop with the least machinery.

`loop.run_in_executor` wraps each call in a `concurrent.futures.Future` (a Condition and
its lock, taken by both threads) chained to an asyncio future through callbacks; anyio's
`to_thread` (what `run_in_threadpool` uses) costs more again. The webhook makes that hop on
every event, so `Hop` keeps only what it needs: a queue of jobs, threads started on
demand up to a limit (as `ThreadPoolExecutor` does), and one `call_soon_threadsafe` that
settles the awaiting asyncio future with the result or the exception.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any


def _settle(fut: asyncio.Future, result: Any, exc: BaseException | None) -> None:
    if fut.cancelled():  # the request went away; its work was done all the same
        return
    if exc is None:
        fut.set_result(result)
    else:
        fut.set_exception(exc)


class Hop:
    """Up to `threads` daemon threads (started when none is idle) running submitted calls."""

    def __init__(self, threads: int, name: str) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._started = 0
        self._max, self._name = threads, name
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(*args)` on a worker thread; its result (or its exception) here."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._jobs.put((loop, fut, fn, args))
        if not self._idle.acquire(blocking=False):
            self._start_one()
        return await fut

    def _start_one(self) -> None:
        with self._lock:
            if self._started >= self._max:
                return  # every thread is busy: the job waits in the queue
            self._started += 1
            n = self._started
        threading.Thread(target=self._work, name=f"{self._name}_{n}", daemon=True).start()

    def _work(self) -> None:
        while True:
            loop, fut, fn, args = self._jobs.get()
            try:
                result, exc = fn(*args), None
            except BaseException as error:  # noqa: BLE001 - handed to the awaiting request
                result, exc = None, error
            try:
                loop.call_soon_threadsafe(_settle, fut, result, exc)
            except RuntimeError:  # the loop is closed (shutdown): nobody awaits the answer
                pass
            del loop, fut, fn, args, result, exc
            self._idle.release()
