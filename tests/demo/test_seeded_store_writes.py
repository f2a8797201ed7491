"""A seeded store takes every ordinary write afterwards (issue 20, item 1).

The seed writes tickets and invoices with explicit ids; on PostgreSQL that leaves the id
sequences behind and the next insert collides (UniqueViolation). This seeds each backend and
then goes through every write path the CLI and the pages offer."""

from __future__ import annotations

from sqlalchemy import func, select, text

from contracts.schema import ContractInput
from db.config import ROOT
from db.contracts_repo import get_contract, update_contract
from db.documents.upload import store_upload
from db.engine import session_scope
from db.models import Client, Contract, ContractDocument, Invoice, Ticket, User
from db.sequences import reset_sequences
from demo.seed import SeedSize, seed
from tests.conftest import TODAY
from tests.factories import ADMIN

SMALL = SeedSize(clients=6, contracts=12, tickets=2000, technicians=3)


def _cli(engine, monkeypatch, *args: str) -> int:
    from cli import main

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return main(list(args))


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_every_write_path_works_after_the_demo_seed(engine, monkeypatch, tmp_path):
    seed(engine, seed=3, size=SMALL, today=TODAY, documents=0)
    invoices, tickets = _count(engine, Invoice), _count(engine, Ticket)

    # billing run (drafts new invoices: the invoice sequence must be past the seeded ids)
    assert _cli(engine, monkeypatch, "billing", "run", "--period", "2026-11") == 0
    assert _count(engine, Invoice) > invoices

    # ticket import (new tickets after 2,000 seeded with explicit ids)
    with session_scope(engine) as s:
        client = s.scalar(select(Client.name).order_by(Client.id))
    csv = tmp_path / "cw.csv"
    csv.write_text(
        "Ticket #,Company,Type,Priority,Date Entered,Date Responded,Date Resolved,Status\n"
        f"CW-1,{client},desktop support,Priority 3 - Normal Response,"
        "11/02/2026 10:00 AM,11/02/2026 11:00 AM,,Waiting\n"
    )
    assert _cli(engine, monkeypatch, "tickets", "import", str(csv), "--preset", "connectwise") == 0
    assert _count(engine, Ticket) == tickets + 1

    # upload (a document and its extracted terms)
    with session_scope(engine) as s:
        store_upload(
            session=s,
            actor=ADMIN,
            filename="managed_services.pdf",
            data=(ROOT / "tests" / "data" / "managed_services.pdf").read_bytes(),
        )
    assert _count(engine, ContractDocument) == 1

    # contract edit (audited: writes an audit entry)
    with session_scope(engine) as s:
        c = s.scalar(select(Contract).order_by(Contract.id))
        fields = ContractInput.model_fields
        data = ContractInput(**{k: getattr(c, k) for k in fields if hasattr(c, k)})
        data = data.model_copy(update={"title": "Edited after seeding"})
        update_contract(
            session=s, actor=ADMIN, contract_id=c.id, expected_version=c.version, data=data
        )
        cid = c.id
    with session_scope(engine) as s:
        assert get_contract(session=s, contract_id=cid).title == "Edited after seeding"

    # jobs run (queues messages and tasks) and users add
    assert _cli(engine, monkeypatch, "jobs", "run", "--no-send") == 0
    users = _count(engine, User)
    assert _cli(engine, monkeypatch, "users", "add", "newbie", "--role", "manager",
                "--password", "a-long-enough-pass-1") == 0  # fmt: skip
    assert _count(engine, User) == users + 1


def test_reset_sequences_moves_every_sequence_past_the_largest_id(engine):
    seed(engine, seed=3, size=SMALL, today=TODAY, documents=0)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT MAX(id) FROM tickets")).scalar_one()
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1)"))
    done = reset_sequences(engine)
    assert (done == 0) if engine.dialect.name == "sqlite" else (done >= 20)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            nxt = conn.execute(text("SELECT nextval(pg_get_serial_sequence('tickets', 'id'))"))
            assert nxt.scalar_one() == top + 1
