"""Typed term values: editor input checked into extraction's normalized shape, and stored as
correction text that parse_correction (what Apply reads) turns back into the same value."""

from __future__ import annotations

from datetime import date, time

import pytest

from db.documents import term_values as tv
from db.documents.values import parse_correction

MSA_SLA = {
    "P1": {"response": {"n": 30, "unit": "minute"}, "resolution": {"n": 4, "unit": "hour"}},
    "P2": {"response": {"n": 1, "unit": "hour"}, "resolution": {"n": 8, "unit": "hour"}},
}


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("expiration_date", "2028-02-01", "2028-02-01"),
        ("expiration_date", "perpetual", "perpetual"),
        ("renewal_term", "perpetual", "perpetual"),
        ("notice_period", {"n": 45, "unit": "day"}, "45 day"),
        ("notice_period", {"n": 5, "unit": "business_day"}, "5 business_day"),
        ("auto_renewal", False, "no"),
        ("governing_law", "Delaware", "Delaware"),
        ("included_services", ["Help desk", "Backups"], "Help desk; Backups"),
        ("sla_targets", MSA_SLA, None),
        ("liability_cap", {"amount": "750000.00", "currency": "EUR", "basis": None}, None),
        (
            "coverage_hours",
            {"days": ["mon", "fri"], "start": "08:00", "end": "18:00", "label": None},
            None,
        ),
        ("service_tier", {"tier": "gold", "inferred": False, "reason": "stated"}, None),
    ],
)
def test_correction_text_reads_back_to_the_value(field, value, text):
    stored = tv.correction_text(field, value)
    if text is not None:
        assert stored == text  # readable where the text form holds the value
    assert parse_correction(field, stored) == value


def test_perpetual_is_a_word_only_where_a_term_may_run_on():
    assert parse_correction("renewal_term", "Evergreen") == "perpetual"
    with pytest.raises(ValueError, match="is not a duration.*or 'perpetual'"):
        parse_correction("renewal_term", "forever")
    with pytest.raises(ValueError, match=r"or '60 day'\.$"):  # no 'perpetual' notice
        parse_correction("notice_period", "perpetual")


def test_sla_grid_rows_become_the_priority_matrix():
    rows = [
        {"priority": "p1", "response": 15.0, "response_unit": "minute", "resolution": 4.0,
         "resolution_unit": "hour"},
        {"priority": "P2", "response": 2.0, "response_unit": "business hour", "resolution": None,
         "resolution_unit": None},
        {"priority": None, "response": None, "resolution": None},  # the editor's empty row
    ]  # fmt: skip
    assert tv.sla_term(rows) == {
        "P1": {"response": {"n": 15, "unit": "minute"}, "resolution": {"n": 4, "unit": "hour"}},
        "P2": {"response": {"n": 2, "unit": "hour", "business": True}},
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"priority": "P1", "response": 2, "response_unit": "hour", "resolution": 1,
           "resolution_unit": "hour"}], "P1: the resolution target is sooner than the response"),
        ([{"priority": "P1", "response": 1, "response_unit": "hour"},
          {"priority": "p1", "response": 2, "response_unit": "hour"}], "P1 appears twice"),
        ([{"priority": "P1", "response": 0, "response_unit": "hour"}], "more than zero"),
        ([{"priority": "", "response": 4, "response_unit": "hour"}], "needs its priority"),
        ([{"priority": "P3"}], "P3 needs a response or a resolution"),
        ([], "no targets"),
    ],
)  # fmt: skip
def test_bad_sla_grids_are_refused_with_a_reason(rows, message):
    with pytest.raises(ValueError, match=message):
        tv.sla_term(rows)


def test_coverage_windows_and_their_checks():
    weekdays = ["mon", "tue", "wed", "thu", "fri"]
    assert tv.coverage_term(weekdays, time(8), time(17), "Eastern Time", True) == {
        "days": weekdays,
        "start": "08:00",
        "end": "17:00",
        "label": None,
        "holidays_excluded": True,
        "timezone": "Eastern Time",
    }
    full = tv.coverage_term(list(tv.DAYS), time(0), time(0), None, False)
    assert full["label"] == "24x7" and full["end"] == "24:00"
    with pytest.raises(ValueError, match="at least one day"):
        tv.coverage_term([], time(8), time(17), None, False)
    with pytest.raises(ValueError, match="same time"):
        tv.coverage_term(weekdays, time(8), time(8), None, False)
    with pytest.raises(ValueError, match="Time zone"):
        tv.coverage_term(weekdays, time(8), time(17), "Mars Time", False)


def test_money_fee_and_duration_checks():
    assert tv.money_term("overage_rate", "1,250.5", "usd", {"basis": "x"}) == {
        "rate": "1250.50", "currency": "USD", "basis": "x"
    }  # fmt: skip
    base = [{"amount": "3400.00", "currency": "USD", "period": "month", "included_hours": 10},
            {"amount": "99.00", "currency": "USD", "period": "year"}]  # fmt: skip
    assert tv.fee_term("3500", "USD", "month", 12, base) == [
        {"amount": "3500.00", "currency": "USD", "period": "month", "included_hours": 12},
        base[1],
    ]
    assert tv.duration_term(3, "year") == {"n": 3, "unit": "year"}
    assert tv.date_term(date(2027, 1, 6)) == "2027-01-06"
    for call, message in [
        (lambda: tv.money_term("liability_cap", "lots", "USD"), "is not a number"),
        (lambda: tv.money_term("liability_cap", "-1", "USD"), "zero or more"),
        (lambda: tv.money_term("liability_cap", "10", "dollars"), "three-letter code"),
        (lambda: tv.fee_term("10", "USD", "fortnight"), "fee period"),
        (lambda: tv.duration_term(1.5, "month"), "whole number"),
        (lambda: tv.duration_term(3, "decade"), "is not one of"),
        (lambda: tv.date_term(None), "Pick a date"),
        (lambda: tv.list_term(["a", " ", "A"]), "appears twice"),
        (lambda: tv.text_term(" "), "empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            call()


def test_records_and_fields_are_typed_back_like_the_extraction():
    like = [{"level": 1, "name": "Sam", "phone": None}]
    rows = [{"level": "2", "name": " Morgan ", "phone": None}, {"level": None, "name": ""}]
    assert tv.records_term(rows, ["level", "name", "phone"], like) == [
        {"level": 2, "name": "Morgan", "phone": None}
    ]
    with pytest.raises(ValueError, match="Level 'two' is not a number"):
        tv.records_term([{"level": "two"}], ["level"], like)
    old = {"by": "Either party", "notice": {"n": 60, "unit": "day"}}
    assert tv.fields_term({"by": "Customer", "notice": (30, "day")}, old) == {
        "by": "Customer",
        "notice": {"n": 30, "unit": "day"},
    }
    holidays = {"named": [], "generic": "public", "excluded": False}
    assert tv.fields_term(
        {"named": "Christmas Day; Boxing Day", "generic": "public", "excluded": True}, holidays
    ) == {"named": ["Christmas Day", "Boxing Day"], "generic": "public", "excluded": True}


@pytest.mark.parametrize(
    ("field", "kind"),
    [("effective_date", "date"), ("renewal_term", "duration"), ("sla_targets", "sla"),
     ("coverage_hours", "coverage"), ("recurring_fees", "fee"), ("liability_cap", "money"),
     ("excluded_services", "list"), ("provider", "text"), ("hourly_rates", "records"),
     ("escalation", "contacts"), ("pricing_model", "fields")],
)  # fmt: skip
def test_every_field_has_its_editor(field, kind):
    assert tv.term_kind(field) == kind
