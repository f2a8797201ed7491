"""The bad-input fixture files in tests/data (encrypted, scanned, truncated, empty, fake
PDFs), regenerated from a generated contract: `write_fixtures(folder)`."""

from __future__ import annotations

import random
from pathlib import Path

from fpdf import FPDF

from demo.contract_clauses import WRITERS
from demo.contract_facts import Deal, DemoContractSpec, ExpectedTerms
from demo.contract_pdfs import generate_contract
from demo.pdf_writer import Doc


def write_fixtures(folder: Path | str) -> dict[str, Path]:
    """Bad-input fixtures: encrypted, scanned (image only), truncated, empty, fake PDFs.

    The encrypted one opens with password 'desk-2024'; the scan is a rendered page of a
    generated contract, so OCR would find real text on it.
    """
    import io

    import pypdfium2 as pdfium

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    spec = DemoContractSpec("managed_prose", seed=7, pages=2)
    plain = folder / "managed_services.pdf"
    generate_contract(spec, plain)
    out["plain"] = plain

    rng = random.Random("encrypted")
    doc = Doc()
    deal = Deal.draw(rng)
    WRITERS["managed_prose"](
        doc, deal, rng, ExpectedTerms("managed_prose", "", deal.provider, deal.customer, "")
    )
    doc.pdf.set_encryption(owner_password="owner-2024", user_password="desk-2024")  # noqa: S106
    out["encrypted"] = folder / "encrypted.pdf"
    doc.save(out["encrypted"])

    pdf = pdfium.PdfDocument(str(plain))
    page = pdf[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    page.close()
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    scan = FPDF(format="Letter")
    scan.add_page()
    scan.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=scan.w, h=scan.h)
    out["scanned"] = folder / "scanned.pdf"
    scan.output(str(out["scanned"]))

    data = plain.read_bytes()
    out["corrupt"] = folder / "truncated.pdf"
    out["corrupt"].write_bytes(data[: len(data) // 2])
    out["empty"] = folder / "empty.pdf"
    out["empty"].write_bytes(b"")
    out["png"] = folder / "really_a_png.pdf"
    out["png"].write_bytes(buffer.getvalue())
    out["text"] = folder / "really_text.pdf"
    out["text"].write_text("This is a plain text note, not a PDF.\n", encoding="utf-8")
    return out
