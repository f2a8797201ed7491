"""SLA engine speed: 1M tickets in bulk, and a per-ticket `businesstimedelta` baseline.

Prints the bulk evaluation time (target <= 5 s for 1M tickets, ~1.2M pauses), then measures
a sample of resolved, never-paused tickets on office-hours calendars with both engines,
checks they agree to the minute and prints the speed ratio (target >= 100x).
Exits 1 when any sampled ticket disagrees.

    .venv/bin/python bench/sla_speed.py [--tickets 1000000] [--sample 10000] [--seed 7]

Baseline rules are built carefully: one WorkDayRule per distinct window, a HolidayRule in
the contract's zone (its default is UTC, which moves days off), and no 24x7 calendars
(00:00-00:00 makes it loop forever).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import time as clock_time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sla.calendar import Calendar, to_us  # noqa: E402
from sla.clock import evaluate  # noqa: E402

YEARS = range(2019, 2027)
# (coverage spec, zone, holiday country, subdivision)
CONTRACT_CALENDARS = [
    ("Mon-Fri 08:00-18:00", "Europe/London", "GB", "ENG"),
    ("8x5", "America/New_York", "US", None),
    ("9x5", "Europe/Berlin", "DE", "BY"),
    ("9x5", "Europe/Berlin", "DE", None),
    ("10x5", "Australia/Sydney", "AU", "NSW"),
    ("12x5", "America/Los_Angeles", "US", "CA"),
    ("8x6", "Asia/Kolkata", "IN", None),
    ("12x7", "Asia/Tokyo", "JP", None),
    ("Mon-Fri 08:00-12:00, 13:00-17:00", "Europe/Paris", "FR", None),
    ("Mon-Fri 08:00-18:00; Sat 09:00-13:00", "Europe/Madrid", "ES", "MD"),
    ("8x5", "America/Chicago", "US", "TX"),
    ("10x5", "Europe/Dublin", "IE", None),
    ("Mon-Thu 07:30-17:30; Fri 07:30-12:00", "Europe/Amsterdam", "NL", None),
    ("8x5", "America/Sao_Paulo", "BR", None),
    ("12x5", "Asia/Singapore", "SG", None),
    ("9x5", "Europe/Zurich", "CH", "ZH"),
    ("8x5", "Africa/Johannesburg", "ZA", None),
    ("10x5", "America/Toronto", "CA", "ON"),
    ("Sun-Thu 08:00-17:00", "Asia/Jerusalem", "IL", None),
    ("24x7", "Europe/London", None, None),
    ("24x7", "America/New_York", "US", None),
    ("Mon-Fri 22:00-06:00", "Europe/Warsaw", "PL", None),
]


def build_calendars() -> dict[str, Calendar]:
    return {
        f"K{i:02d}": Calendar.from_spec(spec, tz, country=country, subdivision=sub, years=YEARS)
        for i, (spec, tz, country, sub) in enumerate(CONTRACT_CALENDARS)
    }


def make_data(
    n: int, keys: list[str], rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets over 2020..mid-2025 with mixed targets; ~1.2 pauses per ticket on average."""
    lo = pd.Timestamp("2020-01-01", tz="UTC").value // 1000
    hi = pd.Timestamp("2025-06-30", tz="UTC").value // 1000
    created = rng.integers(lo, hi, n) // 1_000_000 * 1_000_000  # whole seconds
    hour = 3_600_000_000
    second = 1_000_000
    # whole seconds: businesstimedelta truncates sub-second parts of its results
    response = created + (rng.exponential(2.0 * 3600, n)).astype(np.int64) * second
    resolved = created + (rng.exponential(30.0 * 3600, n)).astype(np.int64) * second + hour
    open_ = rng.random(n) < 0.05
    no_resp = rng.random(n) < 0.03
    as_time = lambda us: pd.DatetimeIndex(us.astype("datetime64[us]")).tz_localize("UTC")  # noqa: E731
    tickets = pd.DataFrame(
        {
            "ticket_id": np.arange(n),
            "calendar_key": np.array(keys)[rng.integers(0, len(keys), n)],
            "created_at": as_time(created),
            "first_response_at": as_time(np.where(no_resp, np.iinfo(np.int64).min, response)),
            "resolved_at": as_time(np.where(open_, np.iinfo(np.int64).min, resolved)),
            "response_target_min": rng.choice([15.0, 30.0, 60.0, 120.0, 240.0], n),
            "resolution_target_min": rng.choice([240.0, 480.0, 960.0, 1440.0, 2880.0], n),
            "warning_share": 0.75,
        }
    )
    counts = rng.choice([0, 1, 2, 3], n, p=[0.45, 0.2, 0.2, 0.15])  # mean 1.05 ...
    counts[rng.random(n) < 0.05] += 3  # ... plus a long tail: ~1.2 per ticket
    owner = np.repeat(np.arange(n), counts)
    span = np.where(open_, created + 200 * hour, resolved)[owner] - created[owner]
    start = created[owner] + (rng.random(len(owner)) * span).astype(np.int64)
    end = start + (rng.exponential(6.0, len(owner)) * hour).astype(np.int64)
    end = np.where(rng.random(len(owner)) < 0.01, np.iinfo(np.int64).min, end)  # still paused
    pauses = pd.DataFrame({"ticket_id": owner, "start": as_time(start), "end": as_time(end)})
    return tickets, pauses


