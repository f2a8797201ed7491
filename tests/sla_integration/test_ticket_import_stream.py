"""Streamed ticket import: chunks committed with a progress record, a crash (an exception
mid-file, and a real kill -9 of the CLI) resumes without redoing committed chunks, records
cut outside quotes, duplicates named across chunks, day-first saved with a mapping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.schema import client_name_key
from db.models import Client, Ticket, TicketImportError, TicketImportRun
from db.sla.import_mappings import save_mapping
from db.sla.ticket_file_import import import_ticket_file
from db.sla.tickets_import import import_tickets
from sla import ImportRejected
from tests.factories import ADMIN
from tests.sla.test_sla_ticket_import import write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
HEAD = ["Id", "Organization", "Subject", "Status", "Priority", "Created at", "Solved at",
        "First reply time in minutes"]  # fmt: skip


def rows(n: int, start: int = 1) -> list[list[str]]:
    out = []
    for i in range(start, start + n):
        subject = f"printer {i}\nsecond line, with a comma" if i % 7 == 0 else f"s{i}"
        out.append([str(i), "Acme Ltd", subject, "Solved", "Normal", "2026-01-05 10:00",
                    "2026-01-05 12:00", "30"])  # fmt: skip
    return out


@pytest.fixture
def acme(engine):
    with Session(engine) as s:
        s.add(Client(name="Acme Ltd", name_key=client_name_key("Acme Ltd")))
        s.commit()


def count(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def test_small_chunks_give_the_same_tickets_as_one_read(engine, acme, tmp_path):
    data = rows(300)
    data[120][5] = "not a date"
    data.insert(250, data[10])  # a duplicate far from its first row (another chunk)
    path = tmp_path / "t.csv"
    write_csv(path, [HEAD, *data])
    seen: list[int] = []
    report = import_ticket_file(
        engine=engine, actor=ADMIN, path=path, preset="zendesk", chunk_bytes=1024,
        progress=lambda row, pos, size: seen.append(pos),
    )  # fmt: skip
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == path.stat().st_size
    assert (report.inserted, report.updated, report.unchanged) == (299, 0, 0)
    reasons = dict(zip(report.errors["row"], report.errors["reason"], strict=True))
    assert reasons == {122: "cannot read date 'not a date'",
                       252: "duplicate id '11' (first on row 12)"}  # fmt: skip
    with Session(engine) as s:
        t7 = s.scalar(select(Ticket).where(Ticket.external_id == "7"))
        assert t7.priority == "P3"  # its quoted two-line subject stayed one record
        assert s.scalar(select(func.count()).where(Ticket.external_id == "300")) == 1
        run = s.scalar(select(TicketImportRun))
        assert run.status == "done" and run.inserted == 299 and run.error_rows == 2
    # the same file again: a new run, nothing changes
    again = import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk",
                               chunk_bytes=4096)  # fmt: skip
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 299)
    assert again.resumed_at_row is None


class Killed(Exception):
    pass


def test_a_crash_mid_file_resumes_after_the_last_commit(engine, acme, tmp_path):
    data = rows(400)
    data[3][4] = "Whenever"  # a bad row in the first, committed part
    path = tmp_path / "t.csv"
    write_csv(path, [HEAD, *data])
    calls = []

    def crash(row, pos, size):
        calls.append(pos)
        if len(calls) == 3:
            raise Killed

    with pytest.raises(Killed):
        import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk",
                           chunk_bytes=2048, progress=crash)  # fmt: skip
    committed = count(engine)
    assert 0 < committed < 399
    with Session(engine) as s:
        run = s.scalar(select(TicketImportRun))
        assert run.status == "running" and run.position == calls[-1] and run.chunks == 3
    resumed: list[int] = []
    report = import_ticket_file(
        engine=engine,
        actor=ADMIN,
        path=path,
        preset="zendesk",
        chunk_bytes=2048,
        progress=lambda r, p, s: resumed.append(p),
    )
    assert min(resumed) > calls[-1]  # nothing committed before the crash was read again
    assert report.resumed_at_row == run.next_row
    assert "resumed at row" in report.summary
    assert (report.inserted, report.updated, report.unchanged) == (399, 0, 0)
    assert report.errors["reason"].tolist() == ["unknown priority 'Whenever'"]
    assert count(engine) == 399
    with Session(engine) as s:
        assert s.scalar(select(TicketImportRun.status)) == "done"
        assert s.scalar(select(func.count()).select_from(TicketImportError)) == 1


def test_other_options_do_not_resume_a_run(engine, acme, tmp_path):
    path = tmp_path / "t.csv"
    write_csv(path, [HEAD, *rows(200)])

    def crash(row, pos, size):
        raise Killed

    with pytest.raises(Killed):
        import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk",
                           chunk_bytes=2048, progress=crash)  # fmt: skip
    report = import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk",
                                source_tz="Europe/Berlin", chunk_bytes=2048)  # fmt: skip
    assert report.resumed_at_row is None
    assert report.inserted + report.updated + report.unchanged == 200


def test_header_only_file_writes_no_run(engine, acme, tmp_path):
    path = tmp_path / "h.csv"
    write_csv(path, [HEAD, [], []])
    with pytest.raises(ImportRejected, match="has a header row but no tickets"):
        import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk")
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(TicketImportRun)) == 0


def test_xlsx_streams_rows_with_the_header_on_row_3_and_resumes(engine, acme, tmp_path):
    path = tmp_path / "t.xlsx"
    data = rows(120)
    data[59][6] = "yesterday"
    write_xlsx(path, [["Ticket report"], [], HEAD, *data])
    with pytest.raises(Killed):
        import_ticket_file(
            engine=engine,
            actor=ADMIN,
            path=path,
            preset="zendesk",
            chunk_rows=25,
            progress=lambda *a: (_ for _ in ()).throw(Killed),
        )
    assert count(engine) == 25
    report = import_ticket_file(engine=engine, actor=ADMIN, path=path, preset="zendesk",
                                chunk_rows=25)  # fmt: skip
    assert report.resumed_at_row == 29  # header on row 3, 25 rows committed
    assert report.inserted == 119 and count(engine) == 119
    assert report.errors["row"].tolist() == [63]


def test_a_mapping_keeps_its_day_first_order(session, acme, tmp_path):
    fields = {"external_id": "Ref", "client_name": "Customer", "priority": "Prio",
              "created_at": "Opened"}  # fmt: skip
    save_mapping(session=session, actor=ADMIN, name="euro-desk", mapping=fields, dayfirst=True)
    save_mapping(session=session, actor=ADMIN, name="us-desk", mapping=fields, dayfirst=False)
    session.commit()
    data = b"Ref,Customer,Prio,Opened\nE-1,Acme Ltd,P2,05.11.2026 10:00\n"
    for name, month in (("euro-desk", 11), ("us-desk", 5)):
        import_tickets(session=session, actor=ADMIN, data=data, filename="e.csv", mapping=name)
        t = session.scalar(select(Ticket).where(Ticket.source == name))
        assert t.created_at.month == month, name
    # an unambiguous row still wins over the mapping's default
    both = data + b"E-2,Acme Ltd,P2,13.11.2026 10:00\n"
    import_tickets(session=session, actor=ADMIN, data=both, filename="e.csv", mapping="us-desk")
    t = session.scalar(
        select(Ticket).where(Ticket.source == "us-desk", Ticket.external_id == "E-1")
    )
    assert t.created_at.month == 11


def test_cli_killed_with_sigkill_resumes(engine, acme, tmp_path):
    path = tmp_path / "big.csv"
    write_csv(path, [HEAD, *rows(6000)])
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    cmd = [sys.executable, "cli.py", "tickets", "import", str(path), "--preset", "zendesk",
           "--progress", "--chunk-kb", "32"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines = 0
    for line in proc.stderr:
        lines += "committed up to row" in line
        if lines == 3:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    committed = count(engine)
    assert 0 < committed < 6000
    done = subprocess.run(cmd[:-3], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "resumed at row" in done.stdout and "6000 inserted" in done.stdout
    assert count(engine) == 6000
