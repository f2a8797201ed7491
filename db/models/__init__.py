"""All ORM models; importing this package registers every table on Base.metadata."""

from db.models.api import ApiRequest, ApiToken, InboundEvent, SyncCursor
from db.models.clients import Client, Contact, Site
from db.models.contracts import (
    Calendar,
    CalendarHoliday,
    Contract,
    ContractDocument,
    ContractService,
    ContractVersion,
    ExtractedTerm,
    SlaPolicy,
    SlaTarget,
    UnitCount,
)
from db.models.credits import ServiceCreditRule
from db.models.jobs import (
    DeliveryRun,
    JobIssue,
    RunLock,
    SlaAlertItem,
    TicketImportError,
    TicketImportRun,
)
from db.models.lifecycle import (
    CompanyHolding,
    ComplianceRequirement,
    RenewalOpportunity,
    RenewalTask,
)
from db.models.money import (
    BillingFinding,
    BillingRun,
    BillingRunClient,
    Invoice,
    InvoiceLine,
    Payment,
)
from db.models.ops import (
    AuditEntry,
    ImportMapping,
    Notification,
    NotificationAttachment,
    NotificationAttempt,
    Setting,
    ShareLink,
    ShareLinkUse,
)
from db.models.people import (
    LoginSession,
    Technician,
    TechnicianAssignment,
    TechnicianCredential,
    User,
)
from db.models.security import LoginFailure
from db.models.work import OutOfScopeRequest, Ticket, TicketEvent, TimeEntry

__all__ = [
    "ApiRequest",
    "ApiToken",
    "InboundEvent",
    "SyncCursor",
    "AuditEntry",
    "BillingFinding",
    "BillingRun",
    "BillingRunClient",
    "Calendar",
    "CalendarHoliday",
    "Client",
    "CompanyHolding",
    "ComplianceRequirement",
    "Contact",
    "Contract",
    "ContractDocument",
    "ContractService",
    "ContractVersion",
    "ExtractedTerm",
    "ImportMapping",
    "JobIssue",
    "DeliveryRun",
    "SlaAlertItem",
    "TicketImportError",
    "TicketImportRun",
    "Invoice",
    "LoginSession",
    "InvoiceLine",
    "Notification",
    "NotificationAttachment",
    "NotificationAttempt",
    "OutOfScopeRequest",
    "Payment",
    "RenewalOpportunity",
    "RenewalTask",
    "RunLock",
    "ServiceCreditRule",
    "LoginFailure",
    "Setting",
    "ShareLink",
    "ShareLinkUse",
    "SlaPolicy",
    "SlaTarget",
    "Site",
    "Technician",
    "TechnicianAssignment",
    "TechnicianCredential",
    "Ticket",
    "TicketEvent",
    "TimeEntry",
    "UnitCount",
    "User",
]
