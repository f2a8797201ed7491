"""Regression: a time entry booked to a contract is judged against that contract.

A client with two overlapping contracts on different coverage calendars had entries priced
with the other contract's coverage: covered work flagged after-hours and vice versa, about a
quarter of the demo's entries reported as rate mismatches.
"""

from datetime import UTC, date, datetime

import pandas as pd

from db.billing.inputs import _entitle
from db.clients_repo import create_client
from db.contracts_repo import create_contract, set_services
from db.models import Calendar
from tests.factories import ADMIN, contract_input


def test_entry_uses_its_own_contracts_coverage(session):
    london = Calendar(name="London 8x5", spec="Mon-Fri 08:00-17:00", timezone="Europe/London")
    sydney = Calendar(name="Sydney 8x5", spec="Mon-Fri 08:00-18:00", timezone="Australia/Sydney")
    session.add_all([london, sydney])
    session.flush()
    client = create_client(session=session, actor=ADMIN, name="Acme")
    first = create_contract(
        session=session,
        actor=ADMIN,
        data=contract_input(
            client.id, reference="C-1", calendar_id=london.id, start_date=date(2026, 1, 1)
        ),
    )
    second = create_contract(
        session=session,
        actor=ADMIN,
        data=contract_input(
            client.id, reference="C-2", calendar_id=sydney.id, start_date=date(2025, 6, 1)
        ),
    )
    for c in (first, second):
        set_services(
            session=session,
            actor=ADMIN,
            contract_id=c.id,
            kind="included",
            names=["desktop support"],
        )
    session.flush()
    friday_lunch_london = datetime(2026, 11, 6, 13, 18, tzinfo=UTC)  # 00:18 Saturday in Sydney
    frame = pd.DataFrame(
        {
            "entry_id": [1, 2],
            "contract_id": [first.id, second.id],
            "client_id": [client.id, client.id],
            "started_at": [friday_lunch_london] * 2,
            "service_type": ["desktop support"] * 2,
        }
    )
    out = _entitle(session, frame).set_index("entry_id")
    assert out.loc[1, "contract_id"] == first.id
    assert out.loc[1, "entitlement_outcome"] == "covered"
    assert out.loc[2, "entitlement_outcome"] == "covered_after_hours"
