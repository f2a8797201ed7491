"""Issue 19 item 5: extraction workers never outlive a killed or terminated parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PARENT = """
import os, sys, time
from extraction.batch import worker_pool
with worker_pool(2) as pool:
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\\tZ" not in state.split("State:")[1].splitlines()[0]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to inspect processes")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_when_parent_is_killed(sig):
    parent = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        os.kill(parent.pid, sig)
        parent.wait(timeout=10)
        # Generous: a worker still importing the extraction code on a loaded machine (spawn
        # start) notices its parent is gone only once its initializer runs.
        deadline = time.monotonic() + 60
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if _alive(pid)], "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
