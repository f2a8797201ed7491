"""Every kind of unusable upload fails with its own error and a message that says what to do."""

from __future__ import annotations

import shutil

import pytest

from extraction import (
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    ExtractionError,
    NotAPdf,
    NoTextLayer,
    TooLarge,
    extract,
)
from tests.extraction.conftest import DATA


@pytest.mark.parametrize(
    ("name", "error", "says"),
    [
        ("empty.pdf", EmptyFile, "empty (0 bytes)"),
        ("really_a_png.pdf", NotAPdf, "not a PDF (it looks like a PNG image)"),
        ("truncated.pdf", CorruptPdf, "cut off"),
        ("encrypted.pdf", EncryptedPdf, "Enter its password"),
    ],
)
def test_bad_file_raises_its_error(name, error, says):
    with pytest.raises(error) as caught:
        extract(DATA / name)
    assert isinstance(caught.value, ExtractionError)
    assert says in str(caught.value)
    assert str(caught.value).startswith(f"{name}: ")


def test_text_file_renamed_pdf_is_read_as_text_and_says_so():
    terms = extract(DATA / "really_text.pdf")
    assert terms.source == "text" and "plain text note" in terms.pages[0]
    assert terms.warnings[0] == (
        "The file is named really_text.pdf but is plain text, not a PDF; it was read as "
        "plain text."
    )


def test_bytes_input_is_checked_by_magic_not_name():
    with pytest.raises(NotAPdf, match="PNG image"):
        extract((DATA / "really_a_png.pdf").read_bytes())


def test_scan_without_ocr_tool_says_it_needs_ocr(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without ocrmypdf
    with pytest.raises(NoTextLayer, match="no text layer: needs OCR"):
        extract(DATA / "scanned.pdf")


def test_scan_is_ocred_when_the_tool_exists():
    assert shutil.which("ocrmypdf"), "test.sh installs ocrmypdf (Debian) for this test"
    terms = extract(DATA / "scanned.pdf")
    assert terms.ocr_applied is True
    assert "Agreement" in terms.pages[0]


def test_wrong_password_is_told_apart():
    with pytest.raises(EncryptedPdf, match="password is wrong") as caught:
        extract(DATA / "encrypted.pdf", password="guess")
    assert caught.value.wrong_password is True


def test_right_password_extracts():
    terms = extract(DATA / "encrypted.pdf", password="desk-2024")
    assert terms.page_count >= 1
    assert terms.governing_law is not None
    assert terms.sla_targets.normalized["P1"]["response"]["unit"] in ("minute", "hour")


def test_too_large_for_path_and_bytes():
    data = (DATA / "managed_services.pdf").read_bytes()
    with pytest.raises(TooLarge, match="above the 0 MB limit"):
        extract(data, max_bytes=1000)
    with pytest.raises(TooLarge):
        extract(DATA / "managed_services.pdf", max_bytes=1000)


def test_good_fixture_still_reads():
    terms = extract(DATA / "managed_services.pdf")
    assert terms.document_type.normalized == "managed services agreement"


def test_a_failing_ocr_tool_shows_no_command_line_or_paths(monkeypatch, tmp_path):
    """Issue 18: an OCR tool that crashes loudly (its command line and temp paths on stderr)
    leaves the uploader a plain message, nothing of the server's internals."""
    tool = tmp_path / "ocrmypdf"
    tool.write_text('#!/bin/sh\necho "ocrmypdf $* failed in /srv/secret/tmp" >&2\nexit 2\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    data = (DATA / "scanned.pdf").read_bytes()
    with pytest.raises(ExtractionError) as caught:
        extract(data, name="scan.pdf")
    message = str(caught.value)
    assert message.startswith("scan.pdf") and "needs OCR" in message
    for leak in ("/srv", "failed in", str(tmp_path), "--force-ocr", "--pages"):
        assert leak not in message, message
