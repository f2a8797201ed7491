"""Renewal pipeline: every live contract by stage, health, at-risk, forecast; per contract
the 90-day health check, the proposal (PDF / Markdown) and the outcome."""

from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from db.renewals.common import NotFound
from db.renewals.contracts import contract_options
from db.renewals.outcomes import record_outcome, renewal_outcomes
from db.renewals.pipeline import BOARD, STAGE_LABELS, renewal_pipeline
from db.renewals.proposals import proposal_files, record_proposal
from db.renewals.weights import set_health_weights
from renewals.health import COMPONENTS
from safe.text import md, md_msg
from ui.auth import guard, run_action
from ui.feedback import job
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged

actor = guard("work_renewals")
st.title("Renewal pipeline")


@st.cache_data(ttl=300, show_spinner="Scoring every contract…")
def _pipeline(day: str, horizon: int, _actor):
    # Noon of the day, as the executive page scores it: both share one health computation.
    noon = datetime.combine(date.fromisoformat(day), time(12), UTC)
    with session() as s:
        return renewal_pipeline(session=s, actor=_actor, now=noon, forecast_days=horizon)


@st.cache_data(ttl=300, show_spinner="Compiling the health check…")
def _proposal(contract_id: int, day: str, user: str, _actor):
    with session() as s:
        return proposal_files(
            session=s, actor=_actor, contract_id=contract_id, now=datetime.now(UTC)
        )


@st.cache_data(ttl=300, show_spinner=False)
def _options(_actor):
    with session() as s:
        return contract_options(session=s, actor=_actor)


def _refresh() -> None:
    _pipeline.clear()
    _proposal.clear()


today = datetime.now(UTC).date().isoformat()
horizon = st.session_state.get("forecast_horizon", 365)
p = _pipeline(today, horizon, actor)
if flash := st.session_state.pop("flash", None):
    st.success(flash)
if p.weights_problem:
    st.warning(p.weights_problem)

cols = st.columns(4)
for i, stage in enumerate(BOARD):
    cols[i % 4].metric(STAGE_LABELS[stage], p.counts.get(stage.value, 0))

board, risk, needs, forecast, one, outcomes, weights = st.tabs(
    ["Board", "At risk", "Needs data", "Forecast", "Contract", "Outcomes", "Health weights"]
)
label = {s.value: STAGE_LABELS[s] for s in BOARD}

with board:
    default = [s.value for s in BOARD[:4]]
    shown = st.multiselect(
        "Stages", [s.value for s in BOARD], default=default, format_func=label.get, key="stages"
    )
    rows = p.contracts[p.contracts["stage"].isin(shown)].sort_values(
        "days_to_key_date", na_position="last", kind="stable"
    )
    st.caption(
        f"{len(rows)} contracts. Key date = notice deadline for auto-renewing contracts, "
        "else the end date. Health: last 12 months (0-100)."
    )
    view = rows.assign(stage=rows["stage"].map(label))
    show_table(
        paged(view, "board-page"),
        overrides={
            "health": st.column_config.ProgressColumn(
                "Health", min_value=0, max_value=100, format="%.0f"
            ),
            "days_to_key_date": st.column_config.TextColumn("Key date is"),
        },
    )
    downloads(view, "renewal-pipeline")

with risk:
    st.caption("Open or lapsed contracts with a health score under 60 or a red flag, worst first.")
    if p.at_risk.empty:
        st.success("No contract is at risk.")
    else:
        show_table(
            paged(p.at_risk.assign(stage=p.at_risk["stage"].map(label)), "risk-page"),
            overrides={"why": st.column_config.TextColumn("Why", width="large")},
        )
        downloads(p.at_risk, "renewals-at-risk")

with needs:
    if p.needs_data.empty:
        st.success("Every live contract has the dates the pipeline needs.")
    else:
        st.warning(
            f"{len(p.needs_data)} contracts cannot be placed in the pipeline until their "
            "dates are complete. Fix them on the contract page."
        )
        show_table(p.needs_data)

with forecast:
    st.selectbox(
        "Renewals due within",
        [90, 180, 365],
        index=[90, 180, 365].index(horizon),
        format_func=lambda d: f"{d} days",
        key="forecast_horizon",
    )
    st.caption(
        "Contract value weighted by the chance of renewal read from the health score "
        "(unscored contracts count at 50%). Totals per currency, never added across."
    )
    show_table(p.forecast)

