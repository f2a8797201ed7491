"""How long a failed login takes for a known user, an unknown one, a locked address and an
admin with a second factor (issue 18): the answers must not tell real usernames apart.

One command: `.venv/bin/python bench/login_timing.py [--rounds 15]`

Baseline, measured in the same run: a wrong password for a known user. Each case prints its
median in ms and its ratio to the baseline (near 1.0 is the goal). A throwaway SQLite store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("CONTRACT_DESK_SECRET_KEY", "bench-only-key")

    import pyotp

    from access.roles import SYSTEM
    from db.engine import open_store, session_scope
    from db.login_throttle import unlock, unlock_address
    from db.second_factor import enrol, new_secret
    from db.users import LoginLocked, actor_for, authenticate, create_user

    folder = tempfile.mkdtemp()
    engine = open_store(f"sqlite:///{folder}/bench.db")
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        boss = create_user(
            session=s, username="boss", password="boss-pass-long", role="admin", actor=None
        )
        create_user(
            session=s, username="ada", password="ada-pass-long", role="manager", actor=SYSTEM
        )
        secret = new_secret()
        enrol(
            session=s,
            actor=actor_for(session=s, user=boss),
            secret=secret,
            code=pyotp.TOTP(secret).at(now),
            now=now,
        )

    def timed(username: str, password: str, address: str | None) -> float:
        with session_scope(engine) as s:
            t = time.perf_counter()
            try:
                authenticate(
                    session=s,
                    username=username,
                    password=password,
                    address=address,
                    code="000000",
                    now=now + timedelta(minutes=5),
                )
            except LoginLocked:
                pass
            elapsed = time.perf_counter() - t
            unlock(session=s, actor=SYSTEM, username=username)
            if address != "203.0.113.66":
                unlock_address(session=s, actor=SYSTEM, address=address or "")
        return elapsed * 1000

    cases = {
        "known user, wrong password (baseline)": ("ada", "wrong-password", None),
        "unknown user": ("nobody-here", "wrong-password", None),
        "admin with second factor, right password, wrong code": ("boss", "boss-pass-long", None),
        "locked address": ("ada", "wrong-password", "203.0.113.66"),
    }
    for i in range(25):  # lock 203.0.113.66 for the last case
        timed(f"probe{i}", "x" * 12, "203.0.113.66")
    results = {}
    for _ in range(args.rounds):  # interleaved, so load on the machine hits every case alike
        for name, case in cases.items():
            results.setdefault(name, []).append(timed(*case))
    base = statistics.median(results["known user, wrong password (baseline)"])
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:55s} {median:7.1f} ms   x{median / base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
