"""Issue 13 items 2-3 and Bad input: documents of every kind and quality, read from real
files (fpdf2 PDFs, python-docx DOCX, Markdown): doubled glyph layers repaired in text and
table cells, scanned pages OCRed or named, DOCX tracked changes read as accepted, text and
Markdown with line provenance, the OCR budget and the worker's time limit enforced."""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from extraction import ExtractionError, NoTextLayer, extract, extract_many
from extraction.errors import ExtractionTimeout, OcrTimeout, PartlyScanned
from extraction.pdf import read_pdf
from extraction.quality import page_list, undouble
from extraction.worker import Limits, Worker, extract_isolated
from tests.document_files import MARKDOWN, doubled, doubled_pdf, long_pdf, scanned_pdf, tracked_docx
from tests.extraction.conftest import DATA


def _children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and " Z " not in stat:
                out.append(int(entry.name))
    return out


@pytest.mark.parametrize("k", [2, 3, 4])
def test_doubled_lines_are_read_once_and_normal_text_is_untouched(k):
    line = "United States of America, 1 hour"
    assert undouble(doubled(line, k)) == line
    normal = "Mississippi bookkeeper: committee, 2000 Ltd.\nAAA-rated"
    assert undouble(normal) == normal
    assert undouble(f"{doubled('Heading', k)}\n{normal}") == f"Heading\n{normal}"


def test_page_lists_are_short():
    assert page_list([2, 3, 4, 7, 26, 27]) == "2-4, 7, 26-27"


def test_doubled_text_layer_is_repaired_in_text_and_table_cells(tmp_path):
    terms = extract(doubled_pdf(tmp_path / "bold.pdf"))
    page = terms.pages[0]
    assert "MANAGED SERVICES" in page and "MMMM" not in page
    assert "Globex Corporation" in " ".join(page.split()) and "P1 1 hour 4 hours" in page
    assert terms.tables[0].rows == [
        ["Priority", "Response", "Resolution"],
        ["P1", "1 hour", "4 hours"],
    ]
    assert terms.document_type.value == "MANAGED SERVICES AGREEMENT"
    assert terms.agreement_date.normalized == "2024-03-01"
    assert terms.governing_law.normalized == "New York"
    assert terms.warnings == [
        'The text on page 1 of 1 had every character printed several times ("UUnnii" for '
        '"Uni"); it was repaired. Check names and numbers.'
    ]


def test_partly_scanned_pdf_without_ocr_names_its_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without ocrmypdf
    few = read_pdf(scanned_pdf(tmp_path / "few.pdf", "tsit").read_bytes())
    assert few.ocr_applied is False
    assert few.warnings == [
        "Scanned images without a text layer on pages 2-3 of 4 were not read (OCR is not "
        "available here): terms stated there are missing. Run the PDF through OCR and upload "
        "it again to read them."
    ]
    # 26 of 27 pages images: not reported as read from its one text page
    with pytest.raises(PartlyScanned) as caught:
        extract(scanned_pdf(tmp_path / "mostly.pdf", "t" + "s" * 26))
    assert str(caught.value).startswith("mostly.pdf: 26 of its 27 pages (pages 2-27) are scanned")
    assert "OCR is not available" in str(caught.value) and "the file is kept" in str(caught.value)
    with pytest.raises(NoTextLayer):
        extract(scanned_pdf(tmp_path / "all.pdf", "ii"))


def test_only_the_scanned_page_is_ocred_and_the_warning_names_it(tmp_path):
    assert shutil.which("ocrmypdf"), "test.sh installs ocrmypdf (Debian) for this test"
    content = read_pdf(scanned_pdf(tmp_path / "mixed.pdf", "ti").read_bytes())
    assert content.ocr_applied is True
    assert "monthly fee" in content.pages[1]
    assert content.pages[0].startswith("Page 1. This Managed Services Agreement")
    assert content.warnings == ["Scanned images on page 2 of 2 were read by OCR."]


def test_ocr_budget_stops_ocr_names_the_setting_and_leaves_no_process(tmp_path):
    assert shutil.which("ocrmypdf")
    data = scanned_pdf(tmp_path / "slow.pdf", "t" + "i" * 10).read_bytes()  # > 1 s on any machine
    started = time.monotonic()
    with pytest.raises(OcrTimeout) as caught:
        read_pdf(data, name="slow.pdf", ocr_seconds=1)
    assert time.monotonic() - started < 15
    message = str(caught.value)
    assert message.startswith("slow.pdf: OCR of its 10 scanned pages did not finish within the")
    assert "1-second budget (setting upload.ocr_seconds)" in message
    assert "ocrmypdf " not in message and "/tmp" not in message  # no command line, no paths
    ocr = [
        pid
        for pid in _children_of(os.getpid())
        if any(
            tool in Path(f"/proc/{pid}/cmdline").read_bytes()
            for tool in (b"ocrmypdf", b"tesseract")
        )
    ]
    assert ocr == []  # kept extraction workers may be children; no OCR run is


