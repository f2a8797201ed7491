"""Contract-list import into the store: preview, create, update, idempotent re-import."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.audit import history
from db.contracts_import import import_contracts, preview_contracts
from db.models import Client, Contract
from tests.factories import ADMIN, actor, make_contract

SHEET = (
    "client,reference,title,tier,start_date,end_date,auto_renew,notice_days,renewal_term_months,"
    "value,currency,pricing_model,recurring_fee\n"
    "Acme Dental,C-1,Gold managed support,gold,2026-01-01,2026-12-31,yes,60,12,60000,GBP,"
    "fixed,5000\n"
    "Harbor Clinics,H-1,Harbor helpdesk,silver,2026-03-01,2027-02-28,no,,,24000,USD,fixed,2000\n"
    "Harbor Clinics,H-2,Harbor bad dates,silver,2026-03-01,2025-02-28,no,,,1,USD,fixed,1\n"
    ",X-1,No client,silver,2026-03-01,,no,,,1,USD,fixed,1\n"
)


def _run(session, fn=import_contracts, data=SHEET, who=ADMIN):
    return fn(session=session, actor=who, data=data.encode(), filename="list.csv",
              preset="generic")


def test_preview_writes_nothing_and_says_what_each_row_would_do(session):
    make_contract(session)  # Acme Dental C-1, no auto-renew yet
    session.commit()
    report = _run(session, preview_contracts)
    actions = dict(zip(report.rows["reference"], report.rows["action"], strict=True))
    assert actions == {"C-1": "update", "H-1": "create", "H-2": "error", "X-1": "error"}
    h2 = report.rows.set_index("reference").loc["H-2", "problems"]
    assert "is not after start date" in h2
    c1 = report.rows.set_index("reference").loc["C-1", "changes"]
    assert "auto renew: False → True" in c1 and "notice days: None → 60" in c1
    assert report.summary == "1 would be created, 1 would be updated, 2 would be refused"
    assert session.scalar(select(func.count()).select_from(Contract)) == 1
    assert session.scalar(select(func.count()).select_from(Client)) == 1


def test_import_creates_updates_and_a_second_import_changes_nothing(session):
    make_contract(session)
    session.commit()
    first = _run(session)
    session.commit()
    assert (first.count("create"), first.count("update"), first.count("error")) == (1, 1, 2)
    harbor = session.scalar(select(Contract).where(Contract.reference == "H-1"))
    assert harbor.client.name == "Harbor Clinics"
    assert (harbor.start_date, harbor.end_date, harbor.recurring_fee) == (
        date(2026, 3, 1), date(2027, 2, 28), Decimal("2000"))
    acme = session.scalar(select(Contract).where(Contract.reference == "C-1"))
    assert (acme.auto_renew, acme.notice_days, acme.renewal_term_months) == (True, 60, 12)
    changes = set(history(session=session, entity="contract", entity_id=acme.id)["field"])
    assert {"auto_renew", "notice_days"} <= changes
    again = _run(session)
    session.commit()
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 2)
    assert session.scalar(select(func.count()).select_from(Contract)) == 2


def test_a_reference_of_another_client_is_refused_not_moved(session):
    make_contract(session, "Acme Dental", reference="C-1")
    session.commit()
    data = "client,reference,start_date\nNorthwind,C-1,2026-01-01\n"
    report = _run(session, data=data)
    session.commit()
    assert report.rows.loc[0, "action"] == "error"
    assert "belongs to Acme Dental" in report.rows.loc[0, "problems"]
    assert session.scalar(select(Contract.client_id).where(Contract.reference == "C-1")) == \
        session.scalar(select(Client.id).where(Client.name == "Acme Dental"))


def test_duplicate_reference_inside_one_file_refuses_the_later_row(session):
    data = ("client,reference,start_date\nAcme,R-1,2026-01-01\nAcme,R-1,2026-02-01\n")
    report = _run(session, data=data)
    assert report.rows["action"].tolist() == ["create", "error"]
    assert "also on row 2" in report.rows.loc[1, "problems"]


def test_only_roles_that_edit_contracts_may_import(session):
    with pytest.raises(PermissionDenied):
        _run(session, preview_contracts, who=actor("executive"))
    with pytest.raises(PermissionDenied):
        _run(session, who=actor("technician"))


def test_cli_import_reports_rows_and_exit_code(tmp_path, monkeypatch, capsys):
    from cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    sheet = tmp_path / "list.csv"
    sheet.write_text(SHEET)
    assert main(["contracts", "import", str(sheet), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "list.csv: 2 would be created, 2 would be refused" in out
    assert "row 5 [error]: client: empty" in out
    assert main(["contracts", "import", str(sheet)]) == 1
    assert "2 created, 2 refused" in capsys.readouterr().out
    assert main(["contracts", "import", str(sheet)]) == 1
    assert "2 unchanged, 2 refused" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("Name\nx\n")
    assert main(["contracts", "import", str(bad)]) == 2
    assert "rejected, nothing imported" in capsys.readouterr().err
