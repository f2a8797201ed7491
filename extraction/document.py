"""Pages -> sentences annotated with cue labels and entities: what every rule reads.

Each page is its own spaCy Doc so every character offset is already page-relative (the
schema's provenance), and a sentence never silently spans a page break.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from extraction.nlp import CUES_KEY, ENTITIES_KEY, get_nlp
from extraction.schema import Field, Table
from extraction.structure import Structure, build_structure

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse PDF line breaks and runs of spaces into single spaces."""
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Ent:
    label: str
    text: str
    start: int  # page offsets
    end: int


@dataclass
class Sentence:
    page: int  # 1-based
    start: int
    end: int
    text: str
    index: int
    cues: set[str] = field(default_factory=set)
    ents: list[Ent] = field(default_factory=list)
    section: str = ""  # title of the heading it falls under ('' before any heading)
    part: str = "body"  # 'cover', 'body', 'signature' or 'exhibit' (extraction.structure)

    @cached_property
    def flat(self) -> str:
        """The sentence on one line (what snippets show and sentence regexes run on); computed
        once, as every rule reads it."""
        return squash(self.text)

    def of(self, label: str) -> list[Ent]:
        return [e for e in self.ents if e.label == label]

    def field(
        self,
        name: str,
        normalized: object,
        *,
        start: int | None = None,
        end: int | None = None,
        confidence: float = 0.8,
        page_text: str | None = None,
    ) -> Field:
        """A Field whose provenance is this sentence (or a sub-span of it, in page offsets)."""
        s = self.start if start is None else start
        e = self.end if end is None else end
        source = page_text if page_text is not None else None
        value = squash(source[s:e]) if source is not None else squash(self.text)
        return Field(
            name=name,
            value=value,
            normalized=normalized,
            confidence=round(confidence, 2),
            page=self.page,
            start=s,
            end=e,
            snippet=self.flat,
        )


@dataclass
class Document:
    pages: list[str]
    sentences: list[Sentence]
    tables: list[Table]
    structure: Structure = field(default_factory=Structure)

    def with_cue(
        self, *labels: str, pages: int | None = None, body: bool = False
    ) -> list[Sentence]:
        """Sentences carrying any of the cue labels (optionally only in the first `pages`;
        `body` leaves out exhibits: forms and schedules of other agreements)."""
        wanted = set(labels)
        return [
            s
            for s in self.sentences
            if s.cues & wanted
            and (pages is None or s.page <= pages)
            and not (body and s.part == "exhibit")
        ]

    def make_field(
        self,
        sentence: Sentence,
        name: str,
        normalized: object,
        *,
        span: tuple[int, int] | None = None,
        confidence: float = 0.8,
    ) -> Field:
        """Field from a sentence; `span` (page offsets) narrows `value` to the matched text."""
        start, end = span if span else (sentence.start, sentence.end)
        return sentence.field(
            name,
            normalized,
            start=start,
            end=end,
            confidence=confidence,
            page_text=self.pages[sentence.page - 1],
        )

    def sentence_at(self, page: int, offset: int) -> Sentence | None:
        """The sentence holding a page offset (for table cells and raw-text matches)."""
        starts = [s.start for s in self.sentences if s.page == page]
        candidates = [s for s in self.sentences if s.page == page]
        i = bisect_right(starts, offset) - 1
        return candidates[i] if 0 <= i < len(candidates) else None


def build_document(pages: list[str], tables: Iterable[Table] = ()) -> Document:
    """Run the pipeline over every page and index cues and entities by sentence."""
    nlp = get_nlp()
    sentences: list[Sentence] = []
    for page_no, doc in enumerate(nlp.pipe(pages, batch_size=32), start=1):
        page_sents: list[Sentence] = []
        token_starts: list[int] = []
        for sent in doc.sents:
            text = sent.text
            if not text.strip():
                continue
            page_sents.append(
                Sentence(
                    page=page_no,
                    start=sent.start_char,
                    end=sent.start_char + len(text.rstrip()),
                    text=text.rstrip(),
                    index=len(sentences) + len(page_sents),
                )
            )
            token_starts.append(sent.start)
        if not page_sents:
            continue
        for span in doc.spans[CUES_KEY]:
            i = bisect_right(token_starts, span.start) - 1
            if i >= 0:
                page_sents[i].cues.add(span.label_)
        for span in sorted(doc.spans[ENTITIES_KEY], key=lambda s: s.start_char):
            i = bisect_right(token_starts, span.start) - 1
            if i >= 0:
                page_sents[i].ents.append(
                    Ent(span.label_, span.text, span.start_char, span.end_char)
                )
        sentences.extend(page_sents)
    structure = build_structure(pages)
    for sentence in sentences:
        heading = structure.section(sentence.page, sentence.start)
        sentence.section = heading.title if heading else ""
        sentence.part = structure.part(sentence.page, sentence.start)
    return Document(pages=pages, sentences=sentences, tables=list(tables), structure=structure)
