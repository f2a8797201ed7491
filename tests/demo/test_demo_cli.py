"""`cli.py demo seed`: a new demo opens with its jobs already run once (tasks, alerts, outbox)."""

from sqlalchemy import func, select

from db.engine import open_store, session_scope
from db.models import Client, ContractDocument, ExtractedTerm, Notification, RenewalTask


def test_demo_seed_runs_the_jobs_once_so_tasks_and_outbox_are_filled(tmp_path, monkeypatch, capsys):
    from cli import main

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    args = [
        "demo",
        "seed",
        "--clients",
        "8",
        "--contracts",
        "16",
        "--tickets",
        "3000",
        "--technicians",
        "4",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "First run of renewal_tasks:" in out
    with session_scope(open_store(url)) as s:
        assert s.scalar(select(func.count()).select_from(RenewalTask)) > 0
        assert s.scalar(select(func.count()).select_from(Notification)) > 0

    # every demo PDF names the client it is stored on, so Apply passes its party check
    with session_scope(open_store(url)) as s:
        pairs = s.execute(
            select(Client.name, ExtractedTerm.value)
            .join(ContractDocument, ContractDocument.client_id == Client.id)
            .join(ExtractedTerm, ExtractedTerm.document_id == ContractDocument.id)
            .where(ExtractedTerm.field == "customer")
        ).all()  # fmt: skip
    assert pairs and all(name == customer for name, customer in pairs), pairs
