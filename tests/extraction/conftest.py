"""Generated contract PDFs (one per template and seed), built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.contract_pdfs import TEMPLATES, DemoContractSpec, ExpectedTerms, generate_contract
from extraction import ContractTerms, extract

DATA = Path(__file__).resolve().parent.parent / "data"
SEEDS = (1, 2)
CASES = [(template, seed) for template in TEMPLATES for seed in SEEDS]


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[tuple[str, int], tuple[ExpectedTerms, ContractTerms]]:
    """(template, seed) -> (what the PDF states, what extract() read from it)."""
    folder = tmp_path_factory.mktemp("contracts")
    out = {}
    for template, seed in CASES:
        path = folder / f"{template}_{seed}.pdf"
        expected = generate_contract(DemoContractSpec(template, seed, pages=3), path)
        out[(template, seed)] = (expected, extract(path))
    return out
