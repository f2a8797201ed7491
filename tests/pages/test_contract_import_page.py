"""Import contracts page: preview, then import, then nothing left to do on a second pass."""

from sqlalchemy import func, select

from db.engine import open_store, session_scope
from db.models import Contract
from tests.pages.conftest import EXEC, MANAGER, page, private_copy, serving

SHEET = (
    b"Company Name,Agreement Name,Agreement Type,Date Start,Date End,Amount,Billing Cycle\n"
    b"Lakeside Vets,Lakeside managed IT,Managed Services,2026-04-01,2027-03-31,1500,Monthly\n"
    b"Lakeside Vets,Lakeside bad,Managed Services,31/31/2026,,1500,Monthly\n"
)


def _contracts(url: str) -> int:
    with session_scope(open_store(url)) as s:
        return s.scalar(select(func.count()).select_from(Contract))


def test_preview_then_import_then_reimport_changes_nothing(demo_url, tmp_path, monkeypatch):
    url = private_copy(demo_url, tmp_path)
    with serving(url, monkeypatch):
        before = _contracts(url)
        at = page("pages/contract_import.py", url, user=MANAGER).run()
        at.file_uploader[0].upload("agreements.csv", SHEET, "text/csv")
        at.selectbox[0].select("connectwise")
        at.button[0].click().run()
        assert not at.exception
        assert at.subheader[0].value == "Preview: 1 would be created, 1 would be refused"
        rows = at.dataframe[0].value
        assert rows["action"].tolist() == ["create", "error"]
        assert "'31/31/2026' is not a date" in rows["problems"].iloc[1]
        assert _contracts(url) == before  # a preview writes nothing
        next(b for b in at.button if b.label == "Import these rows").click().run()
        assert at.subheader[0].value == "Imported: 1 created, 1 refused"
        assert _contracts(url) == before + 1
        again = page("pages/contract_import.py", url, user=MANAGER).run()
        again.file_uploader[0].upload("agreements.csv", SHEET, "text/csv")
        again.selectbox[0].select("connectwise")
        again.button[0].click().run()
        assert again.subheader[0].value == "Preview: 1 would be unchanged, 1 would be refused"
        assert not [b for b in again.button if b.label == "Import these rows"]


def test_a_file_without_the_required_columns_is_refused_with_the_headers(app_env):
    at = page("pages/contract_import.py", app_env, user=MANAGER).run()
    at.file_uploader[0].upload("x.csv", b"Name,Amount\na,1\n", "text/csv")
    at.button[0].click().run()
    (err,) = [e.value for e in at.error]
    assert err.startswith("Nothing was imported. Missing required column(s)")
    assert "'Name', 'Amount'" in err


def test_executives_may_not_import(app_env):
    at = page("pages/contract_import.py", app_env, user=EXEC).run()
    assert any("may not" in e.value for e in at.error)
    assert len(at.file_uploader) == 0
