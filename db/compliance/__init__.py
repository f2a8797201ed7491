"""Compliance in the store: requirements, holdings, credentials, assignments, gaps and alerts.

Loaders turn rows into the pure ``compliance`` dataclasses (how rows map: see
``db.compliance.loaders``); everything else is keyword-only, checks the actor first and
audits what it changes.
"""
