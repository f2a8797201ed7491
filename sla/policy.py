"""SLA policy matrix: priority x service type -> response and resolution targets.

Targets are covered minutes on the named calendar: "contract" (the contract's coverage
hours) or "24x7" (wall time). Default matrices per tier, in minutes:

    tier       P1 (24x7 for platinum/gold)  P2            P3             P4
    platinum   15 / 240   [24x7]            30 / 480      120 / 1440     240 / 2880
    gold       30 / 480   [24x7]            60 / 960      240 / 2400     480 / 4800
    silver     60 / 480                     120 / 1440    480 / 2880     960 / 4800
    bronze     120 / 960                    240 / 2400    960 / 4800     1920 / 9600

(response / resolution; on an 8x5 calendar 480 minutes is one business day.) A contract's
own rows are merged over its tier's defaults; service type "*" is the fallback row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PRIORITIES = ("P1", "P2", "P3", "P4")
CALENDARS = ("contract", "24x7")
WILDCARD = "*"
DEFAULT_WARNING_SHARE = 0.75


@dataclass(frozen=True)
class Target:
    """One cell of the matrix."""

    priority: str
    service_type: str
    response_minutes: int
    resolution_minutes: int
    calendar: str = "contract"

    def __post_init__(self) -> None:
        priority = str(self.priority).strip().upper()
        if priority not in PRIORITIES:
            raise ValueError(
                f"Priority must be one of {', '.join(PRIORITIES)}, got '{self.priority}'"
            )
        if self.calendar not in CALENDARS:
            raise ValueError(f"Calendar must be 'contract' or '24x7', got '{self.calendar}'")
        if self.response_minutes <= 0 or self.resolution_minutes <= 0:
            raise ValueError(f"Targets must be positive minutes ({priority} {self.service_type})")
        object.__setattr__(self, "priority", priority)
        object.__setattr__(self, "service_type", service_key(self.service_type))


def _per_value(values: pd.Series, fn: Callable[[object], object]) -> np.ndarray:
    """`fn` of each element, called once per distinct value (a missing value once per type:
    None and NaN give different keys) and broadcast back."""
    arr = values.to_numpy(object)
    codes, uniques = pd.factorize(arr)
    mapped = np.array([fn(u) for u in uniques] + [""], dtype=object)[codes]
    missing = codes < 0
    if missing.any():
        kinds: dict[type, object] = {}
        for v in arr[missing]:
            if type(v) not in kinds:
                kinds[type(v)] = fn(v)
        mapped[missing] = [kinds[type(v)] for v in arr[missing]]
    return mapped


def service_key(service_type: str | None) -> str:
    """Matrix key for a service type: lower-case, single spaces; blank means the wildcard."""
    text = " ".join(str(service_type or "").lower().split())
    return text or WILDCARD


def _tier(rows: list[tuple[int, int]], p1_calendar: str) -> tuple[Target, ...]:
    return tuple(
        Target(p, WILDCARD, resp, res, p1_calendar if p == "P1" else "contract")
        for p, (resp, res) in zip(PRIORITIES, rows, strict=True)
    )


TIER_DEFAULTS: dict[str, tuple[Target, ...]] = {
    "platinum": _tier([(15, 240), (30, 480), (120, 1440), (240, 2880)], "24x7"),
    "gold": _tier([(30, 480), (60, 960), (240, 2400), (480, 4800)], "24x7"),
    "silver": _tier([(60, 480), (120, 1440), (480, 2880), (960, 4800)], "contract"),
    "bronze": _tier([(120, 960), (240, 2400), (960, 4800), (1920, 9600)], "contract"),
}


@dataclass(frozen=True)
class SlaPolicy:
    """A full matrix. `pause_response`: whether pauses also stop the response clock.

    Default False: a first response is the provider's move and "waiting on customer" cannot
    honestly precede it; letting a pending status stop the response clock would let a ticket
    be parked unanswered without a breach (this is also how Zendesk treats first reply time).
    """

    targets: tuple[Target, ...]
    warning_share: float = DEFAULT_WARNING_SHARE
    pause_response: bool = False
    _index: dict[tuple[str, str], Target] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not 0 < self.warning_share <= 1:
            raise ValueError(f"warning_share must be in (0, 1], got {self.warning_share}")
        index: dict[tuple[str, str], Target] = {}
        for target in self.targets:
            index[(target.priority, target.service_type)] = target  # later rows win
        ordered = tuple(sorted(index.values(), key=lambda t: (t.priority, t.service_type)))
        object.__setattr__(self, "targets", ordered)
        object.__setattr__(self, "_index", index)

    def target_for(self, priority: str, service_type: str | None = None) -> Target:
        """Exact service-type row, else the '*' row; KeyError names what is missing."""
        p = str(priority).strip().upper()
        for key in ((p, service_key(service_type)), (p, WILDCARD)):
            if key in self._index:
                return self._index[key]
        raise KeyError(f"No SLA target for {p} / '{service_type}' and no '*' row")

    def to_rows(self) -> list[dict[str, object]]:
        """Rows for storage: priority, service_type, response/resolution minutes, calendar."""
        return [
            {
                "priority": t.priority,
                "service_type": t.service_type,
                "response_minutes": t.response_minutes,
                "resolution_minutes": t.resolution_minutes,
                "calendar": t.calendar,
            }
            for t in self.targets
        ]


def policy_from_rows(
    rows: Iterable[Mapping[str, object]] | pd.DataFrame,
    *,
    warning_share: float = DEFAULT_WARNING_SHARE,
    pause_response: bool = False,
) -> SlaPolicy:
    """Inverse of SlaPolicy.to_rows (accepts dicts or a DataFrame)."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    targets = tuple(
        Target(
            str(r["priority"]),
            str(r.get("service_type") or WILDCARD),
            int(r["response_minutes"]),  # type: ignore[call-overload]
            int(r["resolution_minutes"]),  # type: ignore[call-overload]
            str(r.get("calendar") or "contract"),
        )
        for r in records
    )
    return SlaPolicy(targets, warning_share, pause_response)


