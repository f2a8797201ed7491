"""The hook extraction consults: drop a rule's value whose sentence the model doubts.

The rules find a value in a sentence; the classifier says how likely that sentence is
about the term (an agreement date, the renewal term, ...). Below the kind's threshold the
value moves to the suggestions (a reviewer still sees it) instead of the terms. The model
never adds a value: what it cannot confirm it only demotes.

Setting: `CONTRACT_DESK_CLAUSE_MODEL` names the model folder (`models/clauses`, built by
`python -m extraction.learned.train`); unset, empty or `off` means the rules alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extraction.document import Document
from extraction.learned.examples import KINDS, sentence_text
from extraction.schema import Field

SETTING = "CONTRACT_DESK_CLAUSE_MODEL"
# Term field the rules fill -> the CUAD kind the model scores its sentence for.
GATED = {
    "agreement_date": "agreement_date",
    "effective_date": "effective_date",
    "expiration_date": "expiration_date",
    "renewal_term": "renewal_term",
    "notice_period": "notice_period_to_terminate_renewal",
    "governing_law": "governing_law",
}
DEFAULT_THRESHOLD = 0.05


@dataclass(frozen=True)
class ClauseModel:
    """A loaded classifier plus the score below which a kind's value is demoted."""

    nlp: object  # spacy.Language (kept opaque: no spaCy object leaves extraction)
    thresholds: dict[str, float]

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.nlp.pipe(texts, batch_size=64)]


@lru_cache(maxsize=4)
def load_model(path: str, threshold: float = DEFAULT_THRESHOLD) -> ClauseModel | None:
    """The model in `path` (None when the folder holds no model: the rules alone)."""
    folder = Path(path)
    if not (folder / "config.cfg").is_file():
        return None
    import spacy

    nlp = spacy.load(folder)
    return ClauseModel(nlp, {field: threshold for field in GATED})


def configured_model() -> ClauseModel | None:
    """The model the setting names, or None (the default: rules alone)."""
    value = os.environ.get(SETTING, "").strip()
    if not value or value.lower() == "off":
        return None
    threshold = os.environ.get(f"{SETTING}_THRESHOLD", "").strip()
    return load_model(value, float(threshold) if threshold else DEFAULT_THRESHOLD)


def gate_fields(
    doc: Document,
    found: dict[str, Field],
    suggestions: dict[str, Field],
    model: ClauseModel | None,
) -> dict[str, Field]:
    """`found` without the values whose sentence scores below its kind's threshold; those
    go to `suggestions` (unless a suggestion for the term is already there)."""
    if model is None:
        return found
    checked = [
        (name, sentence)
        for name in GATED
        if name in found and (sentence := doc.sentence_at(found[name].page, found[name].start))
    ]
    if not checked:
        return found
    scores = model.scores([sentence_text(sentence) for _, sentence in checked])
    kept = dict(found)
    for (name, _), score in zip(checked, scores, strict=True):
        if score.get(GATED[name], 1.0) < model.thresholds[name]:
            suggestions.setdefault(name, kept.pop(name))
    return kept


__all__ = ["GATED", "KINDS", "ClauseModel", "configured_model", "gate_fields", "load_model"]
