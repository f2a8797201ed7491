"""Who a ticket export's row belongs to: its client by name (normalised, then fuzzily:
rapidfuzz WRatio >= 90, every fuzzy match reported), its technician, and the contract in force
at its creation (`sla.check_entitlement`, preferring one that covers the service)."""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

import sla
from contracts.schema import client_name_key
from db.calendars import load_calendars
from db.models import Client, Contract, ContractService, Technician

FUZZY_CUTOFF = 90


class Matcher:
    """Clients, calendars and technicians read once per import and reused for every chunk
    (a name met in one chunk is matched, fuzzily if need be, only once)."""

    def __init__(self, session: Session):
        clients = pd.DataFrame(
            session.execute(
                select(Client.id, Client.name).where(Client.deleted_at.is_(None))
            ).all(),
            columns=["id", "name"],
        )
        self.by_key = dict(zip(clients["name"].map(client_name_key), clients["id"], strict=True))
        self.name_of = dict(zip(clients["id"], clients["name"], strict=True))
        self.keys = list(self.by_key)
        self.names: dict[str, tuple[int | None, tuple[str, float] | None]] = {}
        self.calendars = {str(k): v for k, v in load_calendars(session=session).items()}
        self.techs = {
            " ".join(n.split()).casefold(): i
            for i, n in session.execute(select(Technician.id, Technician.name)).all()
        }

    def clients(self, names: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
        """File client names -> client ids (NA if none), plus the fuzzy matches made."""
        for name in names.dropna().unique():
            if name in self.names:
                continue
            key = client_name_key(str(name))
            if key in self.by_key:
                self.names[name] = (self.by_key[key], None)
                continue
            best = process.extractOne(key, self.keys, scorer=fuzz.WRatio,
                                      score_cutoff=FUZZY_CUTOFF)  # fmt: skip
            if best is None:
                self.names[name] = (None, None)
            else:
                cid = self.by_key[best[0]]
                self.names[name] = (cid, (self.name_of[cid], round(float(best[1]), 1)))
        ids = names.map({k: v[0] for k, v in self.names.items()}).astype("Int64")
        fuzzy = [(k, *v[1]) for k in names.dropna().unique() if (v := self.names[k])[1]]
        return ids, pd.DataFrame(fuzzy, columns=["in_file", "matched", "score"])

    def technicians(self, names: pd.Series) -> pd.Series:
        """Each distinct name looked up once (a chunk holds a handful of technicians)."""
        table = {n: self.techs.get(" ".join(str(n).split()).casefold())
                 for n in names.dropna().unique()}  # fmt: skip
        return names.map(table, na_action="ignore").astype("Int64")


def contracts_for(session: Session, rows: pd.DataFrame, calendars: dict | None = None) -> pd.Series:
    """The contract in force at each ticket's creation (NA when none), for a whole chunk at
    once (`sla.check_entitlement` is vectorised). `calendars` default: loaded here."""
    if rows.empty:
        return pd.Series([], dtype="Int64")
    if calendars is None:
        calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    cons = pd.DataFrame(
        session.execute(
            select(
                Contract.id, Contract.client_id, Contract.start_date, Contract.in_force_until,
                Contract.calendar_id,
            ).where(
                Contract.deleted_at.is_(None),
                Contract.client_id.in_([int(c) for c in rows["client_id"].unique()]),
            )
        ).all(),
        columns=["contract_id", "client_id", "start_date", "end_date", "calendar_id"],
    )  # fmt: skip
    if cons.empty:
        return pd.Series(pd.NA, index=rows.index, dtype="Int64")
    services = pd.DataFrame(
        session.execute(
            select(ContractService.contract_id, ContractService.kind, ContractService.name).where(
                ContractService.contract_id.in_(cons["contract_id"].tolist())
            )
        ).all(),
        columns=["contract_id", "kind", "name"],
    )
    for kind, col in (("included", "included"), ("excluded", "excluded")):
        names = services[services["kind"] == kind].groupby("contract_id")["name"].agg(list)
        cons[col] = cons["contract_id"].map(names).apply(lambda v: v if isinstance(v, list) else [])
    cons["calendar_key"] = cons["calendar_id"].map(
        lambda c: "24x7" if c is None or pd.isna(c) else str(int(c))
    )
    items = pd.DataFrame(
        {
            "client_id": rows["client_id"].astype("int64").to_numpy(),
            # .array keeps the UTC datetimes; .to_numpy() would box each one as a Timestamp
            "instant": pd.to_datetime(rows["created_at"], utc=True).array,
            "service_type": rows["service_type"].fillna("").to_numpy(),
        }
    )
    checked = sla.check_entitlement(items, cons, calendars=calendars)
    return pd.Series(checked["contract_id"].to_numpy(), index=rows.index).astype("Int64")
