"""Governing law: the jurisdiction named in the choice-of-law clause, not in party descriptions.

'the laws of the United States and the State of Florida' is Florida's law (federal law applies
everywhere; the clause chooses the state); 'PRC laws', 'Ohio law' and 'the legislation of the
Republic of Kazakhstan' name a jurisdiction too; abbreviations (PRC, R.O.C.) are spelled out.
"""

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
    r"(?i:(?:laws?|legislation)(?:,[^,;]{0,60},)?\s+(?:of|in\s+force\s+in|applicable\s+in)\s*(?:the\s*)?"
    r"(?:(?:State|Commonwealth|Province|Republic|Kingdom|Canton|Federal\s+Republic)\s*of\s*)?)"
    rf"(?P<place>{_PLACE})"
)
_ADJ_LAW = re.compile(
    r"(?:governed|construed|interpreted)\s+(?:by|in\s+accordance\s+with|under)\s+"
    r"(?:and\s+construed\s+in\s+accordance\s+with\s+)?"
    r"(?:the\s+)?(?P<adj>[A-Z][A-Za-z.]+(?:\s+[A-Z][a-z]+)?)\s+(?i:laws?)\b"
)
# A state named before 'law' ('construed in accordance with Ohio law') is that state's law.
_US_STATES = {
    s.lower(): s
    for s in (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
        "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
        "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
        "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
        "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
        "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia",
        "Wisconsin", "Wyoming",
    )
}  # fmt: skip
# Abbreviations contracts use for a jurisdiction, spelled out as the lawyers write them.
_ABBREVIATIONS = {
    "prc": "People's Republic of China", "p.r.c": "People's Republic of China",
    "the prc": "People's Republic of China", "r.o.c": "Taiwan", "roc": "Taiwan",
    "the r.o.c": "Taiwan", "republic of china": "Taiwan",
}  # fmt: skip
# Federal law applies in every state; 'the laws of the United States and (of) the State of X'
# chooses X.
_FEDERAL = {"United States", "United States of America", "U.S", "U.S.A", "USA"}
_STATE_OF = re.compile(rf"(?i:(?:State|Commonwealth|Province)\s+of\s+)(?P<place>{_PLACE})")
_STRONG = re.compile(
    r"govern(?:ed|s|ing)?\b|constru(?:ed|ction)|interpret(?:ed|ation)|enforced\s+in\s+accordance"
    r"|determined\s+(?:in\s+accordance\s+with|under)\s+the\s+laws?\s+of"
    r"|\blaws?\s+of\s+[^.;]{3,60}?\s+(?:shall\s+)?appl(?:y|ies)\b"
    r"|\bapplication\s+of\s+the\s+laws?\s+of\b",
    re.IGNORECASE,
)
# A table of contents lists 'GOVERNING LAW' among other headings; no law is chosen there.
_CONTENTS = re.compile(r"\b(?:ARTICLE|Article|SECTION|Section)\s+[\dIVX]+\b|\.{5,}")
_NOT_PLACE = {"This", "The", "Such", "Any", "Each", "Agreement", "United States of America"}


_STOPWORDS = {
    "without", "excluding", "exclusive", "regard", "applicable", "including", "except", "other",
    "but", "with", "its", "that", "which", "as", "in", "to", "for", "notwithstanding", "provided",
    "governing", "law", "laws", "conflict", "conflicts", "principles", "applied", "the", "this",
    "any", "all", "whose", "regardless", "irrespective", "shall", "will", "and/or", "apply",
}  # fmt: skip


def _spelled(place: str) -> str:
    """'PRC' -> "People's Republic of China"; other names unchanged."""
    return _ABBREVIATIONS.get(place.lower().rstrip("."), place)


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
        if not _STRONG.search(flat) or len(_CONTENTS.findall(flat)) >= 3:
            continue
        if re.search(r"organi[sz]ed|incorporated|existing\s+under", flat, re.I) and not re.search(
            r"governed|governing\s+law", flat, re.I
        ):
            continue
        strength = 2 if re.search(r"governed|governing\s+law", flat, re.I) else 1
        text = doc.pages[sentence.page - 1]
        region = text[sentence.start : sentence.end]
        runs_on = not re.search(r"[.;:!?]\W*$", region)
        if (
            runs_on and text[sentence.end :].lstrip()[:1].islower()
        ):  # a sentence cut at a line break ('... in accordance with Ohio' / 'law.')
            region = text[sentence.start : sentence.end + 200]
        if runs_on and sentence.end >= len(text.rstrip()) - 2 and sentence.page < len(doc.pages):
            region += " " + doc.pages[sentence.page][:300]  # clause runs onto the next page
        match = _LAWS_OF.search(region)
        if match and _clean(match["place"]) in ("", "That State", "Such State"):
            match = _STATE_OF.search(region)
        if match and _clean(match["place"]) in _FEDERAL:
            state = _STATE_OF.search(region, match.end("place"), match.end("place") + 160)
            match = state or match
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
            key = adj["adj"].lower().rstrip(".") if adj else ""
            named = _ADJECTIVES.get(key) or _US_STATES.get(key) or _ABBREVIATIONS.get(key)
            about = re.search(r"\b(?:agreement|contract)\b", flat, re.I)  # not 'franchisees ...'
            if adj and named and about:
                place = named
                span = (sentence.start + adj.start("adj"), sentence.start + adj.end("adj"))
            elif state := _STATE_OF.search(region):
                place = _clean(state["place"])
                span = (sentence.start + state.start("place"), sentence.start + state.end("place"))
        if span and span[1] > sentence.end:
            span = (sentence.start, sentence.end)
        place = _spelled(place) if place else place
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
