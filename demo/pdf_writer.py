"""A thin writer over FPDF for the generated contracts: headings, paragraphs, bullets,
ruled tables, padding to a page count."""

from __future__ import annotations

import random
from pathlib import Path

from fpdf import FPDF


class Doc:
    """A thin writer over FPDF: headings, paragraphs, bullets and ruled tables."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(20, 18, 20)
        self.pdf.add_page()

    def title(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 15)
        self.pdf.multi_cell(0, 8, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def heading(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 11)
        self.pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def bullets(self, items: list[str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.multi_cell(0, 5, f"- {item}", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def table(self, rows: list[list[str]]) -> None:
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(first_row_as_headings=True, line_height=6) as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        self.pdf.ln(3)

    def pad_to(self, pages: int, rng: random.Random) -> None:
        i = 0
        while self.pdf.page_no() < pages:
            heading, body = BOILERPLATE[i % len(BOILERPLATE)]
            self.heading(f"{20 + i}. {heading}")
            self.para(body)
            i += 1
        del rng

    def save(self, path: Path) -> int:
        self.pdf.output(str(path))
        return self.pdf.page_no()


BOILERPLATE = [
    (
        "Confidentiality",
        "Each party shall keep confidential all non-public information received from "
        "the other party and shall use it only to perform this Agreement. This "
        "obligation does not apply to information that is or becomes public through no "
        "fault of the receiving party.",
    ),
    (
        "Force Majeure",
        "Neither party is responsible for delay or failure to perform caused by events "
        "beyond its reasonable control, such as fire, flood, strikes, epidemics or acts"
        " of government, provided that it promptly informs the other party and resumes "
        "performance as soon as it can.",
    ),
    (
        "Assignment",
        "Neither party may assign this Agreement without the prior written consent of "
        "the other party, which shall not be unreasonably withheld, except to a "
        "successor to all or substantially all of its business.",
    ),
    (
        "Notices",
        "Notices under this Agreement shall be in writing and delivered by hand, by "
        "courier or by registered mail to the addresses shown above, or to another "
        "address a party designates in writing. Notices are effective upon receipt.",
    ),
    (
        "Independent Contractors",
        "The parties are independent contractors. Nothing in this Agreement creates a "
        "partnership, joint venture, agency or employment relationship between them.",
    ),
    (
        "Entire Agreement",
        "This Agreement, including its schedules, is the entire agreement of the "
        "parties about its subject matter and supersedes all earlier proposals and "
        "understandings. Changes are valid only if made in writing and signed by both "
        "parties.",
    ),
    (
        "Data Protection",
        "Each party shall comply with the data protection laws that apply to it. The "
        "Provider shall process personal data of the Customer only on documented "
        "instructions and shall apply appropriate technical and organisational measures"
        " to protect it.",
    ),
    (
        "Non-Solicitation",
        "During the term of this Agreement neither party shall solicit for employment "
        "any employee of the other party who was involved in the Services, except "
        "through general advertisements open to the public.",
    ),
]