def test_docx_with_tracked_changes_reads_the_accepted_text_and_warns(tmp_path):
    terms = extract(tracked_docx(tmp_path / "tracked.docx"))
    assert terms.source == "docx" and terms.unit == "paragraph"
    text = "\n".join(terms.pages)
    assert "State of New York." in text and "Texas" not in text
    assert "three (3) years" in text
    assert terms.governing_law.normalized == "New York"
    assert terms.location(terms.governing_law) == "paragraph 3"
    assert terms.location(terms.agreement_date) == "paragraph 2"
    assert terms.tables[0].rows[1] == ["P1", "1 hour", "4 hours"]
    assert terms.warnings == [
        "The Word file has tracked changes not yet accepted (1 deletion, 2 insertions): the "
        "text was read as if every change were accepted. Check the terms against the signed "
        "version."
    ]
    assert terms.extent() == "7 paragraphs"
    assert terms.to_dict()["governing_law"]["location"] == "paragraph 3"


def test_markdown_and_text_give_line_provenance(tmp_path):
    path = tmp_path / "msa.md"
    path.write_text(MARKDOWN)
    terms = extract(path)
    assert terms.source == "text" and terms.unit == "line"
    assert terms.pages[0].startswith("MANAGED SERVICES AGREEMENT\n")  # no "# "
    assert terms.location(terms.governing_law) == "line 7"
    assert terms.location(terms.agreement_date) == "line 3"
    assert terms.tables[0].rows[0] == ["Priority", "Response", "Resolution"]
    assert len(terms.tables[0].rows) == 3  # the |---| separator is not a row
    plain = extract(path.read_bytes(), name="msa.txt")
    assert plain.location(plain.governing_law) == "line 7" and plain.warnings == []


def test_unreadable_and_mislabelled_files_say_what_they_are(tmp_path):
    with pytest.raises(ExtractionError, match=r"old Word or Excel file\), nor a Word"):
        extract(b"\xd0\xcf\x11\xe0" + b"\0" * 600, name="old.doc")
    with pytest.raises(ExtractionError, match=r"looks like a Word, Excel or ZIP file"):
        extract(b"PK\x03\x04" + b"\0" * 100, name="broken.docx")
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    with pytest.raises(
        ExtractionError, match=r"broken.docx: the document cannot be read \(the Word"
    ):
        extract(damaged.getvalue(), name="broken.docx")
    docx = tracked_docx(tmp_path / "x.docx").read_bytes()
    renamed = extract(docx, name="contract.pdf")
    assert renamed.warnings[0] == (
        "The file is named contract.pdf but is a Word (DOCX) file, not a PDF; it was read as "
        "a Word (DOCX) file."
    )


def test_a_worker_past_its_limit_is_killed_and_the_next_file_is_read(tmp_path):
    dense = long_pdf(tmp_path / "dense.pdf", 150, dense=True)
    worker = Worker()
    try:
        warm = worker.run(DATA / "managed_services.pdf", None, "warm.pdf", Limits())
        assert warm.governing_law.normalized == "California"
        pid = worker.pid
        started = time.monotonic()
        outcome = worker.run(dense, None, "dense.pdf", Limits(ocr_seconds=0.5, extract_seconds=1))
        assert time.monotonic() - started < 10
        assert isinstance(outcome, ExtractionTimeout)
        assert str(outcome).startswith("dense.pdf: reading it took longer than the 1.5-second")
        assert worker.pid is None and pid not in _children_of(os.getpid())  # killed and reaped
        again = worker.run(DATA / "managed_services.pdf", None, "managed_services.pdf", Limits())
        assert again.governing_law.normalized == "California"
        assert worker.pid not in (None, pid)  # a fresh worker
    finally:
        worker.stop()


def test_every_batch_size_runs_in_killable_workers(tmp_path):
    scan = scanned_pdf(tmp_path / "scan.pdf", "t" + "i" * 10)  # more OCR than a second's worth
    limits = Limits(ocr_seconds=1, extract_seconds=120)
    items = extract_many([DATA / "managed_services.pdf", scan], workers=1, limits=limits)
    assert items[0].ok and isinstance(items[1].error, OcrTimeout)
    assert str(items[1].error).startswith("scan.pdf: OCR of its 10 scanned pages")
    one = extract_isolated(scan.read_bytes(), name="scan.pdf", limits=limits)
    assert isinstance(one, OcrTimeout) and str(one).startswith("scan.pdf: ")
