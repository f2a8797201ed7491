"""The upload page cap (setting upload.max_pages, default 500): a longer PDF is kept, not
extracted (no text read, no OCR), and the message names its page count and the limit."""

from __future__ import annotations

import time

from fpdf import FPDF
from sqlalchemy import func, select

from db.documents.settings import DEFAULT_MAX_PAGES, page_limit
from db.documents.upload import retry_extraction, store_extracted, store_upload
from db.models import ContractDocument, ExtractedTerm, Setting
from tests.documents_integration.conftest import DATA
from tests.factories import ADMIN


def _pdf(tmp_path, pages: int) -> bytes:
    """A real multi-page PDF with text on every page, written to and read from tmp_path."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Managed services agreement - page {n} of {pages}")
    path = tmp_path / f"long-{pages}.pdf"
    pdf.output(str(path))
    return path.read_bytes()


def test_default_limit_is_500_pages(session):
    assert page_limit(session=session) == (DEFAULT_MAX_PAGES, None) == (500, None)


def test_600_page_pdf_is_kept_and_refused_with_its_page_count(session, tmp_path):
    data = _pdf(tmp_path, 600)
    started = time.perf_counter()
    r = store_upload(session=session, actor=ADMIN, filename="long.pdf", data=data)
    elapsed = time.perf_counter() - started
    assert (r.status, r.error_code) == ("failed", "too_many_pages")
    assert r.message.startswith("long.pdf: ")
    assert "600 pages" in r.message and "500-page limit" in r.message
    assert "upload.max_pages" in r.message
    doc = session.get(ContractDocument, r.document_id)
    assert doc.content == data and doc.size_bytes == len(data)
    assert (doc.extraction_status, doc.extraction_error) == ("failed", r.message)
    assert doc.text is None or doc.text == ""
    assert session.scalar(select(func.count()).select_from(ExtractedTerm)) == 0
    assert elapsed < 5, f"the page cap must refuse before reading pages ({elapsed:.1f} s)"
    # a retry is refused the same way: the cap is not a one-time check
    again = retry_extraction(session=session, actor=ADMIN, document_id=r.document_id)
    assert again.error_code == "too_many_pages" and "600 pages" in again.message


def test_limit_is_configurable_and_applies_to_pre_extracted_outcomes(session, tmp_path):
    session.add(Setting(key="upload.max_pages", value=3))
    session.flush()
    data = _pdf(tmp_path, 4)
    r = store_extracted(
        session=session,
        actor=ADMIN,
        filename="four.pdf",
        data=data,
        outcome=_outcome_that_must_not_be_used(),
    )
    assert r.error_code == "too_many_pages"
    assert "4 pages, above the 3-page limit" in r.message
    assert session.get(ContractDocument, r.document_id).content == data
    # a document at the limit is extracted as usual
    ok = store_upload(
        session=session,
        actor=ADMIN,
        filename="managed_services.pdf",
        data=(DATA / "managed_services.pdf").read_bytes(),
    )
    assert ok.status == "ok", ok.message


def test_malformed_page_setting_says_so_and_uses_the_default(session):
    session.add(Setting(key="upload.max_pages", value="lots"))
    session.flush()
    limit, warning = page_limit(session=session)
    assert limit == 500 and "upload.max_pages is malformed" in warning


def _outcome_that_must_not_be_used():
    from extraction import ExtractionError

    return ExtractionError("this outcome should have been replaced by the page cap")
