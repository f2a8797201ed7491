"""Health-score weights, kept in the renewals.health_weights setting."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import Setting
from renewals.health import COMPONENTS, HealthWeights

WEIGHTS_KEY = "renewals.health_weights"


def health_weights(*, session: Session) -> tuple[HealthWeights, str | None]:
    """The configured weights, or the defaults and a sentence saying what is wrong."""
    row = session.get(Setting, WEIGHTS_KEY)
    if row is None or row.value is None:
        return HealthWeights(), None
    try:
        return _parse_weights(row.value), None
    except ValueError as exc:
        return HealthWeights(), f"Setting {WEIGHTS_KEY} is malformed ({exc}); defaults are used."


def _parse_weights(value: Any) -> HealthWeights:
    if not isinstance(value, dict):
        raise ValueError('expected an object such as {"sla": 0.3, ...}')
    unknown = sorted(set(value) - set(COMPONENTS))
    if unknown:
        raise ValueError(f"unknown components {unknown}; known: {', '.join(COMPONENTS)}")
    numbers = {}
    for name, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError(f"{name} must be a number")
        try:
            numbers[name] = float(raw)
        except ValueError as exc:
            raise ValueError(f"{name} must be a number, not {raw!r}") from exc
        if math.isinf(numbers[name]):
            raise ValueError(f"{name} must be finite")
    return HealthWeights(**{**asdict(HealthWeights()), **numbers})


def set_health_weights(*, session: Session, actor: Actor, weights: dict[str, Any]) -> HealthWeights:
    """Validate and store the weights (admins only); nothing is written when invalid."""
    require(actor, "settings")
    parsed = _parse_weights(weights)
    value = asdict(parsed)
    row = session.get(Setting, WEIGHTS_KEY)
    old = None if row is None else row.value
    if row is None:
        session.add(Setting(key=WEIGHTS_KEY, value=value))
    else:
        row.value = value
    audit.record(
        session=session, actor=actor, entity="setting", entity_id=None, action="update",
        field=WEIGHTS_KEY, old=None if old is None else str(old), new=str(value),
    )  # fmt: skip
    return parsed
