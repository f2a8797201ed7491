"""Which pages exist, under which heading, and the permission each needs.

Page files must not share a name with a package (streamlit puts pages/ on sys.path).

app.py builds st.navigation from the pages the actor's role may open; each page also calls
`guard` with the same permission, so a page reached any other way still refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.roles import Actor


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    permission: str
    section: str


PAGES: list[PageSpec] = [
    PageSpec(
        "pages/contract_list.py", "Contracts", ":material/description:", "view_contracts", "Contracts"
    ),
    PageSpec(
        "pages/contract_detail.py", "Contract detail", ":material/article:", "view_contracts", "Contracts"
    ),
    PageSpec(
        "pages/contract_new.py",
        "New contract",
        ":material/note_add:",
        "edit_contracts",
        "Contracts",
    ),
    PageSpec("pages/client_list.py", "Clients", ":material/business:", "view_contracts", "Contracts"),
    PageSpec(
        "pages/portfolio.py",
        "Portfolio overview",
        ":material/monitoring:",
        "view_dashboards",
        "Dashboards",
    ),
    PageSpec("pages/field_view.py", "Field view", ":material/handyman:", "field_view", "Field"),
    PageSpec("pages/user_admin.py", "Users", ":material/group:", "manage_users", "Admin"),
]


def pages_for(actor: Actor) -> dict[str, list[PageSpec]]:
    """Pages grouped by section, only those the actor's role may open."""
    out: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if actor.can(spec.permission):
            out.setdefault(spec.section, []).append(spec)
    return out
