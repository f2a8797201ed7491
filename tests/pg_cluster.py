"""A private PostgreSQL cluster (its own data folder and port) that a test can stop and start
under a running app: the store failing, then back (the pages' and the API's tests)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> None:
    subprocess.run(["su", "postgres", "-c", " ".join(cmd)], check=True, capture_output=True,
                   timeout=120)  # fmt: skip


@pytest.fixture
def private_pg():
    """A PostgreSQL cluster of its own: (url, start, stop), to stop under a running app."""
    if not (PG_BIN / "initdb").exists() or os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL 15 binaries and root to run a private cluster")
        pytest.skip("needs PostgreSQL 15 binaries and root")
    folder = Path(tempfile.mkdtemp(prefix="cd-pg-"))
    shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log")]
    opts = f"'-p {port} -k {folder} -c listen_addresses='"

    def start() -> None:
        _as_postgres(*ctl, "-o", opts, "start")

    def stop() -> None:
        _as_postgres(*ctl, "-m", "fast", "stop")

    start()
    url = f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    try:
        yield url, start, stop
    finally:
        subprocess.run(["su", "postgres", "-c", " ".join([*ctl, "-m", "immediate", "stop"])],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
