"""Out-of-scope requests: work technicians logged on site, approved or declined by a manager.

Approved requests are billed by the next billing run (one line each, the request as its
evidence); declined ones never. Roles and the rules are checked in db.out_of_scope.
"""

from datetime import UTC, datetime
from decimal import Decimal

import streamlit as st

from access.roles import PermissionDenied
from db.out_of_scope import decide_request, requests_frame
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("work_billing")
st.title("Out-of-scope requests")
st.caption(
    "Work a technician was asked to do on site that the contract does not cover. Approve it "
    "with the hours and rate (the rate quoted at the door unless you change it, with a "
    "reason) and the next billing run puts it on the contract's invoice; decline it and it is "
    "never billed."
)
done = st.session_state.pop("oos-done", None)
if done:
    st.success(done)
    st.toast(done, icon=":material/check_circle:")

SHOWN = ["id", "requested", "client", "contract", "technician", "description", "excluded_by",
         "quoted_rate", "currency"]  # fmt: skip
# Rates are money per hour (the name alone would read as a share), the request number shows.
FORMATS = {
    "request": st.column_config.NumberColumn("Request", format="%d"),
    "quoted_rate": st.column_config.NumberColumn("Quoted rate per hour", format="localized"),
    "rate": st.column_config.NumberColumn("Rate per hour", format="localized"),
    "hours": st.column_config.NumberColumn("Hours", format="%.2f h"),
}


def _table(frame, key: str) -> None:
    show_table(frame.rename(columns={"id": "request"}), key=key, overrides=FORMATS)


tabs = st.tabs(["Waiting", "Approved", "Declined"])
with tabs[0]:
    with session() as s:
        pending = requests_frame(session=s, actor=actor, status="pending")
    if pending.empty:
        st.info("No requests are waiting for a decision.")
    else:
        st.markdown(f"**{len(pending)} waiting**, oldest first.")
        _table(pending[SHOWN], "oos-pending")
        rows = {int(r.id): r for r in pending.itertuples()}
        rid = st.selectbox(
            "Request",
            list(rows),
            format_func=lambda i: f"#{i} · {rows[i].client} · {rows[i].description[:60]}",
            key="oos-request",
        )
        row = rows[rid]
        quoted = row.quoted_rate
        with st.form("oos-decide"):
            c1, c2 = st.columns(2)
            hours = c1.number_input("Hours", min_value=0.25, max_value=1000.0, value=1.0, step=0.25)
            rate = c2.text_input(
                f"Rate per hour ({row.currency or 'contract currency'})",
                value="" if quoted is None else f"{Decimal(quoted):.2f}",
                help="The rate the field script quoted; change it with a reason.",
            )
            reason = st.text_area("Reason", placeholder="Required to decline or change the rate")
            b1, b2 = st.columns(2)
            approve = b1.form_submit_button("Approve", type="primary", width="stretch")
            decline = b2.form_submit_button("Decline", width="stretch")
        if approve or decline:
            try:
                with session() as s:
                    decision = decide_request(
                        session=s,
                        actor=actor,
                        request_id=rid,
                        approve=bool(approve),
                        now=datetime.now(UTC),
                        reason=reason,
                        hours=str(hours),
                        rate=rate.replace(",", "").strip() or None,
                    )
            except (PermissionDenied, ValueError) as exc:
                st.error(md_msg(exc))
            else:
                st.session_state["oos-done"] = decision.text()
                st.rerun()
for tab, status in ((tabs[1], "approved"), (tabs[2], "declined")):
    with tab:
        with session() as s:
            decided = requests_frame(session=s, actor=actor, status=status)
        if decided.empty:
            st.info(f"No {status} requests yet.")
            continue
        cols = ["id", "requested", "client", "contract", "description", "decided", "decided_by",
                "reason"]  # fmt: skip
        if status == "approved":
            cols[5:5] = ["hours", "rate", "amount", "currency", "invoice"]
        _table(decided[cols], f"oos-{status}")
