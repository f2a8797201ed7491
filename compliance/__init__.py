"""Compliance: what contracts require, what the company and its technicians hold, the gaps.

- ``requirements``: requirement and holding dataclasses, the name registry with synonyms.
- ``coverage``: holdings as day intervals; where coverage stops.
- ``gaps``: ``gaps()`` for any date and horizon; ``check_assignment()`` before a visit.
- ``risk``: gaps as DataFrames, counts per contract and per technician.
- ``report``: CSV and PDF export of the risk report.
- ``concepts`` and ``scope``: the field view's "is this covered?" check.

All of it is pure: values in, values out; no database, no Streamlit, no clock.
"""
