"""What the party rules share: the legal-form suffixes that mark a company name, and when two
spellings name the same party."""

from __future__ import annotations

import re

SUFFIX_WORDS = (
    r"Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Company|Co|L\.?P|LLP|AG|"
    r"B\.?V|N\.?V|GmbH|S\.?A|SAS|plc|N\.A|Pty|PTE|Trust|Bank|Group|Holdings|Partners|a\.s"
)
# Names are often in capitals ('BICYCLETX LIMITED', 'PFIZER INC.'): the suffix in both cases.
SUFFIX = rf"(?:{SUFFIX_WORDS}|{SUFFIX_WORDS.upper()})\b\.?"


def same_name(a: str, b: str) -> bool:
    """'Acme Inc.' and 'ACME, INC': one contains the other once case and punctuation go."""

    def norm(x: str) -> str:
        return re.sub(r"[^a-z0-9]", "", x.lower())

    x, y = norm(a), norm(b)
    return bool(x and y) and (x in y or y in x)
