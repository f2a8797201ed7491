"""`python cli.py documents import` end to end on a fresh SQLite store: every file is
reported as it is stored, a bad file fails alone, a repeated upload is a duplicate."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, func, select

from db.config import ROOT
from db.models import ContractDocument, ExtractedTerm
from tests.documents_integration.conftest import DATA


def _import(url: str, *files, extra=()) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    cmd = [sys.executable, "cli.py", "documents", "import", *map(str, files), *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_import_reports_each_file_and_keeps_failures(pdfs, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (data, _) in pdfs.items():
        (folder / f"{name}.pdf").write_bytes(data)
    good = sorted(folder.glob("*.pdf"))
    url = f"sqlite:///{tmp_path / 'store.db'}"

    first = _import(url, *good, DATA / "truncated.pdf", extra=["--workers", "2"])
    assert first.returncode == 1, first.stderr  # one file failed
    lines = first.stdout.splitlines()
    assert lines[-1] == f"{len(good)} ok, 1 failed, 0 duplicate"
    assert sum(line.startswith("[") and " ok " in line for line in lines) == len(good)
    assert any("truncated.pdf" in line and "failed" in line for line in lines)

    again = _import(url, good[0])
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "0 ok, 0 failed, 1 duplicate"

    engine = create_engine(url)
    with engine.connect() as c:
        docs = dict(
            c.execute(select(ContractDocument.filename, ContractDocument.extraction_status)).all()
        )
        terms = c.scalar(select(func.count()).select_from(ExtractedTerm))
    engine.dispose()
    assert docs == {**{p.name: "ok" for p in good}, "truncated.pdf": "failed"}
    assert terms > 0
