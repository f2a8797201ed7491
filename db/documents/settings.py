"""Upload size, page and time limits and auto-accept confidence, from the settings table."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Setting
from extraction.pdf import OCR_SECONDS
from extraction.worker import EXTRACT_SECONDS, Limits

MAX_MB_KEY = "upload.max_mb"
MAX_PAGES_KEY = "upload.max_pages"
AUTO_ACCEPT_KEY = "review.auto_accept_confidence"
OCR_SECONDS_KEY = "upload.ocr_seconds"
EXTRACT_SECONDS_KEY = "upload.extract_seconds"
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


def extraction_limits(*, session: Session, max_bytes: int) -> tuple[Limits, list[str]]:
    """Per-document limits for a worker: `max_bytes`, the OCR time budget (setting
    upload.ocr_seconds) and the time for the rest (upload.extract_seconds); any warnings.
    A document past their sum is stopped by killing its worker."""
    ocr, ocr_warning = _number_setting(session, OCR_SECONDS_KEY, OCR_SECONDS, low=1, high=86_400)
    rest, rest_warning = _number_setting(
        session, EXTRACT_SECONDS_KEY, EXTRACT_SECONDS, low=1, high=86_400
    )
    limits = Limits(max_bytes=max_bytes, ocr_seconds=ocr, extract_seconds=rest)
    return limits, [w for w in (ocr_warning, rest_warning) if w]
