"""Generated contract PDFs and the extraction author's bad-input files, for store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.contract_pdfs import DemoContractSpec, ExpectedTerms, generate_contract
from tests.pages.conftest import (
    demo_url,  # noqa: F401 - fixture re-export
    private_copy,
    serving,
)

DATA = Path(__file__).resolve().parent.parent / "data"
PASSWORD = "desk-2024"  # the password of tests/data/encrypted.pdf (demo.contract_pdfs)


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, tuple[bytes, ExpectedTerms]]:
    """template -> (PDF bytes, what it states), generated once per session."""
    folder = tmp_path_factory.mktemp("docs")
    out = {}
    for template in ("msa_sla", "managed_prose", "block_hours", "nda"):
        path = folder / f"{template}.pdf"
        expected = generate_contract(DemoContractSpec(template, seed=3, pages=3), path)
        out[template] = (path.read_bytes(), expected)
    return out


@pytest.fixture
def store_env(demo_url, tmp_path, monkeypatch):  # noqa: F811
    """A private copy of the small seeded page-test store (this module writes to it)."""
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        yield url
