"""SLA data in the store, one module per concept.

- `frames`: fast column-wise reads (instants as text, parsed in bulk by pandas);
- `in_force`: the policy in force for a ticket (contract version over tier default);
- `events`: stored ticket events -> the `sla.events` log and pauses;
- `outcomes`: `sla_outcomes` / `sla_details`, the SLA state of every ticket and metric;
- `policy_editor`: policy versions of a contract (view, save) and the tier defaults;
- `entitlements`: whether each ticket was covered by a contract;
- `dashboard`: the dashboard cube, its filtered views, the ticket table and at-risk board;
- `reports`: the per-client PDF report;
- `import_mappings`, `tickets_import`: saved column mappings and the ticket import;
- `tickets_search`, `timeline`: finding a ticket and its SLA clock timeline.

Inside these modules `import sla` is the top-level SLA engine: this package is only
reachable as `db.sla`.
"""
