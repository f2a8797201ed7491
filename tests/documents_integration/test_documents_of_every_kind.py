"""Issue 13 items 2-4 and Bad input through the store, on SQLite and PostgreSQL: DOCX and
Markdown uploads with paragraph and line provenance, suggestions stored apart from values
and taken only when the reviewer picks them, scanned, slow and huge files each failing with
their own message while the file is kept and nothing half-extracted is stored."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from db.documents.batch import store_many
from db.documents.review import document_review, pick_suggestion
from db.documents.upload import store_upload
from db.models import AuditEntry, ContractDocument, ExtractedTerm, Setting, TermSuggestion
from extraction.worker import stop_idle
from tests.document_files import MARKDOWN, long_pdf, scanned_pdf, tracked_docx
from tests.documents_integration.conftest import DATA
from tests.factories import ADMIN

UNSTATED = (
    "# SERVICES AGREEMENT\n\nThis Services Agreement is dated March 3, 2020 between Acme Inc.\n"
    "and Beta LLC. Acme shall provide support services to Beta.\n"
)


def _store(session, name, data):
    return store_upload(session=session, actor=ADMIN, filename=name, data=data)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _kept_and_empty(session, r, data):
    doc = session.get(ContractDocument, r.document_id)
    assert doc.content == data and doc.extraction_status == "failed"
    assert doc.extraction_error == r.message and not doc.text
    assert _count(session, ExtractedTerm) == 0 and _count(session, TermSuggestion) == 0


@pytest.fixture
def no_ocr(tmp_path, monkeypatch):
    """A machine without ocrmypdf, for new workers (kept ones keep the PATH they had)."""
    stop_idle()
    monkeypatch.setenv("PATH", str(tmp_path))
    yield
    stop_idle()


def test_docx_is_stored_with_paragraph_locations_and_its_tracked_change_warning(session, tmp_path):
    data = tracked_docx(tmp_path / "msa.docx").read_bytes()
    r = _store(session, "msa.docx", data)
    assert r.status == "ok", r.message
    assert r.message.startswith("msa.docx: 7 paragraphs, ")
    doc = session.get(ContractDocument, r.document_id)
    [warning] = doc.extraction_warnings
    assert warning.startswith("The Word file has tracked changes not yet accepted")
    assert f"msa.docx: {warning}" in r.warnings
    law = session.scalar(
        select(ExtractedTerm).where(
            ExtractedTerm.document_id == doc.id, ExtractedTerm.field == "governing_law"
        )
    )
    assert (law.normalized, law.location) == ("New York", "paragraph 3")
    review = document_review(session=session, actor=ADMIN, document_id=doc.id)
    assert review.source == "docx" and review.warnings == [warning]
    row = review.terms[review.terms["field"] == "governing_law"].iloc[0]
    assert row.location == "paragraph 3"


def test_markdown_suggestion_is_stored_apart_and_applied_only_when_picked(session):
    data = UNSTATED.encode()
    r = _store(session, "services.md", data)
    assert r.status == "ok", r.message
    assert r.message.endswith(", 1 suggestion to review.")
    fields = set(
        session.scalars(
            select(ExtractedTerm.field).where(ExtractedTerm.document_id == r.document_id)
        )
    )
    assert "agreement_date" in fields and "effective_date" not in fields
    [suggestion] = session.scalars(select(TermSuggestion)).all()
    assert (suggestion.field, suggestion.normalized) == ("effective_date", "2020-03-03")
    assert suggestion.location == "line 3" and suggestion.picked_term_id is None
    review = document_review(session=session, actor=ADMIN, document_id=r.document_id)
    assert list(review.suggestions["field"]) == ["effective_date"]
    assert "effective_date" not in set(review.terms["field"])
    term = pick_suggestion(session=session, actor=ADMIN, suggestion_id=suggestion.id)
    assert (term.field, term.review_state, term.location) == (
        "effective_date",
        "accepted",
        "line 3",
    )
    assert session.get(TermSuggestion, suggestion.id).picked_term_id == term.id
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "pick_suggestion"))
    assert audit.entity_id == term.id
    with pytest.raises(ValueError, match="already taken"):
        pick_suggestion(session=session, actor=ADMIN, suggestion_id=suggestion.id)
    review = document_review(session=session, actor=ADMIN, document_id=r.document_id)
    assert review.suggestions.empty and "effective_date" in set(review.terms["field"])


def test_mostly_scanned_pdf_without_ocr_is_kept_not_read(session, tmp_path, no_ocr):
    data = scanned_pdf(tmp_path / "scan.pdf", "t" + "s" * 26).read_bytes()
    r = _store(session, "scan.pdf", data)
    assert (r.status, r.error_code) == ("failed", "partly_scanned")
    assert r.message.startswith("scan.pdf: 26 of its 27 pages (pages 2-27) are scanned images")
    _kept_and_empty(session, r, data)


def test_ocr_budget_setting_stops_ocr_and_names_itself(session, tmp_path):
    session.add(Setting(key="upload.ocr_seconds", value=1))
    session.flush()
    # ten scanned pages: more OCR than any machine does in a second
    data = scanned_pdf(tmp_path / "scan.pdf", "t" + "i" * 10).read_bytes()
    started = time.monotonic()
    r = _store(session, "scan.pdf", data)
    assert time.monotonic() - started < 30
    assert (r.status, r.error_code) == ("failed", "ocr_timeout")
    assert "within the 1-second budget (setting upload.ocr_seconds)" in r.message
    _kept_and_empty(session, r, data)


def test_a_killed_extraction_fails_its_file_only_and_the_next_upload_works(session, tmp_path):
    session.add_all(
        [
            Setting(key="upload.ocr_seconds", value=1),
            Setting(key="upload.extract_seconds", value=1),
        ]
    )
    session.flush()
    data = long_pdf(tmp_path / "dense.pdf", 150, dense=True).read_bytes()
    r = _store(session, "dense.pdf", data)
    assert (r.status, r.error_code) == ("failed", "extraction_timeout")
    assert r.message.startswith("dense.pdf: reading it took longer than the 2-second limit")
    _kept_and_empty(session, r, data)
    for key in ("upload.ocr_seconds", "upload.extract_seconds"):
        session.delete(session.get(Setting, key))
    session.flush()
    ok = _store(session, "msa.pdf", (DATA / "managed_services.pdf").read_bytes())
    assert ok.status == "ok", ok.message


def test_2000_page_pdf_is_refused_with_its_page_count_single_and_in_a_batch(
    session, engine, tmp_path
):
    data = long_pdf(tmp_path / "huge.pdf", 2000).read_bytes()
    started = time.monotonic()
    r = _store(session, "huge.pdf", data)
    assert time.monotonic() - started < 10
    assert (r.status, r.error_code) == ("failed", "too_many_pages")
    assert "2000 pages, above the 500-page limit" in r.message
    _kept_and_empty(session, r, data)
    session.commit()
    other = long_pdf(tmp_path / "huge2.pdf", 2001).read_bytes()
    docx = tracked_docx(tmp_path / "msa.docx").read_bytes()
    results = store_many(
        engine_or_session_factory=engine,
        actor=ADMIN,
        files=[("huge2.pdf", other), ("msa.docx", docx), ("terms.md", MARKDOWN.encode())],
    )
    assert [x.status for x in results] == ["failed", "ok", "ok"]
    assert "2001 pages" in results[0].message
    assert results[2].message.startswith("terms.md: 14 lines, ")
