"""Field-view scope check: is the work a technician was asked to do covered by the contract?

The request and every included/excluded service clause are tagged with the same concepts
(``compliance.concepts``): objects (printer, mailbox, toner), actions (install, replace,
reset) and generic services ("support", "administration") that cover routine actions.

A clause matches fully when the request names one of the clause's objects (its specific
items, such as toner, if it has any) and every action in the request is one the clause
names or its service covers. The most specific full match decides: a score weighs items
3, named actions 2, assets 1, covered actions 1. An exclusion wins ties, so "replace the
toner in the printer" falls to "Printer consumables" rather than "Support of printers".

The check never answers "in scope" on a guess. Empty text, text that does not read as
English, a request naming no action ("printer"), an action the clause does not cover
("install" under "support"), or an object no included clause names all answer "unclear",
so the technician asks rather than does unpaid work or promises free work.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from compliance.concepts import Mention, Tagged, content_stems, tag, tag_clause, vocabulary

Verdict = Literal["in_scope", "out_of_scope", "unclear"]
MIN_ENGLISH_SHARE = 0.5
_WEIGHT = {"item": 3, "asset": 1, "word": 1}
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass(frozen=True)
class ContractScope:
    """What one contract includes and excludes, and who approves extra work at what rate."""

    client: str
    tier: str
    included: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    rate: Decimal | None = None
    currency: str = "GBP"
    contact: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "included", tuple(self.included))
        object.__setattr__(self, "excluded", tuple(self.excluded))


@dataclass(frozen=True)
class ScopeAnswer:
    """The verdict, the clause that decided it, the request words that matched, and why."""

    verdict: Verdict
    message: str
    clause: str | None = None
    matched_words: tuple[str, ...] = ()
    confidence: float = 0.0
    script: str | None = None


@dataclass(frozen=True)
class _Match:
    clause: str
    full: bool
    score: int
    concepts: frozenset[str]
    words: tuple[str, ...]
    missing: str = ""
    catch_all: bool = False  # names no object ("Helpdesk support"): reaches any asset


def _request_objects(mentions: tuple[Mention, ...]) -> dict[str, list[str]]:
    """Object concepts in the request, with broader ones: a laptop is also hardware."""
    concepts = vocabulary().concepts
    found: dict[str, list[str]] = {}
    for m in mentions:
        if m.role in ("asset", "item", "word"):
            found.setdefault(m.concept, []).append(m.text)
            for broader in concepts[m.concept].broader if m.role != "word" else ():
                found.setdefault(broader, []).append(m.text)
    return found


def _match(clause: str, request: Tagged, excluded: bool) -> _Match | None:
    concepts = vocabulary().concepts
    tagged = tag_clause(clause)
    roles = {m.concept: m.role for m in tagged.mentions}
    items = {c for c, r in roles.items() if r == "item"}
    assets = {c for c, r in roles.items() if r == "asset"}
    words = {c for c, r in roles.items() if r == "word"}
    specific = {c for c, r in roles.items() if r == "action"}
    services = {c for c, r in roles.items() if r == "service"}
    # Ad-hoc words only stand in for objects when the clause names none from the table.
    required = items or assets or (words if not specific and not services else set())
    objects = _request_objects(request.mentions)
    hits = {c: objects[c] for c in (items | assets | required) if c in objects}
    if required and not set(hits) & required:
        return None
    acts: dict[str, str] = {}
    for m in request.mentions:
        if m.role == "action":
            acts.setdefault(m.concept, m.text)
    # "Patch management" covers patching, not everything management covers: named actions
    # narrow a generic service. A clause naming no action is read as support of its objects.
    covered = {a for s in services for a in concepts[s].covers} if not specific else set()
    if not specific and not services:
        covered = set(concepts["support"].covers) if not excluded else set()
    act_hits = {a: t for a, t in acts.items() if a in specific or a in covered}
    if not required and not act_hits:
        return None
    score = sum(_WEIGHT[roles[c]] for c in hits)
    score += sum(2 if a in specific else 1 for a in act_hits)
    found = frozenset(hits) | frozenset(act_hits)
    texts = {t for ts in hits.values() for t in ts} | set(act_hits.values())
    # In the order the technician wrote them, whatever order the clause names them in.
    matched = tuple(dict.fromkeys(m.text for m in request.mentions if m.text in texts))
    if excluded:
        full = not specific or bool(set(act_hits) & specific)
        return _Match(clause, full, score, found, matched, catch_all=not required)
    missing = ""
    named_objects = [m for m in request.mentions if m.role in ("asset", "item")]
    if not required and not named_objects:
        missing = "the request names no device or service it knows"
    elif not acts:
        missing = "the request does not say what needs doing"
    elif set(acts) - set(act_hits):
        named = ", ".join(repr(t) for a, t in acts.items() if a not in act_hits)
        missing = f"{named} is not named in it"
    elif not set(hits) - words and required:
        missing = "it matches only on the words " + ", ".join(repr(w) for w in matched)
    return _Match(clause, not missing, score, found, matched, missing, not required)


def _reached(mention: Mention, reached: set[str], catch_all: bool) -> bool:
    """Whether an included clause names this object; an item (toner) must be named itself."""
    if mention.role not in ("asset", "item") or mention.concept in reached:
        return True
    if catch_all and mention.role == "asset":
        return True
    broader = vocabulary().concepts[mention.concept].broader
    return mention.role == "asset" and bool(reached.intersection(broader))


def _money(rate: Decimal | None, currency: str) -> str:
    if rate is None:
        return "the additional-work rate"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{rate:,.2f}/h" if symbol else f"{currency} {rate:,.2f}/h"


def _who(scope: ContractScope) -> str:
    return scope.contact or "the account manager"


def expansion_script(scope: ContractScope, clause: str | None) -> str:
    """What the technician can say when the work is not covered."""
    why = f' ("{clause}" is excluded)' if clause else ""
    return (
        f"This isn't covered by {scope.client}'s {scope.tier} contract{why}. I can do it today "
        f"as additional work at {_money(scope.rate, scope.currency)} after approval from "
        f"{_who(scope)}. Shall I ask them now?"
    )


def check_script(scope: ContractScope) -> str:
    """What the technician can say while coverage is being confirmed."""
    return (
        f"I need to confirm whether this is covered by {scope.client}'s {scope.tier} contract "
        f"before I start. If it isn't, I can do it as additional work at "
        f"{_money(scope.rate, scope.currency)} once {_who(scope)} approves."
    )


def _confidence(score: int, penalty: float = 0.0) -> float:
    return round(max(0.0, min(0.95, 0.5 + 0.1 * score) - penalty), 2)


def _unreadable(text: str, request: Tagged) -> ScopeAnswer | None:
    if not text.strip():
        return ScopeAnswer(
            "unclear", "Type the work you've been asked to do, e.g. 'replace the printer toner'."
        )
    if request.words == 0 or request.known / request.words < MIN_ENGLISH_SHARE:
        return ScopeAnswer(
            "unclear",
            "This doesn't read as an English description of work (too few known words). "
            "Describe the job in English, e.g. 'install a new Wi-Fi access point'.",
        )
    return None


def check_scope(request: str, scope: ContractScope) -> ScopeAnswer:
    """Answer in_scope / out_of_scope / unclear for a technician's request under a contract."""
    clauses = (*scope.included, *scope.excluded)
    extra = frozenset().union(*(content_stems(c) for c in clauses)) if clauses else frozenset()
    tagged = tag(request, extra_known=extra)
    unreadable = _unreadable(request, tagged)
    if unreadable is not None:
        return unreadable
    ins = [m for c in scope.included if (m := _match(c, tagged, excluded=False))]
    outs = [m for c in scope.excluded if (m := _match(c, tagged, excluded=True))]
    full_in = sorted((m for m in ins if m.full), key=lambda m: -m.score)
    full_out = sorted((m for m in outs if m.full), key=lambda m: -m.score)
    best_in, best_out = next(iter(full_in), None), next(iter(full_out), None)
    if best_out and (best_in is None or best_out.score >= best_in.score):
        return ScopeAnswer(
            "out_of_scope",
            f'Not covered: the contract excludes "{best_out.clause}".',
            best_out.clause,
            best_out.words,
            _confidence(best_out.score, 0.15 if best_in else 0.0),
            expansion_script(scope, best_out.clause),
        )
    if best_in:
        reached = set().union(*(m.concepts for m in full_in))
        catch_all = any(m.catch_all for m in full_in)
        uncovered = [m.text for m in tagged.mentions if not _reached(m, reached, catch_all)]
        if best_out and not best_out.concepts <= best_in.concepts:
            message = (
                f'Part of this matches included "{best_in.clause}" and part matches '
                f'excluded "{best_out.clause}": confirm before starting.'
            )
            return ScopeAnswer("unclear", message, best_out.clause, best_out.words, 0.3,
                               check_script(scope))  # fmt: skip
        if uncovered:
            message = (
                f'"{best_in.clause}" covers part of this, but not clearly '
                f"{', '.join(repr(t) for t in dict.fromkeys(uncovered))}: confirm before starting."
            )
            return ScopeAnswer("unclear", message, best_in.clause, best_in.words, 0.3,
                               check_script(scope))  # fmt: skip
        return ScopeAnswer(
            "in_scope",
            f'Covered: included service "{best_in.clause}".',
            best_in.clause,
            best_in.words,
            _confidence(best_in.score, 0.15 if best_out else 0.0),
        )
    partial = max((m for m in ins if not m.full), key=lambda m: m.score, default=None)
    if partial is not None:
        message = f'Possibly covered by "{partial.clause}", but {partial.missing}: confirm first.'
        return ScopeAnswer("unclear", message, partial.clause, partial.words, 0.3,
                           check_script(scope))  # fmt: skip
    if not tagged.mentions:
        message = "I couldn't tell what work this is: name the device or service and the job."
        return ScopeAnswer("unclear", message)
    message = "Not found among this contract's included or excluded services: confirm first."
    return ScopeAnswer("unclear", message, None, (), 0.2, check_script(scope))
