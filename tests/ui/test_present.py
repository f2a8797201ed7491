"""The presentation layer: human headers and formats inferred from names and types."""

from datetime import date
from decimal import Decimal

import pandas as pd

from ui.present import column_config, days_text, label, prepared, with_links


def _kind(cfg: dict, name: str) -> tuple[str | None, str | None]:
    c = cfg[name]
    if c is None:
        return None, None
    return c.get("type_config", {}).get("type"), c.get("type_config", {}).get("format")


def test_labels_are_human():
    assert label("share_used") == "Share used"
    assert label("sla_compliance") == "SLA compliance"
    assert label("mrr") == "MRR"
    assert label("key_date") == "Key date"


def test_days_read_as_words():
    assert days_text(-66) == "66 days overdue"
    assert days_text(1) == "in 1 day"
    assert days_text(0) == "today"
    assert days_text(None) == "—"


def test_kinds_are_inferred_from_names_and_types():
    df = pd.DataFrame(
        {
            "id": [1],
            "contract_id": [3],
            "key_date": [pd.Timestamp("2027-01-06")],
            "created_at": [pd.Timestamp("2027-01-06 09:30", tz="UTC")],
            "margin": [0.4161],
            "share_used": [1.0677],
            "hourly_rate": [Decimal("95.00")],
            "value": [Decimal("10108.13")],
            "contracted_hours": [81.9737],
            "auto_renew": [True],
            "client": ["Acme"],
        }
    )
    cfg = column_config(df, currency="USD")
    assert cfg["id"] is None and cfg["contract_id"] is None
    assert _kind(cfg, "key_date") == ("date", "D MMM YYYY")
    assert _kind(cfg, "created_at") == ("datetime", "D MMM YYYY, HH:mm")
    assert _kind(cfg, "margin") == ("number", "percent")
    assert _kind(cfg, "share_used") == ("number", "percent")
    assert _kind(cfg, "hourly_rate") == ("number", "localized")
    assert cfg["value"]["label"] == "Value (USD)"
    assert _kind(cfg, "contracted_hours") == ("number", "%.1f h")
    assert _kind(cfg, "auto_renew")[0] == "checkbox"
    assert cfg["client"]["label"] == "Client"


def test_prepared_turns_decimals_to_numbers_and_date_text_to_dates_or_words():
    df = pd.DataFrame(
        {
            "value": [Decimal("1.50"), None],
            "end_date": ["2027-01-06", None],
            "days_to_key_date": [-66, 3],
            "start_date": [date(2026, 1, 1), None],
        }
    )
    out = prepared(df)
    assert out["value"].dtype.kind == "f"
    assert out["end_date"].tolist() == ["6 Jan 2027", "—"]  # a missing date reads as a dash
    assert out["start_date"].tolist() == ["1 Jan 2026", "—"]
    assert pd.api.types.is_datetime64_any_dtype(prepared(df.dropna())["end_date"])
    assert out["days_to_key_date"].tolist() == ["66 days overdue", "in 3 days"]


def test_dates_held_as_objects_are_dates_and_a_missing_one_reads_as_a_dash():
    df = pd.DataFrame(
        {
            "key_date": [date(2026, 9, 27), date(2026, 10, 1)],
            "notice_deadline": [date(2026, 8, 28), None],  # a date by what it holds
            "effective_end": [date(2026, 9, 27), date(2026, 10, 1)],
        }
    )
    cfg = column_config(df)
    assert _kind(cfg, "effective_end") == ("date", "D MMM YYYY")
    assert _kind(cfg, "notice_deadline")[0] == "text"
    shown = prepared(df)
    assert list(shown["notice_deadline"]) == ["28 Aug 2026", "—"]
    assert shown["effective_end"].dtype.kind == "M"  # still a date: sorts as one


def test_rows_with_a_contract_or_invoice_link_to_their_detail_page():
    df = pd.DataFrame({"contract_id": [3, None], "invoice_id": [9, 10], "total": [1.0, 2.0]})
    out, cfg = with_links(df)
    assert out["open_contract_detail"].iloc[0] == "contract_detail?id=3"
    assert pd.isna(out["open_contract_detail"].iloc[1])  # no contract, no link
    assert out["open_invoice_detail"].tolist() == ["invoice_detail?id=9", "invoice_detail?id=10"]
    assert cfg["open_contract_detail"]["type_config"]["type"] == "link"
    assert cfg["open_contract_detail"]["label"] == "Contract"


def test_money_header_names_the_currency_only_when_every_row_shares_it():
    one = pd.DataFrame({"value": [285120.0, 1.0], "currency": ["EUR", "EUR"]})
    mixed = pd.DataFrame({"value": [285120.0, 1.0], "currency": ["EUR", "GBP"]})
    assert column_config(one)["value"]["label"] == "Value (EUR)"
    assert column_config(mixed)["value"]["label"] == "Value"
    assert column_config(mixed, currency="USD")["value"]["label"] == "Value"


def test_missing_text_reads_as_a_dash_and_long_floats_are_rounded():
    out = prepared(pd.DataFrame({"currency": ["EUR", None], "contracted": [26.348684, 1.0]}))
    assert out["currency"].tolist() == ["EUR", "—"]
    assert out["contracted"].tolist() == [26.35, 1.0]
