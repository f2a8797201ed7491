"""Streamlit glue shared by pages: the cached store, the logged-in actor, tables, navigation."""
