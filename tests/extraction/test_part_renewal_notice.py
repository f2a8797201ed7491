"""A notice that stops the renewal of a part under the agreement (an attachment, an order
form) is not the notice to stop the agreement's renewal (issue 13)."""

from __future__ import annotations

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'HOSTING AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Hosting, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _notice(text: str):
    field = terms_from_document(build_document([PREAMBLE + text])).get("notice_period")
    return field.normalized if field is not None else None


def test_an_attachment_that_renews_gives_no_notice_period_for_the_agreement() -> None:
    assert (
        _notice(
            "3.2 Renewal Each Service Option Attachment will renew automatically for an "
            "additional term equal in duration to the previous term of the applicable Service "
            "Option Attachment unless either party notifies the other party in writing at least "
            "ninety (90) days prior to the end of the then-current term."
        )
        is None
    )


def test_the_agreement_or_its_term_renewing_still_gives_the_notice() -> None:
    assert _notice(
        "3.2 Renewal This Agreement will renew automatically for successive one (1) year terms "
        "unless either party notifies the other party in writing at least ninety (90) days "
        "prior to the end of the then-current term."
    ) == {"n": 90, "unit": "day"}
    assert _notice(
        "3.2 Renewal Each Renewal Term will renew automatically for a further one (1) year "
        "unless either party notifies the other party in writing at least sixty (60) days "
        "prior to the end of the then-current term."
    ) == {"n": 60, "unit": "day"}
