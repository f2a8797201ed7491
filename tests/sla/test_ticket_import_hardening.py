"""Ticket import: every bad input named (header-only file, unknown time zone, first-reply
minutes that are not a number or out of bounds), day-first dates settled by option or by
unambiguous rows, and the header found below a title in CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla.ticket_import import ImportRejected, parse_tickets
from sla.ticket_values import detect_dayfirst
from tests.sla.test_sla_ticket_import import write_csv, write_xlsx

HEAD = ["Id", "Organization", "Subject", "Status", "Priority", "Created at", "Solved at",
        "First reply time in minutes"]  # fmt: skip


def row(i, created, solved="", minutes=""):
    return [str(i), "Acme Ltd", "s", "Open", "Low", created, solved, minutes]


def test_header_only_file_is_named(tmp_path: Path):
    data = write_csv(tmp_path / "h.csv", [HEAD])
    with pytest.raises(ImportRejected, match="has a header row but no tickets"):
        parse_tickets(data, filename="h.csv", preset="zendesk")


def test_unknown_time_zone_is_named(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [HEAD, row(1, "2026-01-05 10:00")])
    with pytest.raises(ImportRejected, match="Unknown time zone 'Mars/Base'.*IANA"):
        parse_tickets(data, filename="t.csv", preset="zendesk", source_tz="Mars/Base")


def test_first_reply_minutes_checked(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [
        HEAD,
        row(1, "2026-01-05 10:00", "2026-01-05 12:00", "15"),
        row(2, "2026-01-05 10:00", "", "abc"),
        row(3, "2026-01-05 10:00", "", "1e9"),
        row(4, "2026-01-05 10:00", "", "-5"),
        row(5, "2026-01-05 10:00", "2026-01-05 10:30", "90"),
    ])  # fmt: skip
    r = parse_tickets(data, filename="t.csv", preset="zendesk")
    assert r.valid["external_id"].tolist() == ["1"]
    reasons = dict(zip(r.errors["row"], r.errors["reason"], strict=True))
    assert reasons[3] == "first reply minutes 'abc' is not a number"
    assert "'1e9' is outside 0 to 525600" in reasons[4]
    assert "'-5' is outside" in reasons[5]
    assert reasons[6] == "first reply after the ticket was resolved"


def test_day_first_detected_from_an_unambiguous_row(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [
        HEAD, row(1, "05.11.2026 10:00"), row(2, "13.11.2026 09:00"),
    ])  # fmt: skip
    r = parse_tickets(data, filename="t.csv", preset="zendesk")
    assert [d.strftime("%d %b") for d in r.valid["created_at"]] == ["05 Nov", "13 Nov"]


def test_day_first_option_settles_an_ambiguous_file(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [HEAD, row(1, "05.11.2026 10:00")])
    month_first = parse_tickets(data, filename="t.csv", preset="zendesk", dayfirst=False)
    day_first = parse_tickets(data, filename="t.csv", preset="zendesk", dayfirst=True)
    assert month_first.valid["created_at"][0].month == 5
    assert day_first.valid["created_at"][0].month == 11


def test_detect_dayfirst():
    import pandas as pd

    assert detect_dayfirst(pd.Series(["13/05/2026", "01/02/2026"])) is True
    assert detect_dayfirst(pd.Series(["05/13/2026"])) is False
    assert detect_dayfirst(pd.Series(["05/06/2026", "2026-01-01"])) is None
    assert detect_dayfirst(pd.Series(["13/05/2026", "05/13/2026"])) is None  # mixed


def test_header_below_a_title_in_csv(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [
        ["Ticket report"], ["Exported by Ann"], HEAD,
        ["1", "Acme Ltd", "Printer, again", "Open", "Low", "2026-01-05 10:00", "", ""],
        row(2, "not a date"),
    ])  # fmt: skip
    r = parse_tickets(data, filename="t.csv", preset="zendesk")
    assert r.valid["external_id"].tolist() == ["1"]
    assert r.errors["row"].tolist() == [5]  # the file's own line number


def test_header_on_row_3_in_xlsx(tmp_path: Path):
    data = write_xlsx(tmp_path / "t.xlsx", [
        ["Ticket report"], [], HEAD, row(1, "2026-01-05 10:00"), row(2, "not a date"),
    ])  # fmt: skip
    r = parse_tickets(data, filename="t.xlsx", preset="zendesk")
    assert r.valid["external_id"].tolist() == ["1"]
    assert r.errors["row"].tolist() == [5]


def test_missing_columns_say_where_the_header_was_looked_for(tmp_path: Path):
    data = write_csv(tmp_path / "t.csv", [["Name", "Value"], ["a", "1"]])
    with pytest.raises(ImportRejected, match="looked for the header in the first 21 rows"):
        parse_tickets(data, filename="t.csv", preset="zendesk")
