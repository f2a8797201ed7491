"""SLA engine speed: the bulk path over 1M tickets against `businesstimedelta` per ticket.

Times `sla.clock.evaluate` itself on 1M tickets (~1.2M pauses, both metrics; best of
--repeat runs), then computes a random sample of every kind of ticket with the peer, one
call per covered interval: paused and never paused, open and resolved, response and
resolution, office-hours, overnight and 24x7 calendars. Prints the peer's cost per ticket,
the ratio of what it would take for all tickets to the bulk time (target >= 1,000x; bulk
target <= 1.0 s per 1M), and the disagreements to the minute per kind. Exits 1 on any.

    .venv/bin/python bench/sla_speed.py [--tickets 1000000] [--sample 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sla.calendar import Calendar  # noqa: E402
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
            "pause_response": rng.random(n) < 0.3,  # pauses stop the response clock too
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
    """The calendar as businesstimedelta rules: one WorkDayRule per distinct window, a
    HolidayRule in the calendar's zone (its default is UTC, which moves days off). A window
    closing at midnight (24x7, overnight) ends at 23:59:59.999999: 00:00-00:00 loops forever.
    """
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(cal.tz)
    by_window: dict[tuple[int, int], list[int]] = {}
    for day, windows in enumerate(cal.hours):
        for window in windows:
            by_window.setdefault(window, []).append(day)

    def at(minute: int) -> clock_time:
        return clock_time(23, 59, 59, 999999) if minute >= 1440 else clock_time(*divmod(minute, 60))

    rules = [
        btd.WorkDayRule(start_time=at(s), end_time=at(e), working_days=days, tz=tz)
        for (s, e), days in by_window.items()
    ]
    if cal.holidays:  # an empty HolidayRule fails
        rules.append(btd.HolidayRule(set(cal.holidays), tz=tz))
    return btd.Rules(rules)


def reference(tickets: pd.DataFrame, pauses: pd.DataFrame, rules: dict, now) -> pd.DataFrame:  # noqa: ANN001
    """Both metrics' covered minutes per ticket, one businesstimedelta call per interval.

    The clock's stated rules (sla.clock): a metric runs from creation to its stop (response:
    first response, else resolution; open: now), minus the covered time of the merged pauses
    inside it (response only where pause_response); an open pause runs to the stop.
    """

    def covered(r, a, b) -> float:  # noqa: ANN001
        return r.difference(a, b).timedelta.total_seconds() / 60 if b > a else 0.0

    by_ticket = {k: g for k, g in pauses.groupby("ticket_id")}
    rows = []
    for t in tickets.itertuples(index=False):
        r = rules[t.calendar_key]
        created = t.created_at.to_pydatetime()
        resolved = None if pd.isna(t.resolved_at) else t.resolved_at.to_pydatetime()
        answered = None if pd.isna(t.first_response_at) else t.first_response_at.to_pydatetime()
        spans = []
        if t.ticket_id in by_ticket:
            p = by_ticket[t.ticket_id].sort_values("start")
            for s, e in zip(p["start"], p["end"], strict=True):
                s = max(s.to_pydatetime(), created)
                e = datetime.max.replace(tzinfo=UTC) if pd.isna(e) else e.to_pydatetime()
                if spans and s <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], e)
                elif e > s:
                    spans.append([s, e])
        for metric, stop, paused in (
            ("response", answered or resolved, bool(t.pause_response)),
            ("resolution", resolved, True),
        ):
            until = stop if stop is not None else max(now, created)
            minutes = covered(r, created, until)
            if paused:
                minutes -= sum(covered(r, s, min(e, until)) for s, e in spans if s < until)
            rows.append((t.ticket_id, metric, minutes))
    return pd.DataFrame(rows, columns=["ticket_id", "metric", "elapsed_min"])


def _kind(sample: pd.DataFrame, paused_ids: np.ndarray, calendars: dict) -> pd.Series:
    wall = {k for k, c in calendars.items() if c.hours == (((0, 1440),),) * 7}
    night = {k for k, c in calendars.items() if any(w[0] == 0 for d in c.hours for w in d)}
    night -= wall
    kinds = pd.Series("office hours", index=sample.index)
    kinds[sample["calendar_key"].isin(night)] = "overnight"
    kinds[sample["calendar_key"].isin(wall)] = "24x7"
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="bulk runs; the best is kept")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    t0 = time.perf_counter()
    calendars = build_calendars()
    for cal in calendars.values():
        _ = cal.table
    print(f"calendars: {len(calendars)} built in {time.perf_counter() - t0:.2f} s")
    tickets, pauses = make_data(args.tickets, list(calendars), rng)
    now = pd.Timestamp("2025-07-01", tz="UTC").to_pydatetime()
    print(f"data: {len(tickets):,} tickets, {len(pauses):,} pauses")
    runs, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = evaluate(tickets, pauses, calendars=calendars, now=now)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    bulk = min(runs)
    target = 1.0 * len(tickets) / 1_000_000
    print(
        f"bulk evaluate, both metrics: best {bulk:.2f} s of {', '.join(f'{r:.2f}' for r in runs)}"
        f" wall; best {min(cpu):.2f} CPU-s of {', '.join(f'{c:.2f}' for c in cpu)}"
        f" [target <= {target:.1f} s: {'met' if bulk <= target else 'MISSED'}]"
        f" (load average {Path('/proc/loadavg').read_text().split()[0]})"
    )
    states = result.groupby(["metric", "state"], observed=True).size().unstack(fill_value=0)
    print(states.to_string())

    # The peer, per ticket, on a random sample of every kind of ticket.
    sample = tickets.sample(min(args.sample, len(tickets)), random_state=args.seed)
    mine = pauses[pauses["ticket_id"].isin(sample["ticket_id"])]
    rules = {k: baseline_rules(calendars[k]) for k in sample["calendar_key"].unique()}
    t0 = time.perf_counter()
    theirs = reference(sample, mine, rules, now)
    peer = (time.perf_counter() - t0) / len(sample)
    ratio = peer * len(tickets) / bulk
    print(
        f"businesstimedelta: {1000 * peer:.2f} ms per ticket (both metrics, pauses), so "
        f"{peer * len(tickets):,.0f} s for {len(tickets):,}; bulk path {ratio:,.0f}x faster "
        f"[target >= 1,000x: {'met' if ratio >= 1000 else 'MISSED'}]"
    )

    ours = result.set_index(["ticket_id", "metric"])["elapsed_min"]
    theirs["ours"] = ours.loc[
        list(zip(theirs["ticket_id"], theirs["metric"], strict=True))
    ].to_numpy()
    diff = (theirs["ours"] - theirs["elapsed_min"]).abs()
    info = sample.set_index("ticket_id")
    paused_ids = np.unique(mine["ticket_id"].to_numpy())
    kinds = _kind(sample, paused_ids, calendars).set_axis(sample["ticket_id"])
    theirs["calendar"] = kinds.loc[theirs["ticket_id"]].to_numpy()
    theirs["paused"] = np.where(theirs["ticket_id"].isin(paused_ids), "paused", "never paused")
    theirs["open"] = np.where(
        info.loc[theirs["ticket_id"], "resolved_at"].isna().to_numpy(), "open", "resolved"
    )
    theirs["off"] = diff >= 1
    print(f"exactness on {len(sample):,} sampled tickets (disagreements to the minute / checked):")
    for column in ("metric", "calendar", "paused", "open"):
        counts = theirs.groupby(column)["off"].agg(["sum", "size"])
        print(f"  {column:<9}" + "; ".join(f"{k} {s}/{n}" for k, (s, n) in counts.iterrows()))
    print(f"  max |diff| {diff.max() * 60:.3f} s")
    if theirs["off"].any():
        print(theirs[theirs["off"]].head(5).to_string())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
