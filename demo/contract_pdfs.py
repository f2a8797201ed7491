"""Realistic support-contract PDFs (fpdf2) with the terms they contain, for tests and demos.

`generate_contract(spec, path)` writes one PDF and returns `ExpectedTerms`: the values an
extractor must read back exactly. Six templates use different real-world wording for the
same terms (MSA with an SLA schedule table, managed services with prose SLAs, block hours
with a rate card, renewal letter, amendment, NDA). Everything is deterministic from the seed.

The facts and wordings are `demo.contract_facts`, the clauses `demo.contract_clauses`, the
PDF writer `demo.pdf_writer`; the bad-input fixtures in tests/data come from
`demo.bad_inputs`.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from demo.contract_clauses import WRITERS
from demo.contract_facts import TEMPLATES, Deal, DemoContractSpec, ExpectedTerms
from demo.pdf_writer import Doc

__all__ = ["TEMPLATES", "DemoContractSpec", "ExpectedTerms", "generate_contract", "write_demo_set"]


def generate_contract(spec: DemoContractSpec, path: Path | str) -> ExpectedTerms:
    """Write one contract PDF to `path` and return what it states."""
    rng = random.Random(f"{spec.template}:{spec.seed}")
    deal = Deal.draw(rng)
    if spec.customer:
        deal = dataclasses.replace(deal, customer=spec.customer)
    exp = ExpectedTerms(
        template=spec.template,
        document_type="",
        provider=deal.provider,
        customer=deal.customer,
        agreement_date=deal.signed.isoformat(),
    )
    doc = Doc()
    WRITERS[spec.template](doc, deal, rng, exp)
    if exp.effective_date is None and spec.template not in ("renewal_letter",):
        exp.effective_date = deal.signed.isoformat()
    doc.pad_to(spec.pages, rng)
    doc.heading("Signatures")
    doc.para(
        f"Signed for {deal.provider} by its authorised officer, and for {deal.customer} by its "
        "authorised officer."
    )
    exp.pages = doc.save(Path(path))
    return exp


def write_demo_set(
    folder: Path | str,
    n: int,
    seed: int = 0,
    pages: int = 2,
    customers: list[str] | None = None,
) -> list[tuple[Path, ExpectedTerms]]:
    """Write `n` contracts cycling through the templates; returns (path, expected) pairs.
    `customers` names the customer of each (the demo clients they are stored on)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        path = folder / f"contract_{seed}_{i:04d}_{template}.pdf"
        out.append(
            (
                path,
                generate_contract(
                    DemoContractSpec(
                        template,
                        seed * 100_000 + i,
                        pages,
                        customers[i] if customers and i < len(customers) else None,
                    ),
                    path,
                ),
            )  # fmt: skip
        )
    return out
