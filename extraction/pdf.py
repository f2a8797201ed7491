"""PDF bytes -> page texts (PDFium, every page) and tables (pdfplumber, only where needed).

PDFium reads ~1,000 pages/s; pdfplumber ~12/s with a table finder at ~14/s. So every page
gets the PDFium text layer, and pdfplumber only sees pages that look like they hold a
table (an SLA matrix header, a rate card, or ruled cells). Bad input fails early with an
ExtractionError subclass whose message tells the user what to do.
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extraction.content import Content
from extraction.errors import (
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    NotAPdf,
    NoTextLayer,
    OcrTimeout,
    PartlyScanned,
    TooLarge,
)
from extraction.quality import (
    is_doubled,
    is_image_page,
    page_list,
    undouble,
    undouble_rows,
    visible_chars,
)
from extraction.schema import Table

MAX_BYTES = 50 * 1024 * 1024
MIN_TEXT_CHARS = 20  # fewer visible characters in the whole file means "a scan"
OCR_SECONDS = 300.0  # default OCR time budget per document (the store's setting overrides it)
UNREAD_SHARE = 0.5  # above this share of image pages left unread, the document is not read
TABLE_PATHS = 12  # ruled cells draw many path objects

_TABLE_HEADER = re.compile(
    r"(?im)^.*\b(?:priority|severity|incident\s+level)\b.*\b(?:response|resolution|resolve|restore)"
    r"|^.*\b(?:role|resource|service|description|level|tier)\b.*\b(?:rate|hourly|per\s+hour|price|fee)\b"
    r"|^.*\b(?:level|name|contact)\b.*\b(?:phone|e-?mail|telephone)\b"
)
_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a Word, Excel or ZIP file"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file"),
    (b"{\\rtf", "an RTF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
]


# Same-length replacements keep offsets stable: exotic spaces break tokenizer and regexes.
_CHARS = str.maketrans(
    {
        "\xa0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\x02": "-",
        "\ufffe": "-",
        "\u200b": " ",
        "\x0c": "\n",
    }
)


PdfContent = Content  # the name callers used before DOCX and text came in


def check_bytes(data: bytes, *, max_bytes: int = MAX_BYTES, name: str | None = None) -> None:
    """Reject empty, oversized and non-PDF input by its bytes, whatever the file is called."""
    if not data:
        raise EmptyFile(name=name)
    if len(data) > max_bytes:
        raise TooLarge(len(data), max_bytes, name=name)
    if b"%PDF-" in data[:1024]:
        return
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise NotAPdf(kind, name=name)
    head = data[:2048]
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        raise NotAPdf("binary data of an unknown kind", name=name) from None
    kind = "an HTML page" if "<html" in decoded.lower() else "plain text"
    raise NotAPdf(kind, name=name)


def _open(data: bytes, password: str | None, name: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdf(wrong_password=password is not None, name=name) from None
        raise CorruptPdf("PDFium could not parse it", name=name) from None


def page_count(data: bytes, *, password: str | None = None) -> int | None:
    """Pages of the PDF without reading them (cheap: no text, no OCR); None when it cannot
    be opened (not a PDF, damaged, encrypted): extraction then reports why."""
    try:
        document = pdfium.PdfDocument(data, password=password)
    except Exception:  # noqa: BLE001 - any unreadable file is extraction's to explain
        return None
    try:
        return len(document)
    finally:
        document.close()


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHARS)


def _image_share(page: pdfium.PdfPage) -> float:
    """Share of the page's area that image objects cover (overlaps counted once per image)."""
    width, height = page.get_size()
    area = width * height
    if area <= 0:
        return 0.0
    covered = 0.0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = image.get_bounds()
        w = min(right, width) - max(left, 0.0)
        h = min(top, height) - max(bottom, 0.0)
        if w > 0 and h > 0:
            covered += w * h
    return min(1.0, covered / area)


def _is_image(page: pdfium.PdfPage, text: str) -> bool:
    width, height = page.get_size()
    square_inches = width * height / 72**2
    if not is_image_page(text, 1.0, square_inches):  # enough text: no need to look at images
        return False
    return is_image_page(text, _image_share(page), square_inches)


def _looks_tabular(page: pdfium.PdfPage, text: str) -> bool:
    if _TABLE_HEADER.search(text):
        return True
    objects = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1)
    return any(count >= TABLE_PATHS for count, _ in enumerate(objects, start=1))


def read_tables(data: bytes, page_numbers: list[int], password: str | None) -> list[Table]:
    """pdfplumber tables for the given 1-based pages; pages are closed to free their cache."""
    tables: list[Table] = []
    if not page_numbers:
        return tables
    with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
        for number in page_numbers:
            page = pdf.pages[number - 1]
            try:
                for raw in page.extract_tables():
                    cells = undouble_rows([[cell or "" for cell in row] for row in raw])
                    rows = [[" ".join(cell.split()) for cell in row] for row in cells]
                    rows = [row for row in rows if any(row)]
                    if len(rows) >= 2:
                        tables.append(Table(page=number, rows=rows))
            finally:
                page.close()
    return tables


