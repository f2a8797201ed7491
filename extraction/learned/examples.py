"""Labelled sentences from the CUAD sets: the lawyers' passages are the positives.

CUAD gives, per contract and category, the exact passages the lawyers highlighted but no
offsets. A sentence of our own reading of the PDF is labelled with a category when it lies
inside one of its passages, holds one, or shares the passage's opening words (a passage
may start or end mid-sentence). A short passage ('October 1, 2019', a party's name) labels
only the first sentence that holds it: the lawyers highlight the preamble's date, not every
later mention of it. Every other sentence of the contract is a negative for every kind.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extraction.document import Sentence, build_document

# The CUAD categories the rules read, in the order the model outputs them.
KINDS = (
    "agreement_date",
    "effective_date",
    "expiration_date",
    "renewal_term",
    "notice_period_to_terminate_renewal",
    "governing_law",
    "parties",
)
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"  # ../shared beside the checkout
DATA = (_SHARED / "cuad-service-dev", _SHARED / "cuad-other")
SHORT = 60  # normalised characters below which a passage is a mention, not a clause
_WORDS = re.compile(r"[^a-z0-9]+")


def norm(text: str) -> str:
    """Lower-case letters and digits, single-spaced: PDF text and CUAD text differ in
    hyphens, quotes and line breaks, not in words."""
    return " ".join(_WORDS.sub(" ", text.lower()).split())


def sentence_text(sentence: Sentence) -> str:
    """What the classifier reads: where the sentence sits (part, early page, section title)
    as marker words, then the sentence. The same text at training and at extraction."""
    page = "p1" if sentence.page == 1 else ("p2" if sentence.page == 2 else "pn")
    section = norm(sentence.section)[:60]
    return f"zpart{sentence.part} zpage{page} zsec {section} ztext {sentence.flat}"


def _overlaps(sentence: str, passage: str) -> bool:
    if len(sentence) < 12:
        return False
    if sentence in passage or passage in sentence:
        return True
    return passage[:50] in sentence or (len(sentence) >= 50 and sentence[:50] in passage)


def label_sentences(flats: list[str], row: dict) -> list[set[str]]:
    """The kinds each sentence (its flat text) is labelled with, from one labels.jsonl row."""
    normed = [norm(text) for text in flats]
    labels: list[set[str]] = [set() for _ in flats]
    for kind in KINDS:
        for passage in row.get(kind, {}).get("clauses", []):
            target = norm(passage)
            if len(target) < 4:
                continue
            if len(target) < SHORT:
                first = next((i for i, s in enumerate(normed) if target in s), None)
                if first is not None:
                    labels[first].add(kind)
                continue
            for i, sentence in enumerate(normed):
                if _overlaps(sentence, target):
                    labels[i].add(kind)
    return labels


@dataclass
class LabelledDoc:
    name: str  # set/file, for messages
    texts: list[str]  # sentence_text() of each sentence
    labels: list[set[str]]


def rows_of(folder: Path, half: str | None) -> list[dict]:
    """labels.jsonl rows of one set, only the even or odd indexes when `half` says so
    (the same halves as bench/extraction_eval.py)."""
    lines = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    if half in ("even", "odd"):
        rows = rows[0 if half == "even" else 1 :: 2]
    return rows


def _content(path: Path, cache: Path | None):
    """The file's read text, from the evaluation's cache (same key) when it holds it."""
    from extraction.sources import read_document

    if cache is not None:
        key = cache / f"{path.parent.parent.name}-{path.stem[:80]}-{path.stat().st_size}.pickle"
        if key.exists():
            return pickle.loads(key.read_bytes())  # noqa: S301 (our own cache, not uploads)
        content = read_document(path.read_bytes(), name=path.name)
        part = key.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(pickle.dumps(content))
        part.replace(key)
        return content
    return read_document(path.read_bytes(), name=path.name)


def labelled_docs(
    folders: tuple[Path, ...] = DATA, half: str | None = None, cache: Path | None = None
) -> Iterator[LabelledDoc]:
    """Every contract of the sets (or one half of each) as labelled sentences."""
    from extraction.errors import ExtractionError

    for folder in folders:
        for row in rows_of(folder, half):
            path = folder / row["file"]
            try:
                content = _content(path, cache)
            except ExtractionError:
                continue
            sentences = build_document(content.pages, content.tables).sentences
            labels = label_sentences([s.flat for s in sentences], row)
            texts = [sentence_text(s) for s in sentences]
            yield LabelledDoc(f"{folder.name}/{path.name}", texts, labels)
