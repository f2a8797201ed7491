"""The spaCy pipeline: a blank English tokenizer plus rule components whose patterns are data.

No trained model is needed. `CONTRACT_DESK_SPACY_MODEL` names an installed pipeline to use as
the base instead (its NER is not relied on; our components are added on top).
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extraction.normalize import NUMBER_WORDS

PATTERNS_DIR = Path(__file__).parent / "patterns"
ENTITIES_KEY = "entities"
CUES_KEY = "cues"


def load_jsonl(name: str) -> list[dict]:
    """Read one pattern file from extraction/patterns/."""
    with (PATTERNS_DIR / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class RegexEntities:
    """Mark dates, durations, money, e-mails, phones... found by regexes kept in JSONL.

    Regexes beat token patterns here: contract PDFs split '1/14/02' or '$12,500.00' into
    tokens unpredictably, and one compiled pass over the page text is cheap.
    """

    def __init__(self, patterns: list[dict]) -> None:
        self.patterns = [(p["label"], re.compile(p["regex"])) for p in patterns]

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = doc.text
        for label, regex in self.patterns:
            for match in regex.finditer(text):
                span = doc.char_span(
                    match.start(), match.end(), label=label, alignment_mode="expand"
                )
                if span is not None:
                    spans.append(span)
        doc.spans[ENTITIES_KEY] = spans
        return doc


@Language.factory("contract_entities", default_config={"patterns_file": "entities.jsonl"})
def make_contract_entities(nlp: Language, name: str, patterns_file: str) -> RegexEntities:
    return RegexEntities(load_jsonl(patterns_file))


_ENDERS = {".", "!", "?"}
# 'ninety\n(90) days': a line that opens with the figure of the number words before it
# continues the sentence; it is not a list item '(9)'.
_FIGURE_LINE = re.compile(r"\n[ \t]*\(\d+\)")
_NUMBER_WORD_END = re.compile(rf"\b(?:{NUMBER_WORDS})[ \t]*$", re.IGNORECASE)
# Where a new sentence starts, as character positions: after . ! ? and whitespace; after a
# blank line; at a bulleted or numbered line; after a line ending with ':'.
_SENTENCE_START = re.compile(
    r"(?P<stop>(?<=[.!?])\s+(?=\S))"
    r"|\n[ \t]*\n\s*(?=\S)"
    r"|\n[ \t]*(?=(?:[-•*▪◦–]|\(?[a-zA-Z0-9]{1,3}[.)]|\d+(?:\.\d+)+\.?)\s)"
    r"|(?<=:)[ \t]*\n\s*(?=\S)"
)


@Language.component("contract_sentences")
def contract_sentences(doc: Doc) -> Doc:
    """Sentence starts for contract PDFs: after . ! ?, at blank lines, at bulleted lines.

    The stock sentencizer joins a heading or a list item with the next paragraph because
    PDF lines carry no full stop; clauses then bleed into each other. Boundaries are found
    with one regex pass over the text and mapped to tokens (a per-token Python loop cost
    more than the rest of the pipeline).
    """
    if not len(doc):
        return doc
    starts = [token.idx for token in doc]
    doc[0].is_sent_start = True
    if len(doc) > 1:
        # Marks the boundaries as annotated; tokens left unset then read as "not a start".
        doc[1].is_sent_start = False
    for match in _SENTENCE_START.finditer(doc.text):
        i = bisect_left(starts, match.end())
        if not 0 < i < len(starts) or doc[i].is_space:
            continue
        if _FIGURE_LINE.match(doc.text, match.start()) and _NUMBER_WORD_END.search(
            doc.text, max(0, match.start() - 30), match.start()
        ):
            continue
        if match.group("stop"):
            # Only a stop the tokenizer split off ends a sentence: 'Inc.', 'a.m.', 'No.'
            # are single tokens (tokenizer exceptions) and do not.
            k = i - 1
            while k > 0 and doc[k].is_space:
                k -= 1
            if doc[k].text not in _ENDERS:
                continue
        doc[i].is_sent_start = True
    return doc


def _spanning_lines(nlp: Language, patterns: list[dict]) -> list[dict]:
    """Multi-word phrases become token patterns that skip whitespace tokens.

    PDF text breaks lines anywhere ('construed in\\naccordance'); the newline is a token
    of its own, so a plain phrase pattern would miss the clause.
    """
    out = []
    for pattern in patterns:
        phrase = pattern["pattern"]
        if not isinstance(phrase, str):
            out.append(pattern)
            continue
        words = [t.lower_ for t in nlp.make_doc(phrase)]
        if len(words) == 1:
            out.append(pattern)
            continue
        tokens: list[dict] = []
        for word in words:
            if tokens:
                tokens.append({"IS_SPACE": True, "OP": "?"})
            tokens.append({"LOWER": word})
        out.append({**pattern, "pattern": tokens})
    return out


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Build (once per process) the pipeline used by every extraction."""
    model = os.environ.get("CONTRACT_DESK_SPACY_MODEL")
    if model:
        nlp = spacy.load(model, exclude=["parser", "senter", "sentencizer", "lemmatizer"])
    else:
        nlp = spacy.blank("en")
    nlp.add_pipe("contract_sentences", first=True)
    ruler = nlp.add_pipe(
        "span_ruler",
        name="contract_cues",
        config={"spans_key": CUES_KEY, "phrase_matcher_attr": "LOWER", "validate": False},
    )
    ruler.add_patterns(_spanning_lines(nlp, load_jsonl("cues.jsonl")))
    nlp.add_pipe("contract_entities")
    return nlp
