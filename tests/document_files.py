"""Real contract files of every kind and quality, built the way their producers build them:
fpdf2 PDFs (doubled glyph layers, scanned image pages, thousands of pages), python-docx
documents with tracked changes, Markdown. Each builder writes to a path and returns it."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

PREAMBLE = (
    "This Managed Services Agreement is entered into as of March 1, 2024 by and between "
    "Acme IT Services LLC (the Provider) and Globex Corporation (the Customer)."
)
LAW = "This Agreement shall be governed by the laws of the State of New York."


def doubled(text: str, k: int = 4) -> str:
    """Every character k times, as an overprinting producer's text layer reads."""
    return "".join(ch * k for ch in text)


def doubled_pdf(path: Path) -> Path:
    """A contract whose law clause is printed once but whose heading and preamble are
    overprinted four times (the text layer reads 'MMMMAAAANNNN...') and whose ruled SLA
    table's cells twice ('PP11')."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, doubled("MANAGED SERVICES AGREEMENT"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, doubled(PREAMBLE), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, LAW, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=7)
    with pdf.table(col_widths=(60, 60, 60), text_align="LEFT") as table:
        for row in (("Priority", "Response", "Resolution"), ("P1", "1 hour", "4 hours")):
            cells = table.row()
            for cell in row:
                cells.cell(doubled(cell, 2))
    pdf.output(str(path))
    return path


def _page_image(lines: list[str]) -> bytes:
    """A 150 dpi letter-size greyscale 'scan' of the lines (PNG bytes)."""
    image = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 30) if FONT.is_file() else ImageFont.load_default(30)
    y = 120
    for line in lines:
        draw.text((100, y), line, fill=0, font=font)
        y += 48
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def scanned_pdf(path: Path, kinds: str) -> Path:
    """One page per letter of `kinds`: "t" a page with a text layer, "i" a scanned image
    page (no text layer), "s" a scan with a stamped page number in its text layer."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    for number, kind in enumerate(kinds, start=1):
        pdf.add_page()
        if kind == "t":
            pdf.set_xy(72, 72)
            pdf.multi_cell(468, 14, f"Page {number}. {PREAMBLE} {LAW} " * 3)
            continue
        scan = _page_image(
            [f"Section {number}. Fees", "The Customer shall pay a monthly fee", "of $4,500."]
        )
        pdf.image(io.BytesIO(scan), x=0, y=0, w=612, h=792)
        if kind == "s":
            pdf.set_xy(290, 760)
            pdf.cell(text=str(number))
    pdf.output(str(path))
    return path


def long_pdf(path: Path, pages: int, *, dense: bool = False) -> Path:
    """A real PDF of `pages` pages: one line each, or (dense) 60 lines of contract text."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=8)
    line = "The Provider shall respond to every Priority 1 incident within one hour, day or night."
    for n in range(1, pages + 1):
        pdf.add_page()
        if not dense:
            pdf.cell(text=f"Managed services agreement - page {n} of {pages}")
            continue
        for row in range(60):
            pdf.text(10, 12 + row * 4.5, f"{n}.{row} {line}")
    pdf.output(str(path))
    return path


def _run(text: str, tag: str = "w:t") -> OxmlElement:
    run, node = OxmlElement("w:r"), OxmlElement(tag)
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    return run


def tracked_docx(path: Path) -> Path:
    """A DOCX contract with unaccepted tracked changes: the governing law 'Texas' deleted and
    'New York' inserted, and an inserted paragraph; an SLA table; a heading."""
    doc = Document()
    doc.add_heading("MANAGED SERVICES AGREEMENT", 1)
    doc.add_paragraph(PREAMBLE)
    law = doc.add_paragraph("This Agreement shall be governed by the laws of the State of ")
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "1")
    deleted.set(qn("w:author"), "Counsel")
    deleted.append(_run("Texas", "w:delText"))
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "2")
    inserted.set(qn("w:author"), "Counsel")
    inserted.append(_run("New York"))
    law._p.append(deleted)
    law._p.append(inserted)
    law._p.append(_run("."))
    added = doc.add_paragraph()
    wrapper = OxmlElement("w:ins")
    wrapper.set(qn("w:id"), "3")
    wrapper.set(qn("w:author"), "Counsel")
    wrapper.append(_run("The initial term of this Agreement is three (3) years."))
    added._p.append(wrapper)
    table = doc.add_table(rows=3, cols=3)
    rows = [("Priority", "Response", "Resolution"), ("P1", "1 hour", "4 hours")]
    rows.append(("P2", "4 hours", "1 business day"))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    doc.save(str(path))
    return path


MARKDOWN = f"""# MANAGED SERVICES AGREEMENT

{PREAMBLE}

## Governing law

{LAW}

## Service levels

| Priority | Response | Resolution |
|---|---|---|
| P1 | 1 hour | 4 hours |
| P2 | 4 hours | 1 business day |
"""
