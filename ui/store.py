"""The app's one engine, created and migrated once per process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.config import ConfigError
from db.engine import open_store, session_scope, store_failure
from db.sla import outcome_cache
from db.sla.outcomes import warm_up
from safe.text import md_msg


@st.cache_resource(show_spinner="Opening the contract store…")
def _engine() -> Engine:
    engine = open_store()
    outcome_cache.enable(engine)  # dashboards share one load of the tickets (see there)
    warm_up(engine)  # ... loaded in the background while the first user logs in
    return engine


def engine() -> Engine:
    """The migrated engine, or a clear message and a stop when the store is unusable."""
    try:
        return _engine()
    except ConfigError as exc:
        st.error(f"**The contract store is not available.** {md_msg(exc)}")
        st.stop()
        raise  # unreachable: st.stop raises


@contextmanager
def session() -> Iterator[Session]:
    """A transaction on the app's store. A store failure inside it (server down, disk full)
    shows the clear message and stops this run, whichever way the page was opened."""
    try:
        with session_scope(engine()) as s:
            yield s
    except Exception as exc:
        if not _report(exc):
            raise
        st.stop()


@contextmanager
def store_guard() -> Iterator[None]:
    """Turn the store failing mid-run outside `session()` into the same clear message."""
    try:
        yield
    except Exception as exc:
        if not _report(exc):
            raise


def _report(exc: BaseException) -> bool:
    """Show what a store failure means for the user; False when `exc` is not one.

    The failed action's transaction was rolled back; the pool re-checks connections
    (pre-ping), so the next rerun works again once the store is back.
    """
    message = store_failure(exc, _engine())
    if message is None:
        return False
    _engine().dispose()  # drop dead connections now, not one failed rerun at a time
    st.error(f"**The contract store failed.** {message}", icon=":material/database:")
    return True
