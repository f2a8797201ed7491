"""Party names from the preamble: lists joined by ', and', addresses after a name, numbered
party lists, redactions, and a name defined twice."""

from __future__ import annotations

from extraction.document import build_document
from extraction.rules.parties import parties


def _names(preamble: str) -> list[str]:
    doc = build_document(
        [f"SUPPORT SERVICES AGREEMENT\n\n{preamble}\n\nWHEREAS the parties agree."]
    )
    field = parties(doc).get("parties")
    return [p["name"] for p in field.normalized] if field else []


def test_list_joined_by_comma_and():
    names = _names(
        'This Agreement is made by and among Northwind Fund Management LLC ("Adviser"), '
        "Harbor Mutual Life Insurance Company, and Harbor Securities, Inc. "
        '(collectively, "Harbor").'
    )
    assert names == [
        "Northwind Fund Management LLC",
        "Harbor Mutual Life Insurance Company",
        "Harbor Securities, Inc.",
    ]


def test_and_inside_a_company_name_is_not_a_split():
    names = _names(
        'This Agreement is made between Acme Bank ("Bank") and the Society of Networks and '
        'Systems Association, Inc. ("Society").'
    )
    assert "Acme Bank" in names
    assert not any(n.startswith("Systems") for n in names)


def test_address_after_a_name_and_numbered_parties():
    names = _names(
        "This Agreement is made between 1. Lakeside Data Corp., 40 Mill Road, Burlington, "
        'Vermont, 05401, USA ("Lakeside") AND 2. Pemberton Science Limited ("Pemberton").'
    )
    assert names == ["Lakeside Data Corp.", "Pemberton Science Limited"]


def test_redaction_is_not_a_party_and_a_name_is_listed_once():
    names = _names(
        'This Agreement is entered into by and between [ * * * ] ("Agent"), Orbit Telecom '
        'Pte. Ltd. ("Orbit") and Kestrel Software Ltd ("Kestrel", the "Supplier").'
    )
    assert "[ * * * ]" not in names
    assert len(names) == len(set(names)) and "Kestrel Software Ltd" in names