def baseline_rules(cal: Calendar):  # noqa: ANN201 - businesstimedelta has no types
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(cal.tz)
    by_window: dict[tuple[int, int], list[int]] = {}
    for day, windows in enumerate(cal.hours):
        for window in windows:
            by_window.setdefault(window, []).append(day)
    rules = [
        btd.WorkDayRule(
            start_time=clock_time(s // 60, s % 60),
            end_time=clock_time(e // 60, e % 60),
            working_days=days,
            tz=tz,
        )
        for (s, e), days in by_window.items()
    ]
    rules.append(btd.HolidayRule(set(cal.holidays), tz=tz))
    return btd.Rules(rules)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    t0 = time.perf_counter()
    calendars = build_calendars()
    t1 = time.perf_counter()
    for cal in calendars.values():
        _ = cal.table
    t2 = time.perf_counter()
    print(
        f"calendars: {len(calendars)} built in {t1 - t0:.2f} s (holidays resolved), "
        f"window tables {1000 * (t2 - t1):.0f} ms for {len(YEARS)} years each"
    )

    tickets, pauses = make_data(args.tickets, list(calendars), rng)
    now = pd.Timestamp("2025-07-01", tz="UTC").to_pydatetime()
    print(f"data: {len(tickets):,} tickets, {len(pauses):,} pauses")
    t0 = time.perf_counter()
    result = evaluate(tickets, pauses, calendars=calendars, now=now)
    bulk = time.perf_counter() - t0
    target = 5.0 * len(tickets) / 1_000_000
    print(
        f"bulk evaluate (both metrics): {bulk:.2f} s "
        f"[target <= {target:.1f} s: {'met' if bulk <= target else 'MISSED'}]"
    )
    states = result.groupby(["metric", "state"], observed=True).size().unstack(fill_value=0)
    print(states.to_string())

    # Sample: resolved, never paused, on calendars the baseline can express.
    paused_ids = np.unique(pauses["ticket_id"].to_numpy())
    wall = {k for k, c in calendars.items() if c.hours == (((0, 1440),),) * 7}
    overnight = {k for k, c in calendars.items() if any(w[1] == 1440 for d in c.hours for w in d)}
    pool = tickets[
        tickets["resolved_at"].notna()
        & ~tickets["ticket_id"].isin(paused_ids)
        & ~tickets["calendar_key"].isin(wall | overnight)
    ]
    sample = pool.sample(min(args.sample, len(pool)), random_state=args.seed)
    t0 = time.perf_counter()
    a_us, _ = to_us(sample["created_at"])
    b_us, _ = to_us(sample["resolved_at"])
    ours = np.empty(len(sample))
    for key, idx in sample.groupby("calendar_key").indices.items():
        cal = calendars[key]
        ours[idx] = (cal.clock_us(b_us[idx]) - cal.clock_us(a_us[idx])) / 60e6
    engine = time.perf_counter() - t0

    rules = {k: baseline_rules(calendars[k]) for k in sample["calendar_key"].unique()}
    starts = sample["created_at"].dt.to_pydatetime()
    ends = sample["resolved_at"].dt.to_pydatetime()
    keys = sample["calendar_key"].to_numpy()
    t0 = time.perf_counter()
    theirs = np.array(
        [
            rules[k].difference(a, b).timedelta.total_seconds() / 60
            for k, a, b in zip(keys, starts, ends, strict=True)
        ]
    )
    baseline = time.perf_counter() - t0

    bulk_view = result[result["metric"] == "resolution"].set_index("ticket_id")["elapsed_min"]
    from_bulk = bulk_view.loc[sample["ticket_id"]].to_numpy()
    off = np.abs(ours - theirs) >= 1
    off_bulk = np.abs(from_bulk - theirs) >= 1
    ratio = baseline / engine
    print(f"sample: {len(sample):,} resolved unpaused tickets on {len(rules)} office calendars")
    print(
        f"  engine {1000 * engine:.1f} ms, businesstimedelta {baseline:.2f} s, "
        f"ratio {ratio:,.0f}x [target >= 100x: {'met' if ratio >= 100 else 'MISSED'}]"
    )
    print(
        f"  disagreements to the minute: {int(off.sum())} (pairwise), "
        f"{int(off_bulk.sum())} (bulk); max |diff| {np.max(np.abs(ours - theirs)) * 60:.3f} s"
    )
    if off.any() or off_bulk.any():
        bad = (
            sample[off | off_bulk]
            .head(5)
            .assign(ours=ours[off | off_bulk][:5], theirs=theirs[off | off_bulk][:5])
        )
        print(
            bad[
                ["ticket_id", "calendar_key", "created_at", "resolved_at", "ours", "theirs"]
            ].to_string()
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
