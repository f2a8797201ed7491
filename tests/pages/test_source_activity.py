"""SLA dashboard: each webhook source's last delivery, and a warning when one went quiet."""

from datetime import UTC, datetime, timedelta

from db.engine import open_store, session_scope
from db.models import InboundEvent
from tests.pages.conftest import MANAGER, page, private_copy, serving


def test_dashboard_shows_last_delivery_and_quiet_source(demo_url, tmp_path, monkeypatch):
    url = private_copy(demo_url, tmp_path)
    now = datetime.now(UTC)
    with session_scope(open_store(url)) as s:
        for i, (source, ago) in enumerate((("zendesk", 180), ("generic", 5))):
            s.add(InboundEvent(receipt_id=f"r{i}", source=source, event_id=f"e{i}",
                               received_at=now - timedelta(minutes=ago), payload="{}",
                               status="applied"))  # fmt: skip
    with serving(url, monkeypatch):
        at = page("pages/sla_dashboard.py", url, user=MANAGER).run(timeout=120)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "generic 5 min ago" in captions and "zendesk 3 h ago" in captions
    quiet = [w.value for w in at.warning if "gone quiet" in w.value]
    assert quiet and all("zendesk" in w for w in quiet) and "generic" not in " ".join(quiet)
