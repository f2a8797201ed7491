"""An end the term sentence leaves to an exhibit ('until the termination date specified in
Exhibit A', 'Unless otherwise stated in the Appendix ...'): the exhibit's labelled end date
(issue 13, round 6). Near misses: an exhibit's end date no term sentence points to, and a
labelled date that ends something else."""

from __future__ import annotations

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'DISTRIBUTION AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective '
    'Date") by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)
SIGNED = "IN WITNESS WHEREOF, the parties have executed this Agreement.\n\nACME WIDGETS, INC.\n"


def _expiration(term: str, exhibit: str) -> tuple[object, int | None]:
    doc = build_document([PREAMBLE + term + "\n\n" + SIGNED, exhibit])
    field = terms_from_document(doc).get("expiration_date")
    return (field.normalized, field.page) if field is not None else (None, None)


def test_the_end_date_the_term_sentence_leaves_to_an_exhibit() -> None:
    term = (
        "5.1 The Term will commence on the Effective Date and will remain in effect, unless "
        "sooner terminated under paragraph 5.2, until the termination date specified in "
        "Exhibit A."
    )
    assert _expiration(
        term,
        "EXHIBIT A\nPRODUCTS: widgets\nTERMINATION DATE: September 30, 2022\nTRADEMARKS: none\n",
    ) == ("2022-09-30", 2)
    # 'Unless otherwise stated in the Appendix': the Appendix's end wins over start + term
    deferred = (
        "7.1 Unless otherwise stated in the Appendix the term of this Agreement shall continue "
        "for twenty-four (24) months from the Effective Date unless terminated sooner."
    )
    appendix = "APPENDIX\n2 TERMS\n2.1 Contract start: 04-01-20\n2.2 Contract end: 06-30-22\n"
    assert _expiration(deferred, appendix) == ("2022-06-30", 2)


def test_an_exhibit_end_date_no_term_sentence_points_to_is_not_the_agreements() -> None:
    term = (
        "5.1 The term of this Agreement shall continue for twenty-four (24) months from the "
        "Effective Date unless terminated sooner."
    )
    # the exhibit is a form of another agreement: its end date is that agreement's
    form = "EXHIBIT B\nFORM OF LEASE\nTermination Date: June 30, 2031\n"
    assert _expiration(term, form) == ("2022-03-01", 1)
    # pointed to, but the exhibit's labelled date ends nothing ('Delivery Date:')
    pointed = term.replace("unless terminated sooner", "or as specified in Exhibit A")
    assert _expiration(pointed, "EXHIBIT A\nDelivery Date: June 30, 2031\n") == ("2022-03-01", 1)


def test_an_order_forms_labelled_end_field_in_the_body() -> None:
    form = (
        "MANAGED SERVICES ORDER FORM\n\nThis Order Form is entered into by Acme Widgets, Inc. "
        '("Customer") and Bolt IT LLC ("Provider").\n\n'
    )

    def end(fields: str) -> object:
        field = terms_from_document(build_document([form + fields])).get("expiration_date")
        return field.normalized if field is not None else None

    assert end("Contract start: 01/01/2024\nContract end: 12/31/2025\n") == "2025-12-31"
    assert end("Service Level: Gold\nContract Expiry: 31 December 2025\n") == "2025-12-31"
    # a labelled date that ends nothing of the contract's
    assert end("Delivery Date: June 1, 2024\nInvoice Date: July 1, 2024\n") is None
