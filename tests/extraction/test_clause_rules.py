"""Clause rules on single sentences: limitations of liability short of a stated cap,
insurance duties phrased without 'shall maintain', and termination rights versus what
merely happens after a termination."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.rules import clauses


def _doc(text: str):
    return build_document([f"SERVICES AGREEMENT\n\n{text}\n"])


@pytest.mark.parametrize(
    ("text", "amount", "basis"),
    [
        (
            "The Supplier's total liability under this Agreement shall not exceed $250,000.",
            "250000.00",
            None,
        ),
        (
            "In the event the Provider shall be liable to the Client on account of the performance "
            "of its obligations under this Agreement, whether arising by negligence or otherwise, "
            "the amount recoverable by the Client shall not exceed the fees paid last year.",
            None,
            None,
        ),
        (
            "Neither party shall be liable to the other for any indirect, consequential or special "
            "damages, including loss of profits.",
            None,
            "excludes indirect or consequential loss",
        ),
        (
            "Regardless of the basis of the claim, the Contractor is liable for no more than the "
            "charges for the affected service.",
            None,
            "liable for no more than a stated maximum",
        ),
        (
            "The Vendor's sole liability and the Customer's exclusive remedy shall be the "
            "re-performance of the services.",
            None,
            "sole liability or exclusive remedy",
        ),
    ],
)
def test_liability_limits(text, amount, basis):
    field = clauses.liability_cap(_doc(text))
    assert field is not None
    assert field.normalized["amount"] == amount
    if basis is not None:
        assert field.normalized["basis"] == basis
        assert field.confidence < 0.75  # a limit, not a stated cap


def test_liability_mentioned_without_any_limit_is_not_a_cap():
    text = "The Contractor shall be liable for the acts of its subcontractors as for its own acts."
    assert clauses.liability_cap(_doc(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "The Customer is responsible for obtaining and maintaining property insurance sufficient "
        "to cover the value of its equipment on site.",
        "Each party represents that it is adequately insured against any liability arising under "
        "this Agreement.",
        "Professional indemnity insurance for the minimum amount of £2 million per claim.",
    ],
)
def test_insurance_duties(text):
    assert clauses.insurance(_doc(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Capitalised terms have the meanings given to them under the insurance laws of the State.",
        "The Client is a subsidiary of Northern Life Insurance Company and will have the right to "
        "audit the invoices.",
    ],
)
def test_insurance_industry_words_are_not_cover(text):
    assert clauses.insurance(_doc(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "The provisions of Section 9 shall survive the termination of this Agreement for any "
        "reason.",
        "On termination of the Services for any reason, the Provider shall return all data.",
        "If the support services are terminated for any reason, the Customer may reinstate them "
        "on payment of the arrears.",
    ],
)
def test_what_follows_a_termination_is_not_a_right_to_terminate(text):
    assert clauses.termination_for_convenience(_doc(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Either party may terminate this Agreement for convenience on ninety (90) days' written "
        "notice.",
        "Any Party may terminate its participation in this Agreement at any time by giving not "
        "less than six (6) months' prior notice to the other Parties.",
        "Upon expiry of the Initial Term, the Customer may terminate this Agreement for any "
        "reason on thirty (30) days' notice.",
    ],
)
def test_rights_to_terminate_without_cause(text):
    assert clauses.termination_for_convenience(_doc(text)) is not None
