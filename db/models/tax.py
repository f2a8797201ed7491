"""Tax rates a client's invoices carry: per client, or per country for clients without one.

A client-specific rate wins over its country's rate; the one in force on the invoice's bill
date applies. `kind` says how it is charged: vat / gst / sales_tax charge `rate` percent;
reverse_charge and exempt charge nothing but print why (the customer accounts for the tax /
the supply is exempt). The export codes are what QuickBooks and Xero call this rate in the
company's own accounting file (defaults in billing/tax.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Rate, utcnow


class TaxRate(Base):
    __tablename__ = "tax_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))  # printed on the invoice: "VAT", "GST"
    kind: Mapped[str] = mapped_column(String(20))
    rate: Mapped[Decimal] = mapped_column(Rate)  # percent, 0-100
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    quickbooks_code: Mapped[str | None] = mapped_column(String(60))
    xero_tax_type: Mapped[str | None] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