def _die_with_parent() -> None:  # pragma: no cover - runs in the OCR child before exec
    """A killed extraction worker takes its OCR run with it (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _ocr(data: bytes, pages: list[int], seconds: float, name: str | None) -> bytes | None:
    """The PDF with `pages` OCRed by `ocrmypdf`; None when the tool is missing or fails.

    Raises OcrTimeout when OCR does not finish within `seconds`: the whole OCR process
    group (ocrmypdf and its tesseract children) is killed, nothing keeps running.
    """
    tool = shutil.which("ocrmypdf")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.pdf"), Path(folder, "out.pdf")
        source.write_bytes(data)
        command = [tool, "--force-ocr", "--quiet", "--output-type", "pdf"]
        command += ["--pages", ",".join(map(str, pages)), str(source), str(target)]
        process = subprocess.Popen(  # noqa: S603 - fixed tool path, our own temp files
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # tesseract threads fight ocrmypdf's
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, no locks taken
        )
        try:
            returncode = process.wait(timeout=max(0.1, seconds))
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise OcrTimeout(len(pages), seconds, name=name) from None
        if returncode != 0 or not target.exists():
            return None
        return target.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def read_pdf(
    data: bytes,
    *,
    password: str | None = None,
    max_bytes: int = MAX_BYTES,
    name: str | None = None,
    tables: bool = True,
    ocr_seconds: float | None = None,
) -> Content:
    """Text of every page plus tables where pages look tabular; raises ExtractionError.

    Image pages are OCRed (only those, within `ocr_seconds`) when ocrmypdf is installed;
    otherwise they are named in a warning, and a document that is mostly images is refused
    rather than reported as read from its few text pages.
    """
    check_bytes(data, max_bytes=max_bytes, name=name)
    if b"%%EOF" not in data[-4096:]:
        # PDFium repairs a cut-off file silently and returns only some pages.
        raise CorruptPdf("the file ends early: it was cut off while copying", name=name)
    content, images, doubled = _read(data, password, name, tables)
    n = len(content.pages)
    if doubled:
        content.warnings.append(
            f"The text on {_pages(doubled, n)} had every character printed several times "
            '("UUnnii" for "Uni"); it was repaired. Check names and numbers.'
        )
    if not images and sum(visible_chars(p) for p in content.pages) < MIN_TEXT_CHARS:
        images = list(range(1, n + 1))  # no text anywhere: every page is a scan
    if not images:
        return content
    budget = OCR_SECONDS if ocr_seconds is None else ocr_seconds
    ocr_data = _ocr(_decrypted(data, password) if password else data, images, budget, name)
    if ocr_data is not None:
        ocred, _, _ = _read(ocr_data, None, name, False)
        for page in images:
            content.pages[page - 1] = ocred.pages[page - 1]
        still = [p for p in images if visible_chars(content.pages[p - 1]) < MIN_TEXT_CHARS]
        content.ocr_applied = True
        content.warnings.append(f"Scanned images on {_pages(images, n)} were read by OCR.")
        if len(still) == n:
            raise NoTextLayer(name=name)
        return content
    if len(images) == n:
        raise NoTextLayer(name=name)
    if len(images) > UNREAD_SHARE * n:
        raise PartlyScanned(page_list(images), len(images), n, name=name)
    content.warnings.append(
        f"Scanned images without a text layer on {_pages(images, n)} were not read (OCR is "
        "not available here): terms stated there are missing. Run the PDF through OCR and "
        "upload it again to read them."
    )
    return content


def _pages(pages: list[int], total: int) -> str:
    label = "page" if len(pages) == 1 else "pages"
    return f"{label} {page_list(pages)} of {total}"


def _decrypted(data: bytes, password: str) -> bytes:
    """An unencrypted copy for ocrmypdf, which cannot open password-protected files."""
    document = pdfium.PdfDocument(data, password=password)
    try:
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def _read(
    data: bytes, password: str | None, name: str | None, tables: bool
) -> tuple[Content, list[int], list[int]]:
    """Page texts and tables, plus the 1-based image pages and the pages that were doubled."""
    document = _open(data, password, name)
    pages: list[str] = []
    table_pages: list[int] = []
    images: list[int] = []
    doubled: list[int] = []
    try:
        if len(document) == 0:
            raise CorruptPdf("it has no pages", name=name)
        for index in range(len(document)):
            page = document[index]
            try:
                raw = _page_text(page)
                text = undouble(raw)
                if text != raw and is_doubled(raw):
                    doubled.append(index + 1)
                if _is_image(page, text):
                    images.append(index + 1)
                elif tables and _looks_tabular(page, text):
                    table_pages.append(index + 1)
            finally:
                page.close()
            pages.append(text)
    finally:
        document.close()
    try:
        found = read_tables(data, table_pages, password) if tables else []
    except Exception:  # noqa: BLE001 - a table we cannot parse must not lose the text
        found = []
    return Content(pages=pages, tables=found), images, doubled