def policy_for(
    tier: str,
    overrides: Iterable[Mapping[str, object]] | pd.DataFrame = (),
    *,
    warning_share: float = DEFAULT_WARNING_SHARE,
    pause_response: bool = False,
) -> SlaPolicy:
    """Tier defaults with a contract's own rows merged over them (same key -> override wins)."""
    key = tier.strip().lower()
    if key not in TIER_DEFAULTS:
        raise ValueError(f"Unknown tier '{tier}': use one of {', '.join(TIER_DEFAULTS)}")
    own = policy_from_rows(overrides).targets
    return SlaPolicy(TIER_DEFAULTS[key] + own, warning_share, pause_response)


def attach_targets(
    tickets: pd.DataFrame,
    *,
    policies: Mapping[object, SlaPolicy],
    calendar_keys: Mapping[object, str],
    always_on_key: str = "24x7",
) -> pd.DataFrame:
    """Add calendar_key, targets, warning_share, pause_response to tickets[contract_id,
    priority, service_type], ready for sla.clock.evaluate.

    Rows whose calendar is "24x7" get `always_on_key` (one shared wall-time calendar);
    others get their contract's key. A ticket with no matching row gets NaN targets.
    """
    rules = pd.DataFrame(
        [
            {
                "contract_id": cid,
                **row,
                "warning_share": p.warning_share,
                "pause_response": p.pause_response,
            }
            for cid, p in policies.items()
            for row in p.to_rows()
        ],
        columns=[
            "contract_id",
            "priority",
            "service_type",
            "response_minutes",
            "resolution_minutes",
            "calendar",
            "warning_share",
            "pause_response",
        ],
    )
    out = tickets.copy()
    out["_p"] = _per_value(out["priority"], lambda p: p if pd.isna(p) else str(p).strip().upper())
    out["_s"] = _per_value(out["service_type"], service_key) if "service_type" in out else WILDCARD
    keys = ["contract_id", "_p", "_s"]
    named = rules.rename(columns={"priority": "_p", "service_type": "_s"})
    # Matched once per distinct (policy, priority, service) and broadcast: a million
    # tickets share a few thousand keys.
    combo = out[keys].groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    distinct = out[keys].drop_duplicates().reset_index(drop=True)
    exact = distinct.merge(named, on=keys, how="left")
    star = distinct[keys[:2]].assign(_s=WILDCARD).merge(named, on=keys, how="left")
    has = exact["response_minutes"].notna().to_numpy()
    picked = pd.DataFrame(
        {
            c: np.where(has, exact[c].to_numpy(object), star[c].to_numpy(object))[combo]
            for c in named
        }
    )
    out["response_target_min"] = picked["response_minutes"].to_numpy(dtype=float)
    out["resolution_target_min"] = picked["resolution_minutes"].to_numpy(dtype=float)
    out["warning_share"] = picked["warning_share"].to_numpy(dtype=float)
    out["pause_response"] = picked["pause_response"].fillna(False).to_numpy(dtype=bool)
    contract_key = out["contract_id"].map(calendar_keys)
    out["calendar_key"] = contract_key.where(picked["calendar"].to_numpy() != "24x7", always_on_key)
    return out.drop(columns=["_p", "_s"])
