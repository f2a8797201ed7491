"""Progress while a long action runs, and one sentence of what changed once it is done.

Every action that can take more than a second (a billing run, an import, a proposal) runs
inside `job`: a status box with a progress bar that the action's steps move, marked complete
with the summary, or failed with the error left visible. `done` then says what changed in a
toast and on the page, so the result survives the toast fading.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st


class Job:
    """The running action's status box: `step` moves the bar, `finish` closes it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.status = st.status(label, expanded=True)
        with self.status:
            self.bar = st.progress(0.0, text=label)
        self.summary: str | None = None

    def step(self, share: float, text: str) -> None:
        """Move the bar to `share` (0..1) with what is happening now."""
        self.bar.progress(min(max(float(share), 0.0), 1.0), text=text)

    def finish(self, summary: str) -> None:
        self.summary = summary


@contextmanager
def job(label: str) -> Iterator[Job]:
    """Show `label` running; complete with the job's summary, or error if it raised."""
    running = Job(label)
    try:
        yield running
    except Exception:
        running.status.update(label=f"{label} failed", state="error", expanded=True)
        raise
    running.bar.progress(1.0, text=running.summary or "Done")
    running.status.update(label=running.summary or f"{label} done", state="complete",
                          expanded=False)  # fmt: skip


def done(message: str, *, icon: str = ":material/check_circle:") -> None:
    """Say what changed: a toast now, and the same words on the page."""
    st.toast(message, icon=icon)
    st.success(message)
