"""Upload size and page limits and auto-accept confidence, read from the settings table."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Setting

MAX_MB_KEY = "upload.max_mb"
MAX_PAGES_KEY = "upload.max_pages"
AUTO_ACCEPT_KEY = "review.auto_accept_confidence"
DEFAULT_MAX_MB = 50.0
DEFAULT_MAX_PAGES = 500
DEFAULT_AUTO_ACCEPT = 0.95


def _number_setting(
    session: Session, key: str, default: float, *, low: float, high: float
) -> tuple[float, str | None]:
    row = session.get(Setting, key)
    if row is None or row.value is None:
        return default, None
    raw = row.value
    try:
        value = float(raw) if not isinstance(raw, bool) else float("nan")
    except (TypeError, ValueError):
        value = float("nan")
    if not low <= value <= high:  # also refuses NaN
        return default, (
            f"Setting {key} is malformed ({raw!r}: expected a number from {low:g} to {high:g}); "
            f"the default {default:g} is used."
        )
    return value, None


def upload_limit(*, session: Session) -> tuple[int, str | None]:
    """Per-file size limit in bytes (setting upload.max_mb, default 50) and any warning."""
    mb, warning = _number_setting(session, MAX_MB_KEY, DEFAULT_MAX_MB, low=0.001, high=10_000)
    return int(mb * 1_000_000), warning


def page_limit(*, session: Session) -> tuple[int, str | None]:
    """Pages above which a PDF is kept but not extracted (setting upload.max_pages, default
    500) and any warning."""
    pages, warning = _number_setting(
        session, MAX_PAGES_KEY, DEFAULT_MAX_PAGES, low=1, high=1_000_000
    )
    return int(pages), warning


def auto_accept_threshold(*, session: Session) -> tuple[float, str | None]:
    """Confidence at or above which a term is auto-accepted (setting, default 0.95)."""
    return _number_setting(session, AUTO_ACCEPT_KEY, DEFAULT_AUTO_ACCEPT, low=0.0, high=1.0)
