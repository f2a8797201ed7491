"""The demo company's uploaded contracts: generated PDFs of its first contracts, stored and
read as an admin's uploads would be, each linked to the contract it describes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from access.roles import Actor
from db.engine import session_scope


def store_documents(engine, rows, folder: Path | None, n: int, seed: int, report) -> None:
    """Generated contract PDFs, stored like uploads on the first demo clients."""
    from db.documents.review import set_document_contract
    from db.documents.upload import store_upload
    from db.models import Client
    from demo.contract_pdfs import write_demo_set

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(folder) if folder else Path(tmp)
        with session_scope(engine) as s:  # each PDF names the client it is stored on
            names = dict(s.execute(select(Client.id, Client.name)).all())
        customers = [names[row.client_id] for row in rows[:n]]
        written = write_demo_set(target, n, seed=seed, customers=customers)
        admin = Actor(user_id=None, username="demo-seed", role="admin")
        for (path, _expected), row in zip(written, rows, strict=False):
            with session_scope(engine) as s:
                stored = store_upload(
                    session=s,
                    actor=admin,
                    filename=path.name,
                    data=path.read_bytes(),
                    client_id=row.client_id,
                )
                set_document_contract(
                    session=s, actor=admin, document_id=stored.document_id, contract_id=row.id
                )
    report.counts.update(documents=len(written))
    if folder:
        report.pdf_folder = str(folder)
