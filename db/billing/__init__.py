"""Billing in the store: runs, invoices, payments, receivables, backup documents, exports."""
