"""Page tests: AppTest over a small seeded SQLite store shared by the module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from db.config import ROOT
from db.engine import open_store, session_scope
from db.users import authenticate
from demo.seed import SeedSize, seed
from tests.conftest import TODAY

SMALL = SeedSize(clients=8, contracts=16, tickets=3000, technicians=4)


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.db'}"
    seed(open_store(url), seed=7, size=SMALL, today=TODAY)
    return url


def private_copy(url: str, folder: Path) -> str:
    """A copy of a seeded SQLite store, for tests whose pages write to it."""
    target = folder / "store.db"
    shutil.copy(url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@contextmanager
def serving(url: str, monkeypatch) -> Iterator[str]:
    """The app's store is `url` while this lasts; Streamlit's caches (the engine among them)
    are cleared on the way in and out so no other test's store leaks in."""
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield url
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.fixture
def app_env(demo_url, monkeypatch):
    with serving(demo_url, monkeypatch):
        yield demo_url


def login_as(url: str, username: str, password: str):
    with session_scope(open_store(url)) as s:
        return authenticate(session=s, username=username, password=password)


def page(path: str, url: str, *, user: tuple[str, str] | None = None,
         query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    if user:
        at.session_state["actor"] = login_as(url, *user)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at


ADMIN = ("admin", "demo-admin-pass")
MANAGER = ("manager", "demo-manager-pass")
EXEC = ("exec", "demo-exec-pass")
TECH = ("tech", "demo-tech-pass")
