"""Which pages exist, under which heading, and the permission each needs.

Page files must not share a name with a package (streamlit puts pages/ on sys.path).

app.py builds st.navigation from the pages the actor's role may open; each page also calls
`guard` with the same permission, so a page reached any other way still refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.roles import Actor
from db.config import ROOT


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    permission: str
    section: str


def _p(path: str, title: str, icon: str, permission: str, section: str) -> PageSpec:
    return PageSpec(path, title, f":material/{icon}:", permission, section)


# Every page of the product, in menu order. A page whose file is not there yet is skipped.
PAGES: list[PageSpec] = [
    _p("pages/executive.py", "Executive dashboard", "insights", "view_executive", "Dashboards"),
    _p("pages/portfolio.py", "Portfolio overview", "monitoring", "view_dashboards", "Dashboards"),
    _p("pages/performance.py", "Performance analytics", "query_stats", "work_sla", "Dashboards"),
    _p("pages/contract_list.py", "Contracts", "description", "view_contracts", "Contracts"),
    _p("pages/contract_detail.py", "Contract detail", "article", "view_contracts", "Contracts"),
    _p("pages/contract_new.py", "New contract", "note_add", "edit_contracts", "Contracts"),
    _p("pages/client_list.py", "Clients", "business", "view_contracts", "Contracts"),
    _p("pages/contract_import.py", "Import contracts", "upload", "edit_contracts", "Contracts"),
    _p("pages/upload.py", "Upload contracts", "upload_file", "upload_documents", "Contracts"),
    _p("pages/review.py", "Review terms", "fact_check", "review_terms", "Contracts"),
    _p("pages/sla_dashboard.py", "SLA dashboard", "timer", "work_sla", "Service"),
    _p("pages/ticket_timeline.py", "Ticket timeline", "timeline", "work_sla", "Service"),
    _p("pages/ticket_import.py", "Import tickets", "upload", "work_sla", "Service"),
    _p("pages/sla_policies.py", "SLA policies", "rule", "work_sla", "Service"),
    _p("pages/calendars.py", "Coverage calendars", "calendar_month", "work_sla", "Service"),
    _p("pages/renewal_pipeline.py", "Renewal pipeline", "autorenew", "work_renewals", "Renewals"),
    _p("pages/renewal_tasks.py", "My tasks", "task_alt", "work_renewals", "Renewals"),
    _p("pages/billing_run.py", "Billing run", "receipt_long", "work_billing", "Billing"),
    _p("pages/invoice_detail.py", "Invoice", "request_quote", "work_billing", "Billing"),
    _p("pages/receivables.py", "Receivables", "account_balance", "work_billing", "Billing"),
    _p("pages/client_billing.py", "Client billing", "payments", "work_billing", "Billing"),
    _p("pages/sla_credits.py", "SLA credits", "money_off", "work_billing", "Billing"),
    _p("pages/tax_rates.py", "Tax rates", "percent", "work_billing", "Billing"),
    _p("pages/extra_work.py", "Out-of-scope requests", "add_task", "work_billing", "Billing"),
    _p(
        "pages/compliance_overview.py",
        "Compliance",
        "verified_user",
        "work_compliance",
        "Compliance",
    ),
    _p(
        "pages/compliance_requirements.py",
        "Requirements",
        "checklist",
        "work_compliance",
        "Compliance",
    ),
    _p(
        "pages/technician_credentials.py",
        "Technician credentials",
        "badge",
        "work_compliance",
        "Compliance",
    ),
    _p("pages/field_view.py", "Field view", "handyman", "field_view", "Field"),
    _p("pages/outbox.py", "Outbox", "outgoing_mail", "work_renewals", "Admin"),
    _p("pages/share_links.py", "Share links", "share", "manage_share_links", "Admin"),
    _p("pages/user_admin.py", "Users", "group", "manage_users", "Admin"),
    _p("pages/api_tokens.py", "API tokens", "key", "manage_users", "Admin"),
    _p("pages/getting_started.py", "Getting started", "flag", "manage_users", "Admin"),
    _p("pages/my_account.py", "My account", "manage_accounts", "own_account", "Account"),
]


def pages_for(actor: Actor) -> dict[str, list[PageSpec]]:
    """Pages grouped by section, only those the actor's role may open."""
    out: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if actor.can(spec.permission) and (ROOT / spec.path).exists():
            out.setdefault(spec.section, []).append(spec)
    return out
