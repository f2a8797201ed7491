"""Entitlement speed: the vectorised sla.check_entitlement against the row-by-row reference.

Times the new implementation on all items (target < 2 s for 200k items x 300 contracts),
then the reference (the previous implementation, kept in
tests/sla/entitlement_reference.py) on a sample, scaled linearly to the full size,
checks both agree on the sample and prints the ratio. Exits 1 when they disagree.

    .venv/bin/python bench/entitlement_speed.py [--items 200000] [--contracts 300]
        [--sample 5000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sla.entitlement import check_entitlement  # noqa: E402
from tests.sla.entitlement_reference import _reference_check_entitlement  # noqa: E402
from tests.sla.test_entitlement_vectorised import make_case  # noqa: E402

TARGET_S = 2.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--contracts", type=int, default=300)
    ap.add_argument("--sample", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    items, contracts, cals = make_case(args.seed, args.items, args.contracts)
    for cal in cals.values():
        _ = cal.table  # window tables are built once per calendar, not per call
    print(
        f"{len(items):,} items, {len(contracts):,} contracts, "
        f"{contracts['client_id'].nunique():,} clients with contracts, {len(cals)} calendars"
    )

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        new = check_entitlement(items, contracts, calendars=cals)
        times.append(time.perf_counter() - t0)
    new_s = min(times)
    verdict = "ok" if new_s < TARGET_S else "OVER TARGET"
    print(
        f"new (vectorised):   {new_s:8.3f} s  best of {args.repeat} "
        f"(target < {TARGET_S} s: {verdict})"
    )

    sample = items.sample(min(args.sample, len(items)), random_state=args.seed)
    t0 = time.perf_counter()
    old = _reference_check_entitlement(sample, contracts, calendars=cals)
    old_sample_s = time.perf_counter() - t0
    old_s = old_sample_s * len(items) / len(sample)
    print(
        f"old (reference):    {old_s:8.3f} s  scaled from {old_sample_s:.3f} s "
        f"on {len(sample):,} items"
    )
    print(f"ratio old/new:      {old_s / new_s:8.1f}x")

    try:
        pd.testing.assert_frame_equal(check_entitlement(sample, contracts, calendars=cals), old)
        pd.testing.assert_frame_equal(new.loc[sample.index], old)
    except AssertionError as exc:
        print(f"DISAGREE on the sample: {exc}", file=sys.stderr)
        return 1
    print(f"sample agrees: {len(sample):,} rows identical (outcome, contract_id, reason)")
    print(new["outcome"].value_counts().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