with one:
    options = _options(actor)
    raw = st.query_params.get("id")
    current = int(raw) if raw and raw.isdigit() and int(raw) in options else None
    picked = st.selectbox(
        "Contract",
        list(options),
        format_func=options.get,
        index=list(options).index(current) if current else None,
        placeholder="Choose a contract",
        key="contract",
    )
    if picked is None:
        st.info("Choose a contract to see its health check, proposal and outcome.")
    else:
        if picked != current:
            st.query_params["id"] = str(picked)
        try:
            with job("Health check and proposal") as running:
                running.step(0.1, "Scoring the term, comparing it with the last one, drafting…")
                files = _proposal(int(picked), today, actor.username, actor)
                running.finish(f"Proposal ready for {files.health.reference}: PDF and Markdown")
        except (NotFound, ValueError) as exc:
            st.error(md_msg(exc))
            files = None
        if files is not None:
            h = files.health
            cur, prev = h.check.current, h.check.previous
            st.subheader(f"{md(h.reference)} · {md(h.client)}")
            score = h.score.score
            m = st.columns(3)
            m[0].metric(
                "Health score",
                "n/a" if score is None else f"{score:.0f}/100",
                help="Weighted score of SLA, utilisation, ticket trend, satisfaction, payment.",
            )
            m[0].caption(h.score.based_on.capitalize())
            m[1].metric("Key date", str(h.key_date or "—"))
            m[2].metric("Proposed / month", f"{h.currency} {files.proposed_price:,.2f}")
            st.caption(
                f"Stage: {label.get(h.stage, h.stage)} · term {cur.term.start} to "
                f"{cur.term.end} · health from this term, trend over the last 180 days"
            )
            for flag in h.score.red_flags:
                st.error(flag)
            others = [r for r in h.score.reasons if r not in h.score.red_flags]
            if others:
                st.warning("\n".join(f"- {r}" for r in others))
            if h.score.missing:
                st.caption("No data for: " + ", ".join(h.score.missing))
            st.markdown("**Health check: this term against the previous one**")
            show_table(
                pd.DataFrame(files.performance, columns=["measure", "previous term", "this term"])
            )
            usage = h.check.usage.melt(
                id_vars="period", value_vars=["hours_used", "hours_contracted"], var_name="series"
            )
            st.altair_chart(
                alt.Chart(usage)
                .mark_line(point=True)
                .encode(
                    x=alt.X("period:N", title="Period", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("value:Q", title="Hours"),
                    color=alt.Color(
                        "series:N",
                        title=None,
                        scale=alt.Scale(
                            domain=["hours_used", "hours_contracted"], range=["#2563eb", "#9ca3af"]
                        ),
                        legend=alt.Legend(labelExpr="replace(datum.label, '_', ' ')"),
                    ),
                ),
                width="stretch",
            )
            st.markdown("**Recommendation**")
            for rec in files.recommendations:
                st.write(f"- {rec.summary}")
            st.write(
                f"Proposed price: **{h.currency} {files.proposed_price:,.2f}** per month "
                f"for {files.new_term_months} months "
                f"(now {h.currency} {files.recommendations[0].current_price:,.2f})."
            )

            def _remember(f=files):
                with session() as s:
                    record_proposal(session=s, actor=actor, files=f)
                st.toast(f"Proposal for {f.health.reference} downloaded and recorded.")

            d = st.columns(2)
            d[0].download_button(
                "Proposal (PDF)",
                files.pdf,
                file_name=f"{files.stem}.pdf",
                mime="application/pdf",
                on_click=_remember,
                key="proposal-pdf",
            )
            d[1].download_button(
                "Proposal (Markdown)",
                files.markdown,
                file_name=f"{files.stem}.md",
                mime="text/markdown",
                on_click=_remember,
                key="proposal-md",
            )

            st.markdown("**Record the outcome**")
            with st.form("outcome"):
                outcome = st.radio("Outcome", ["renewed", "renegotiated", "lost"], horizontal=True)
                new_id = st.selectbox(
                    "Contract holding the new terms (renegotiated; optional for renewed)",
                    [c for c in options if c != picked],
                    format_func=options.get,
                    index=None,
                )
                reason = st.text_input("Reason (required when lost)")
                if st.form_submit_button("Record outcome"):
                    try:
                        with session() as s:
                            done = run_action(
                                record_outcome,
                                session=s,
                                actor=actor,
                                contract_id=int(picked),
                                outcome=outcome,
                                reason=reason,
                                new_contract_id=None if new_id is None else int(new_id),
                                now=datetime.now(UTC),
                            )
                        if done is not None:
                            _refresh()
                            st.session_state["flash"] = f"Recorded: {outcome}."
                            st.rerun()
                    except (ValueError, NotFound) as exc:
                        st.error(md_msg(exc))

with outcomes:
    a, b = st.columns(2)
    start = a.date_input("Decided from", date.fromisoformat(today) - timedelta(days=365))
    end = b.date_input("Decided until", date.fromisoformat(today))
    try:
        with session() as s:
            rates = renewal_outcomes(session=s, actor=actor, start=start, end=end)
    except ValueError as exc:
        st.error(md_msg(exc))
        rates = None
    if rates is not None and rates.empty:
        st.info("No renewal was decided in this period.")
    elif rates is not None:
        st.caption(
            "Renewal rate = (renewed + renegotiated) / decided. Value retention = value kept "
            "/ value up for renewal (above 100% with uplifts); gross retention ignores uplifts."
        )
        show_table(
            rates,
            overrides={
                c: st.column_config.NumberColumn(c.capitalize(), format="percent")
                for c in ("renewal rate", "value retention", "gross retention")
            },
        )

with weights:
    st.caption(
        "How much each component counts in the health score (only the ratios matter). "
        "A component without data is left out and the others re-weighted."
    )
    if not actor.can("settings"):
        st.table(pd.DataFrame([p.weights]))
        st.info("Only admins change the weights.")
    else:
        with st.form("weights"):
            new = {
                c: st.number_input(
                    c.replace("_", " "), min_value=0.0, max_value=1.0, value=float(p.weights[c]),
                    step=0.05, key=f"w-{c}",
                )
                for c in COMPONENTS
            }  # fmt: skip
            if st.form_submit_button("Save weights"):
                try:
                    with session() as s:
                        saved = run_action(set_health_weights, session=s, actor=actor, weights=new)
                    if saved is not None:
                        _refresh()
                        st.session_state["flash"] = "Weights saved; scores recomputed."
                        st.rerun()
                except ValueError as exc:
                    st.error(md_msg(exc))
