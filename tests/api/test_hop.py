"""api.hop: blocking calls on worker threads, answered on the event loop."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from api.hop import Hop


def test_the_result_and_the_thread() -> None:
    hop = Hop(2, "t")
    loop_thread = threading.get_ident()

    async def main() -> tuple[int, int]:
        return await hop.run(lambda a, b: (a + b, threading.get_ident()), 2, 3)

    total, ran_on = asyncio.run(main())
    assert total == 5
    assert ran_on != loop_thread


def test_an_exception_reaches_the_awaiting_request() -> None:
    hop = Hop(1, "t")

    def fail() -> None:
        raise ValueError("store down")

    async def main() -> None:
        await hop.run(fail)

    with pytest.raises(ValueError, match="store down"):
        asyncio.run(main())


def test_at_most_the_limit_run_at_once_and_every_call_is_answered() -> None:
    hop = Hop(3, "t")
    running, peak, guard = [0], [0], threading.Lock()

    def work(i: int) -> int:
        with guard:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with guard:
            running[0] -= 1
        return i * i

    async def main() -> list[int]:
        return list(await asyncio.gather(*(hop.run(work, i) for i in range(12))))

    assert asyncio.run(main()) == [i * i for i in range(12)]
    assert peak[0] == 3  # the queue held the rest; threads were started up to the limit
