"""Every support contract in one searchable, filterable, exportable list."""

from datetime import date, timedelta
from decimal import Decimal

import streamlit as st

from db.contract_search import LIST_COLUMNS, ContractFilter, search_contracts
from db.models.contracts import PRICING_MODELS, STATUSES, TIERS
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged

actor = guard("view_contracts")
st.title("Contracts")

text = st.text_input(
    "Search", placeholder="Client, reference, title, service, text in terms or documents", key="q"
)
with st.expander("Filters and sorting", expanded=False):
    c1, c2, c3 = st.columns(3)
    tiers = c1.multiselect("Tier", TIERS, key="f_tier")
    statuses = c2.multiselect("Status", STATUSES, key="f_status")
    models = c3.multiselect("Pricing model", PRICING_MODELS, key="f_model")
    window = c1.selectbox(
        "Ends within",
        ["any time", "30 days", "60 days", "90 days", "180 days", "already ended"],
        key="f_window",
    )
    vmin = c2.number_input("Value from", min_value=0, value=0, step=1000, key="f_vmin")
    vmax = c3.number_input("Value to (0 = no limit)", min_value=0, value=0, step=1000, key="f_vmax")
    sort = c1.selectbox(
        "Sort by", ["end_date", "client", "value", "reference", "start_date", "tier"], key="f_sort"
    )
    desc = c2.toggle("Descending", key="f_desc")

today = date.today()
end_from = end_to = None
if window == "already ended":
    end_to = today - timedelta(days=1)
elif window != "any time":
    end_from, end_to = today, today + timedelta(days=int(window.split()[0]))
flt = ContractFilter(
    text=text,
    tiers=tuple(tiers),
    statuses=tuple(statuses),
    pricing_models=tuple(models),
    end_from=end_from,
    end_to=end_to,
    value_min=Decimal(vmin) if vmin else None,
    value_max=Decimal(vmax) if vmax else None,
    sort=sort,
    descending=desc,
)

with session() as s:
    df = search_contracts(session=s, actor=actor, flt=flt)

totals = df.dropna(subset=["value"]).groupby("currency")["value"].sum().sort_values(ascending=False)
value_text = " · ".join(f"{v:,.0f} {cur}" for cur, v in totals.items()) or "no values"
st.caption(f"{len(df):,} contracts · total value {value_text} (never added across currencies)")
shown = paged(df, key="contracts-page")
event = show_table(
    shown.assign(open=[f"contract_detail?id={i}" for i in shown["id"]]).drop(
        columns=["id", "version"]
    ),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="contracts-table",
    column_order=["open", *(c for c in LIST_COLUMNS if c not in ("id", "version"))],
    column_config={
        "open": st.column_config.LinkColumn("Open", display_text="Open ↗", width="small"),
        "reference": "Reference",
        "client": "Client",
        "title": "Title",
        "tier": "Tier",
        "status": "Status",
        "start_date": st.column_config.DateColumn("Start", format="D MMM YYYY"),
        "end_date": st.column_config.DateColumn("End", format="D MMM YYYY"),
        "auto_renew": st.column_config.CheckboxColumn("Auto-renews"),
        "value": st.column_config.NumberColumn("Value", format="localized"),
        "currency": "Currency",
        "pricing_model": "Pricing",
    },
)
rows = event.selection.rows if event else []
if rows:
    chosen = int(shown.iloc[rows[0]]["id"])
    st.switch_page("pages/contract_detail.py", query_params={"id": str(chosen)})
st.caption("Open a contract with its link (new tab) or by selecting its row. Live contracts first.")
downloads(df.drop(columns=["version"]), "contracts")
