"""The renewal pipeline against the store: stages, health, proposals, tasks, notices, outcomes.

Everything here loads rows, hands DataFrames to the pure ``renewals`` package and writes
back what the user decided (audited). Definitions the numbers rely on:

- **Live contract**: not deleted, status not ``draft`` or ``terminated``. Every live
  contract is on the board; one the stage rules cannot place lands in *needs data*.
- **Today** is the calendar day in each contract's own zone, so stages, tasks and
  notices flip at local midnight.
- **Outcome** of a contract is the renewal opportunity for its stored end date or, for
  auto-renewing contracts that rolled forward, for the term now in force. A contract
  that another contract names as its ``previous_contract_id`` counts as renewed.
- **Health inputs** (pipeline, all contracts at once): SLA compliance, CSAT and hours over
  the last 365 days; ticket trend last 90 days vs the 90 before; invoices issued in the
  last 365 days (void/draft ignored). Contracted hours = ``included_hours`` per month, pro
  rata by day over the part of the window the contract ran. SLA outcomes come from
  :func:`db.sla.outcomes.sla_outcomes` (decided = met or breached).
- **Weights** live in the ``renewals.health_weights`` setting (JSON object of the five
  component weights); a malformed value is reported and the documented defaults apply.
- **Outcome values**: an opportunity has no "new value" column; the value kept is the
  linked new contract's value, else the proposed value, else the current value.
"""
