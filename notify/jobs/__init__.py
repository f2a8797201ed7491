"""Scheduled jobs run by `python cli.py jobs run` (from cron), then the outbox is delivered.

Each module here defines `run(engine, now) -> str` (a one-line summary) and `ORDER` (int).
A job only puts rows in the database and the outbox, keyed so a second run adds nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

Job = Callable[[Engine, datetime], str]


def discover() -> list[tuple[str, Job]]:
    mods = [
        importlib.import_module(f"{__name__}.{m.name}")
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_")
    ]
    mods.sort(key=lambda m: (getattr(m, "ORDER", 50), m.__name__))
    return [(m.__name__.rsplit(".", 1)[-1], m.run) for m in mods]
