"""Three real contracts from CUAD v1 (CC BY 4.0) with the lawyers' labels as exact values."""

from __future__ import annotations

import pytest

from extraction import extract
from tests.extraction.conftest import DATA

CUAD = DATA / "cuad"
# From /work/shared/data/cuad-service-dev/labels.jsonl (answers normalised to ISO / n+unit).
LABELS = {
    "UAGHINC_04_14_2004-EX-10.18-MAINTENANCE AGREEMENT.PDF": {
        "parties": ["Universal Access, Inc.", "CityNet Telecommunications, Inc."],
        "agreement_date": "2003-07-23",
        "effective_date": "2003-07-23",
        "expiration_date": "2008-07-23",
        "renewal_term": {"n": 1, "unit": "month"},
        "notice_period": {"n": 30, "unit": "day"},
        "governing_law": "Delaware",
        "insurance": True,
        "liability_cap": True,
        "termination_for_convenience": True,
    },
    "CCAINDUSTRIESINC_04_14_2014-EX-10.1-OUTSOURCING AGREEMENT.PDF": {
        "parties": ["CCA INDUSTRIES, INC.", "EMERSON HEALTHCARE, LLC"],
        "agreement_date": "2014-01-20",
        "effective_date": "2014-01-20",
        "expiration_date": "2014-07-20",
        "renewal_term": {"n": 6, "unit": "month"},
        "notice_period": {"n": 6, "unit": "month"},
        "governing_law": "New Jersey",
        "insurance": True,
        "liability_cap": False,
        "termination_for_convenience": True,
    },
    "WEBHELPCOMINC_03_22_2000-EX-10.8-HOSTING AGREEMENT.PDF": {
        "parties": ["eGain Communications Corporation", "Eliance Corporation"],
        "renewal_term": {"n": 1, "unit": "year"},
        "notice_period": {"n": 30, "unit": "day"},
        "governing_law": "California",
        "insurance": False,
        "liability_cap": True,
        "termination_for_convenience": False,
    },
}
CASES = [(file, key) for file, labels in LABELS.items() for key in labels]


@pytest.fixture(scope="module")
def extracted():
    return {name: extract(CUAD / name) for name in LABELS}


@pytest.mark.parametrize(("file", "key"), CASES)
def test_cuad_label(extracted, file, key):
    terms = extracted[file]
    want = LABELS[file][key]
    if key == "parties":
        assert [p["name"] for p in terms.parties.normalized] == want
    elif isinstance(want, bool):
        assert (getattr(terms, key) is not None) is want
    else:
        assert getattr(terms, key).normalized == want


def test_uagh_roles_follow_defined_terms(extracted):
    terms = extracted["UAGHINC_04_14_2004-EX-10.18-MAINTENANCE AGREEMENT.PDF"]
    assert terms.provider.normalized == "CityNet Telecommunications, Inc."
    assert terms.customer.normalized == "Universal Access, Inc."
    assert terms.auto_renewal.normalized is True
