"""Parties set out line by line rather than in a preamble sentence: a title page or preamble
with 'BETWEEN:' / name / address / '- and -' / name, and 'Party A: ...' lines."""

from __future__ import annotations

import re

from extraction.document import Document
from extraction.rules.names import SUFFIX, clean_name

START = re.compile(
    r"\b(?:by\s+and\s+between|by\s+and\s+among|between|among|entered\s+into\s+by|made\s+by|"
    r"concluded\s+between|under\s+which(?=\s+(?-i:[A-Z])))\b\s*:?",
    re.IGNORECASE,
)

_SEPARATOR = re.compile(r"^[\s\-–—]*(?:and|AND|And)[\s\-–—]*$")
_BLOCK_STOP = re.compile(
    r"^(?:WHEREAS|RECITALS|WITNESSETH|BACKGROUND|PREAMBLE|NOW|IT\s+IS|DATED|Dated|\d+\.|"
    r"ARTICLE|Article|Source:|TABLE\s+OF)"
)


# 'Party A: X', 'Party B (Carrier): Y'
_LABELLED = re.compile(
    r"(?m)^[ \t]*Party\s+[A-Z]\s*(?:\([^)\n]{1,30}\))?\s*[:：]\s*(?P<name>[^\n]{3,160})"
)


def _without_chinese(line: str) -> str:
    """The name without its parentheticals in Chinese, nested ones too ('(经纬（深圳）公司)')."""
    while (bare := re.sub(r"\s*[(（][^A-Za-z()（）]*[)）]", "", line)) != line:
        line = bare
    return line


def _front(doc: Document) -> list[str]:
    return [doc.pages[p - 1] for p in doc.structure.front_pages(2, len(doc.pages))]


def labelled_names(doc: Document) -> list[str]:
    """'Party A: JingWei HengTong Technology (ShenZhen) Co., Ltd. (经纬...)' lines, as
    contracts drafted in China set out their parties (the name in Chinese left out)."""
    for text in _front(doc):
        lines = [_without_chinese(m["name"]) for m in _LABELLED.finditer(text)]
        names = [n for n in (clean_name(line) for line in lines) if n]
        if len(names) >= 2:
            return names
    return []


def block_names(doc: Document) -> list[str]:
    """Parties set out line by line ('BETWEEN:' / name / address / '- and -' / name), as
    title pages and some preambles do: the first line after 'between' and after each 'and'
    line names a party."""
    for text in _front(doc):
        for start in START.finditer(text):
            word_end = start.start() + len(start.group().rstrip(" \t\n:"))
            line_end = text.find("\n", word_end)
            if line_end < 0 or text[word_end:line_end].strip(" :"):
                continue  # 'between X and Y' in a sentence: the preamble rules read it
            names: list[str] = []
            expect = True
            for line in text[line_end:].split("\n")[1:40]:
                line = line.strip()
                if not line:
                    continue
                if _BLOCK_STOP.match(line):
                    break
                if _SEPARATOR.match(line):
                    expect = True
                elif expect:
                    expect = line.endswith(",")  # 'Sucampo Pharmaceuticals, Inc.,' / 'Sucampo
                    name = clean_name(re.split(r"\s+(?i:dated|effective)\b", line)[0])
                    if name and (" " in name or re.search(SUFFIX, name)):
                        names.append(name)  # 'IAC' on a title page is a short name
            if len(names) >= 2:
                return names
    return []
