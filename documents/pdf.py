"""fpdf2 set up the one way every report PDF needs: DejaVu Sans if installed, else Helvetica.

Client names, currencies and typography ("€", "≥", "“quotes”") are Unicode, but the PDF core
fonts only draw Latin-1: a core-font report that meets "€" fails halfway through. DejaVu Sans
(Debian's fonts-dejavu-core) draws anything, so it is embedded when present; otherwise text
is folded first, the same way in every report. Five builders used to carry their own copy
of this and drifted (one forgot to fold at all), hence one module.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # read per document: tests point it elsewhere
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

# Look-alikes for what people actually type; NFKD handles accents, "?" the rest.
_FOLD = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u20ac": "EUR ",
        "\u00a0": " ",
        "\u00d7": "x",
    }
)


def fold_latin1(text: str) -> str:
    """Text the Latin-1 core fonts can draw: typography folded, accents dropped, else ``?``."""
    out = []
    for char in text.translate(_FOLD):
        if ord(char) < 256:
            out.append(char)
        else:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


class ReportPDF(FPDF):
    """An FPDF whose ``family`` (regular and "B") is DejaVu when installed, else Helvetica."""

    def __init__(
        self,
        orientation: str = "P",
        unit: str = "mm",
        format: str = "A4",
        *,
        font_dir: Path | None = None,
    ) -> None:
        super().__init__(orientation=orientation, unit=unit, format=format)
        folder = FONT_DIR if font_dir is None else font_dir
        regular, bold = folder / REGULAR, folder / BOLD
        self.unicode = regular.is_file() and bold.is_file()
        if self.unicode:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
        self.family = "DejaVu" if self.unicode else "Helvetica"

    # Not `text`: that name is FPDF's own method for drawing at (x, y).
    def printable(self, value: object) -> str:
        """``value`` as text this document's font draws ("" for None and NaN)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        text = str(value)
        return text if self.unicode else fold_latin1(text)
