"""A real Streamlit server on localhost and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from db.config import ROOT
from db.engine import open_store
from demo.seed import SeedSize, seed
from tests.conftest import TODAY

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The live apps' logs (stderr), shown under a failing browser test. A file, not a pipe: a pipe
# nobody reads fills after 64 KiB of log and then blocks the server mid-run.
APP_LOGS: list[str] = []


def _tail(path: str, size: int = 4000) -> str:
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - size))
        return f.read().decode(errors="replace")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for path in APP_LOGS:
            report.sections.append((f"live app log {path} (tail)", _tail(path)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_store(tmp_path_factory) -> str:
    """Database URL of the small seeded demo store the live app serves."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.db'}"
    seed(
        open_store(url),
        seed=11,
        size=SeedSize(clients=6, contracts=10, tickets=1500, technicians=3),
        today=TODAY,
    )
    return url


@contextmanager
def serve_app(url: str, port: int | None = None) -> Iterator[str]:
    """Base URL of `streamlit run app.py` serving the store at `url` on `port` (else a free one)."""
    port = port or _free_port()
    env = {**os.environ, "DATABASE_URL": url}
    log = tempfile.NamedTemporaryFile(prefix="e2e-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    APP_LOGS.append(log.name)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError(f"streamlit did not start: {_tail(log.name, 2000)}")
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: do not fail the run on teardown
            proc.kill()
            proc.wait()
        log.close()
        APP_LOGS.remove(log.name)
        os.unlink(log.name)


@pytest.fixture(scope="session")
def live_app(live_store):
    """Base URL of the app serving the small seeded demo store."""
    with serve_app(live_store) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def login(page, base: str, username: str, password: str, path: str = "") -> None:
    """Open `path` (a full reload starts a new session) and log in there."""
    page.goto(f"{base}/{path}")
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.keyboard.press("Escape")  # a deep link may raise a "page not found" notice first
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text(f"Signed in as {username}").wait_for(timeout=30_000)
