"""`prefetched`: the next chunk is produced in a thread while the caller works on this one;
order and errors are kept, and closing it stops the thread before the file is closed."""

from __future__ import annotations

import threading

import pytest

from sla.ticket_stream import prefetched


def test_order_is_kept_and_the_next_item_is_made_meanwhile():
    ahead = threading.Event()

    def items():
        for i in range(5):
            if i == 1:
                ahead.set()
            yield i

    seen = []
    for i in prefetched(items()):
        if i == 0:  # still holding the first: the producer goes on with the second
            assert ahead.wait(timeout=30)
        seen.append(i)
    assert seen == [0, 1, 2, 3, 4]


def test_an_error_in_the_producer_is_raised_in_its_place():
    def items():
        yield 1
        yield 2
        raise ValueError("row 7: cannot read")

    got = []
    with pytest.raises(ValueError, match="row 7"):
        for i in prefetched(items()):
            got.append(i)
    assert got == [1, 2]


def test_closing_stops_the_thread_and_reads_no_further():
    produced: list[int] = []

    def items():
        for i in range(1000):
            produced.append(i)
            yield i

    before = threading.active_count()
    gen = prefetched(items())
    assert next(gen) == 0
    gen.close()
    assert threading.active_count() == before
    assert len(produced) <= 3  # one handed over, at most one queued and one waiting
