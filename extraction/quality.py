"""Text-layer quality: doubled characters repaired, image pages found, page lists named.

Some PDF producers fake bold by printing every glyph two to four times at the same spot, so
the text layer reads "UUUUnnnniiii" and no rule matches. Others are scans: an image covers
the page and the text layer is empty or a few stray characters (a stamped page number).
Both are judged per line or per page, because real documents mix them.
"""

from __future__ import annotations

import re
from itertools import groupby

FACTORS = (4, 3, 2)  # how many times a glyph is repeated; larger first ("UUUU" is 4, not 2x2)
MIN_LINE_CHARS = 6  # shorter lines carry too little evidence to call them doubled
DOUBLED_SHARE = 0.9  # of a line's non-space characters, in runs that are multiples of k
IMAGE_COVER = 0.3  # images cover at least this share of the page ...
CHARS_PER_SQUARE_INCH = 1.0  # ... and the text layer holds fewer characters than this density
MIN_PAGE_CHARS = 20  # a page with fewer visible characters and no image is blank, not scanned

_LINE = re.compile(r"[^\n]+")


def _factor(line: str) -> int | None:
    """The repetition factor of a doubled line, or None when the line reads normally."""
    runs = [len(list(group)) for char, group in groupby(line) if not char.isspace()]
    total = sum(runs)
    if total < MIN_LINE_CHARS:
        return None
    for k in FACTORS:
        doubled = sum(n for n in runs if n % k == 0)
        if doubled >= DOUBLED_SHARE * total:
            return k
    return None


def _collapse(line: str, k: int) -> str:
    out = []
    for char, group in groupby(line):
        n = len(list(group))
        out.append(char * max(1, n // k) if n % k == 0 or not char.isspace() else char)
    return "".join(out)


def undouble(text: str) -> str:
    """`text` with every doubled line ("UUUUnnnniiii") read once ("Uni"); others unchanged."""
    if not text:
        return text

    def fix(match: re.Match[str]) -> str:
        line = match.group(0)
        k = _factor(line)
        return _collapse(line, k) if k else line

    return _LINE.sub(fix, text)


def undouble_rows(rows: list[list[str]]) -> list[list[str]]:
    """Table cells read once: judged over the whole table, since a cell ("PP11") is often
    too short to tell a doubled layer from real text; else cell by cell."""
    k = _factor(" ".join(cell for row in rows for cell in row if cell))
    if k is None:
        return [[undouble(cell) for cell in row] for row in rows]
    return [[_collapse(cell, k) for cell in row] for row in rows]


def is_doubled(text: str) -> bool:
    """Whether most of the text's lines are doubled (for a warning naming the pages)."""
    lines = [line for line in text.splitlines() if len("".join(line.split())) >= MIN_LINE_CHARS]
    return bool(lines) and sum(_factor(line) is not None for line in lines) * 2 >= len(lines)


def visible_chars(text: str) -> int:
    return len("".join(text.split()))


def is_image_page(text: str, image_share: float, area_square_inches: float) -> bool:
    """A page that is a picture of text: images cover much of it and its text layer is far
    below what its area would hold (a scan with, at most, a stamped number or header)."""
    if image_share < IMAGE_COVER:
        return False
    return visible_chars(text) < max(MIN_PAGE_CHARS, CHARS_PER_SQUARE_INCH * area_square_inches)


def page_list(pages: list[int]) -> str:
    """1-based page numbers as a short list: [2, 3, 4, 7] -> "2-4, 7"."""
    parts: list[str] = []
    for _, group in groupby(enumerate(sorted(pages)), key=lambda item: item[1] - item[0]):
        run = [page for _, page in group]
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)
