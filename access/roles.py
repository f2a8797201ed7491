"""Roles and permissions (DESIGN.md "Roles"): the single table every check reads.

admin: everything. manager: everything but users and deletes. executive: read-only
dashboards. technician: the field view of the clients assigned to them.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "manager", "executive", "technician")
# Not a user role: the actor of a session opened through a share link.
SHARE = "share"

PERMISSIONS: dict[str, frozenset[str]] = {
    "view_executive": frozenset({"admin", "manager", "executive", SHARE}),
    "view_dashboards": frozenset({"admin", "manager", "executive"}),
    "view_contracts": frozenset({"admin", "manager"}),
    "edit_contracts": frozenset({"admin", "manager"}),
    "delete": frozenset({"admin"}),
    "upload_documents": frozenset({"admin", "manager"}),
    "review_terms": frozenset({"admin", "manager"}),
    "manage_users": frozenset({"admin"}),
    "manage_share_links": frozenset({"admin"}),
    "work_sla": frozenset({"admin", "manager"}),
    "work_renewals": frozenset({"admin", "manager"}),
    "work_billing": frozenset({"admin", "manager"}),
    "work_compliance": frozenset({"admin", "manager"}),
    "field_view": frozenset({"admin", "manager", "technician"}),
    "settings": frozenset({"admin"}),
    "own_account": frozenset({"admin", "manager", "executive", "technician"}),
}


class PermissionDenied(PermissionError):
    """Raised by every action whose actor lacks the permission; pages show the message."""


@dataclass(frozen=True)
class Actor:
    """The authenticated person behind an action (or a share link, as read-only executive)."""

    user_id: int | None
    username: str
    role: str
    technician_id: int | None = None

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> Actor:
    """Return the actor if allowed; otherwise raise PermissionDenied with a clear message."""
    if actor is None:
        raise PermissionDenied("Please log in first.")
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not actor.can(permission):
        raise PermissionDenied(
            f"Your role ({actor.role}) may not {permission.replace('_', ' ')}. "
            "Ask an admin if you need access."
        )
    return actor


SYSTEM = Actor(user_id=None, username="system", role="admin")
