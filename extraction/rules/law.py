"""Governing law: the jurisdiction named in the choice-of-law clause, not in party descriptions."""

from __future__ import annotations

import re

from extraction.document import Document
from extraction.schema import Field

_ADJECTIVES = {
    "english": "England", "scottish": "Scotland", "irish": "Ireland", "german": "Germany",
    "french": "France", "swiss": "Switzerland", "dutch": "the Netherlands", "israeli": "Israel",
    "singapore": "Singapore", "delaware": "Delaware", "california": "California",
    "new york": "New York", "texas": "Texas", "canadian": "Canada", "australian": "Australia",
}  # fmt: skip
_PLACE = r"[A-Z][\w.'’-]*(?:\s+(?:and\s+|of\s+)?[A-Z][\w.'’-]*){0,4}"
_LAWS_OF = re.compile(
    r"(?i:laws?(?:,[^,;]{0,60},)?\s+(?:of|in\s+force\s+in|applicable\s+in)\s*(?:the\s*)?"
    r"(?:(?:State|Commonwealth|Province|Republic|Kingdom|Canton|Federal\s+Republic)\s*of\s*)?)"
    rf"(?P<place>{_PLACE})"
)
_ADJ_LAW = re.compile(
    r"(?:governed|construed|interpreted)\s+(?:by|in\s+accordance\s+with|under)\s+"
    r"(?:and\s+construed\s+in\s+accordance\s+with\s+)?"
    r"(?:the\s+)?(?P<adj>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+law\b"
)
_STATE_OF = re.compile(rf"(?i:(?:State|Commonwealth|Province)\s+of\s+)(?P<place>{_PLACE})")
_STRONG = re.compile(
    r"govern(?:ed|s|ing)?\b|constru(?:ed|ction)|interpret(?:ed|ation)|enforced\s+in\s+accordance",
    re.IGNORECASE,
)
_NOT_PLACE = {"This", "The", "Such", "Any", "Each", "Agreement", "United States of America"}


_STOPWORDS = {
    "without", "excluding", "exclusive", "regard", "applicable", "including", "except", "other",
    "but", "with", "its", "that", "which", "as", "in", "to", "for", "notwithstanding", "provided",
    "governing", "law", "laws", "conflict", "conflicts", "principles", "applied", "the", "this",
    "any", "all", "whose", "regardless", "irrespective", "shall", "will", "and/or", "apply",
}  # fmt: skip


def _clean(place: str) -> str:
    words = []
    for word in place.strip(" .,;:").split():
        if word.lower().strip(".,;:") in _STOPWORDS:
            break
        words.append(word)
    while words and words[-1].lower() in ("and", "of"):
        words.pop()
    place = " ".join(words).strip(" .,;:")
    if place.isupper():
        place = place.title().replace(" And ", " and ").replace(" Of ", " of ")
    return place


def governing_law(doc: Document) -> Field | None:
    """First jurisdiction named in a sentence that says the agreement is governed/construed."""
    candidates = []
    for sentence in doc.with_cue("GOV_LAW"):
        flat = sentence.flat
        if not _STRONG.search(flat):
            continue
        if re.search(r"organi[sz]ed|incorporated|existing\s+under", flat, re.I) and not re.search(
            r"governed|governing\s+law", flat, re.I
        ):
            continue
        strength = 2 if re.search(r"governed|governing\s+law", flat, re.I) else 1
        text = doc.pages[sentence.page - 1]
        region = text[sentence.start : sentence.end]
        if sentence.end >= len(text.rstrip()) - 2 and sentence.page < len(doc.pages):
            region += " " + doc.pages[sentence.page][:300]  # clause runs onto the next page
        match = _LAWS_OF.search(region)
        if match and _clean(match["place"]) in ("", "That State", "Such State"):
            match = _STATE_OF.search(region)
        place = None
        span = None
        if match:
            place = _clean(match["place"])
            span = (
                sentence.start + match.start("place"),
                sentence.start + match.start("place") + len(place),
            )
        else:
            adj = _ADJ_LAW.search(region)
            if adj and adj["adj"].lower() in _ADJECTIVES:
                place = _ADJECTIVES[adj["adj"].lower()]
                span = (sentence.start + adj.start("adj"), sentence.start + adj.end("adj"))
            elif state := _STATE_OF.search(region):
                place = _clean(state["place"])
                span = (sentence.start + state.start("place"), sentence.start + state.end("place"))
        if span and span[1] > sentence.end:
            span = (sentence.start, sentence.end)
        if not place or place in _NOT_PLACE or len(place) < 3:
            continue
        candidates.append((-strength, sentence.index, place, sentence, span))
    if not candidates:
        return None
    _, _, place, sentence, span = min(candidates, key=lambda c: (c[0], c[1]))
    field = doc.make_field(
        sentence, "governing_law", " ".join(place.split()), span=span, confidence=0.9
    )
    return field
