"""Billing: pricing models, invoice runs, time-entry validation, overage, backup documents.

Pure code (Decimal money, dates, dataclasses, DataFrames): no database, no Streamlit,
no clock. Modules: money (the one rounding rule), model (input/output shapes), periods,
pricing (+ rating, blockhours), validation, run, overage, backup, ageing, export, frames.
"""
