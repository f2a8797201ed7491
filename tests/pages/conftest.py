"""Page tests: AppTest over a small seeded SQLite store shared by the module."""

from __future__ import annotations

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


@pytest.fixture
def app_env(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield demo_url
    st.cache_resource.clear()
    st.cache_data.clear()


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
