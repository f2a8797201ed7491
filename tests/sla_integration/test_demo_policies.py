"""The demo's tier policies are the SLA package defaults (the dashboard numbers rely on it)."""

from demo.catalogue import TIER_24X7_P1, TIER_TARGETS
from sla.policy import TIER_DEFAULTS


def test_demo_tier_targets_match_package_defaults():
    for tier, targets in TIER_DEFAULTS.items():
        for t in targets:
            assert TIER_TARGETS[tier][t.priority] == (t.response_minutes, t.resolution_minutes)
            assert (t.calendar == "24x7") == (tier in TIER_24X7_P1 and t.priority == "P1")
