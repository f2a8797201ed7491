"""Neutralising what users and documents supply: text for Markdown/HTML, cells for spreadsheets."""
