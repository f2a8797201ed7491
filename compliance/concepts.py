"""Service concepts in free text, found by rule-based matching over a synonym table.

Contract clauses and technicians' requests name the same work in different words ("MFP",
"copier", "printer"). Both are tagged with the same concepts so they can be compared:
``patterns/synonyms.jsonl`` maps phrases to concepts, a spaCy ``PhraseMatcher`` finds them on
token norms set to a light stem (so "printers", "replacing" and "set-up" match "printer",
"replace", "set up"), whole tokens only, longest phrase first. A few brand names that are
also plain words ("Office", "Teams", "Word") only match with their capital letter.

The pipeline is a blank English tokenizer plus one stemming component, built once per
process (``vocabulary()``) and cheap to run: a few hundred microseconds per text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

PATTERNS = Path(__file__).with_name("patterns")
SYNONYMS_FILE = PATTERNS / "synonyms.jsonl"
WORDS_FILE = PATTERNS / "english_words.txt"
ROLES = ("asset", "item", "action", "service")
# Words that name no service (a clause's "including", "users"): never ad-hoc clause words.
_FILLER = frozenset((PATTERNS / "filler_words.txt").read_text("utf-8").split())


def stem(word: str) -> str:
    """A light, deterministic stem: plural, -ing/-ed/-ment/-ation and a final e come off.

    Not linguistics, just consistency: clause and request go through the same function, so
    "replacement", "replacing" and "replace" all become "replac".
    """
    w = word.lower()
    if not w.isalpha() or len(w) < 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "ches", "shes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    elif w.endswith("s") and len(w) == 3 and not w.endswith(("ss", "us", "is")):
        w = w[:-1]  # "pcs" -> "pc"
    stripped = False
    for suffix in ("ation", "ment", "ing", "ed"):
        rest = w[: -len(suffix)]
        if w.endswith(suffix) and len(rest) >= 3 and any(v in rest for v in "aeiouy"):
            w, stripped = rest, True
            break
    if stripped and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]  # "jammed" -> "jamm" -> "jam", "resetting" -> "reset"
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@Language.component("compliance_stem")
def _stem_tokens(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = stem(token.text)
    return doc


@dataclass(frozen=True)
class Concept:
    """A kind of work or thing; ``covers`` lists the actions a generic service includes."""

    name: str
    role: str
    broader: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One concept found in a text, with the words that named it."""

    concept: str
    role: str  # a Concept role, or "word" for an ad-hoc content word outside the table
    text: str


@dataclass(frozen=True)
class Tagged:
    """A text's concepts, and how much of it reads as English."""

    mentions: tuple[Mention, ...]
    words: int
    known: int


@dataclass(frozen=True)
class Vocabulary:
    nlp: Language
    by_norm: PhraseMatcher
    by_case: PhraseMatcher
    labels: dict[str, tuple[str, ...]]
    concepts: dict[str, Concept]
    known_stems: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The tokenizer, matchers and concept table, built once per process."""
    nlp = spacy.blank("en")
    nlp.add_pipe("compliance_stem")
    by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
    by_case = PhraseMatcher(nlp.vocab, attr="ORTH")
    rows = [json.loads(line) for line in SYNONYMS_FILE.read_text("utf-8").splitlines() if line]
    concepts = {
        row["concept"]: Concept(
            row["concept"], row["role"], tuple(row.get("broader", ())), tuple(row.get("covers", ()))
        )
        for row in rows
        if "concept" in row
    }
    labels: dict[str, tuple[str, ...]] = {}
    known = {stem(w) for w in WORDS_FILE.read_text("utf-8").split()}
    for number, row in enumerate(rows):
        names = tuple(row.get("concepts", [row.get("concept")]))
        unknown = [n for n in names if n not in concepts]
        if unknown or any(r not in ROLES for r in (concepts[n].role for n in names)):
            raise ValueError(f"{SYNONYMS_FILE.name} line {number + 1}: bad concept {unknown}")
        label = f"synonyms:{number}"
        labels[label] = names
        by_norm.add(label, list(nlp.pipe(row["terms"])))
        if row.get("exact"):
            by_case.add(label, [nlp.make_doc(term) for term in row["exact"]])
        for term in [*row["terms"], *row.get("exact", ())]:
            known.update(t.norm_ for t in nlp(term) if t.is_alpha)
    return Vocabulary(nlp, by_norm, by_case, labels, concepts, frozenset(known))


@lru_cache(maxsize=4096)
def content_stems(text: str) -> frozenset[str]:
    """Stems of a text's alphabetic words: what counts as known vocabulary for a contract."""
    return frozenset(t.norm_ for t in vocabulary().nlp(text) if t.is_alpha)


def tag(text: str, *, extra_known: frozenset[str] = frozenset()) -> Tagged:
    """Concepts named in ``text`` (longest phrase wins) plus ad-hoc content words."""
    vocab = vocabulary()
    doc = vocab.nlp(text)
    found = [
        Span(doc, start, end, label=match_id)
        for matcher in (vocab.by_norm, vocab.by_case)
        for match_id, start, end in matcher(doc)
    ]
    spans = sorted(filter_spans(found), key=lambda s: s.start)
    mentions: list[Mention] = []
    covered: set[int] = set()
    for span in spans:
        covered.update(range(span.start, span.end))
        for name in vocab.labels[span.label_]:
            mentions.append(Mention(name, vocab.concepts[name].role, span.text))
    words = known = 0
    for token in doc:
        if not token.is_alpha:
            continue
        lower = token.lower_
        is_known = (
            token.i in covered
            or lower in STOP_WORDS
            or token.norm_ in vocab.known_stems
            or token.norm_ in extra_known
        )
        # A capitalised word mid-sentence is a name or brand ("Lisa's Dell"): no evidence
        # either way about the language, so it is left out of the count.
        if is_known or token.i == 0 or not token.text[0].isupper():
            words += 1
            known += is_known
        content = lower not in STOP_WORDS and lower not in _FILLER and len(lower) >= 3
        if token.i not in covered and content:
            mentions.append(Mention(f"word:{token.norm_}", "word", token.text))
    return Tagged(tuple(mentions), words, known)


@lru_cache(maxsize=4096)
def tag_clause(text: str) -> Tagged:
    """``tag`` for contract clause texts, cached: a contract's clauses change rarely."""
    return tag(text)
