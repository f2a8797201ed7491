"""bench/extraction_eval.py parses every label form of the CUAD sets and scores strictly."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from bench import eval_labels as lab  # label parsing and comparison

_SPEC = importlib.util.spec_from_file_location(
    "extraction_eval", Path(__file__).resolve().parents[2] / "bench" / "extraction_eval.py"
)
ev = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(ev)


def _field(normalized):
    return SimpleNamespace(normalized=normalized, snippet="")


def test_dates_md_dm_several_and_blank():
    assert lab.label_date("10/1/2019") == date(2019, 10, 1)
    assert lab.label_date("31/12/2020") == date(2020, 12, 31)  # D/M
    assert lab.label_date("Perpetual") == "perpetual"
    both = lab.label_dates("09/01/2006; 8/31/2007")
    assert both == [date(2006, 9, 1), date(2007, 8, 31)]
    assert lab.same_date(both, date(2007, 8, 31))
    assert not lab.same_date(both, date(2007, 9, 1))
    blank = lab.label_date("07/[]/2000")
    assert lab.same_date(blank, date(2000, 7, 14))
    assert not lab.same_date(blank, date(2000, 8, 14))
    assert lab.same_date(lab.label_date("[ ]/[ ]/20[ ]"), date(2015, 1, 1))
    assert not lab.same_date(lab.label_date("09/14/200[]"), date(2010, 9, 14))
    assert lab.same_date(lab.label_date("09/14/200[]"), date(2003, 9, 14))
    assert lab.same_date(lab.label_date("[]/[]/[][]"), {"year": 2001})


def test_a_two_digit_year_put_in_the_1930s_or_40s_also_reads_a_century_later():
    label = lab.label_dates("9/1/1945")
    assert lab.same_date(label, date(2045, 9, 1))
    assert lab.same_date(label, date(1945, 9, 1))
    assert lab.label_dates("6/30/2010") == [date(2010, 6, 30)]


def test_durations_with_parentheses_and_alternatives():
    assert lab.label_durations("(6) months") == [(6.0, "month")]
    assert lab.label_durations("60) days") == [(60.0, "day")]
    assert lab.label_durations("180 days / 6 months") == [(180.0, "day"), (6.0, "month")]
    assert lab.label_durations("successive 12 months") == [(1.0, "year")]


def _row(**answers):
    keys = [*ev.DATE_FIELDS, *ev.DURATION_FIELDS, "governing_law", "parties", *ev.YES_NO]
    row = {"file": "pdf/x.pdf"}
    row.update({k: {"answer": answers.get(k, "")} for k in keys})
    return row


def test_value_where_lawyers_found_none_is_a_false_positive():
    terms = SimpleNamespace(
        **{
            a: None
            for a in [
                *ev.DATE_FIELDS.values(),
                *ev.DURATION_FIELDS.values(),
                "governing_law",
                "parties",
                *ev.YES_NO.values(),
            ]
        }  # fmt: skip
    )
    terms.effective_date = _field("2020-01-01")
    terms.governing_law = _field("New York")
    counts = ev.evaluate([_row(governing_law="New York")], [terms], verbose=False)
    assert counts["effective_date"] == [0, 1, 0]
    assert counts["governing_law"] == [1, 0, 0]
    # A wrong value is both a false positive and a false negative.
    counts = ev.evaluate([_row(effective_date="2/1/2020")], [terms], verbose=False)
    assert counts["effective_date"] == [0, 1, 1]
    assert ev.f1(1, 1, 0) == (0.5, 1.0, 2 / 3)


def test_party_with_an_address_or_second_name_glued_on_does_not_match():
    labels = lab.label_parties('KALLO Inc ("Kallo"); Sicap Ltd ("Sicap")')
    glued = ["KALLO Inc. With principal offices at 15 Allstate Parkway, Markham", "Trust"]
    assert lab.score_parties(labels, glued) == (0, 2, 2)
    assert lab.score_parties(labels, ["Kallo, Inc.", "SICAP LTD."]) == (2, 0, 0)


def test_party_label_collective_and_unnamed_entries_are_not_parties():
    answer = (
        'Miltenyi Biotec GmbH ("Miltenyi"); Agent ("Agent"); Miltenyi and Bellicum '
        "(individually as a “Party” and collectively as the “Parties”)"
    )
    assert lab.label_parties(answer) == ["Miltenyi Biotec GmbH"]
    trade = lab.label_parties("Pretzel Time, Inc. doing business as Pretzel Time")
    assert lab.score_parties(trade, ["Pretzel Time, Inc."]) == (1, 0, 0)
    # 'dba' / 'fka' written as one word are the same trade-name tails as 'd/b/a'
    assert lab.score_parties(["Solutions Media, Inc"], ["Solutions Media, Inc., dba Spin"]) == (
        1,
        0,
        0,
    )
    assert lab.score_parties(["Sorrent, Inc"], ["Glu, Inc. fka Sorrent"]) == (0, 1, 1)


def test_party_a_and_party_b_are_parties_not_the_collective_term():
    assert not lab._COLLECTIVE.search('"Party A"')
    assert not lab._COLLECTIVE.search("“Party B”")
    assert lab._COLLECTIVE.search('(individually a "Party", together the "Parties")')


def test_party_label_with_the_collective_definition_on_the_last_name_keeps_that_name():
    answer = (
        'AURA SYSTEMS INC. ("Aura"); ZANOTTI EAST INC. ("Zanotti") (collectively the “Parties”)'
    )
    assert lab.label_parties(answer) == ["AURA SYSTEMS INC", "ZANOTTI EAST INC"]
    glued = (
        'Xencor, Inc. ("Xencor"); Aimmune Therapeutics, Inc. ("Aimmune")("Party" and the "Parties")'
    )
    assert lab.label_parties(glued) == ["Xencor, Inc", "Aimmune Therapeutics, Inc"]
    # the collective entry alone, or one that only names the parties again, adds no party
    alone = 'Pivotal Tech, Inc. ("PVSS"); (the "Parties" or "Joint Venturers" collectively)'
    assert lab.label_parties(alone) == ["Pivotal Tech, Inc"]
