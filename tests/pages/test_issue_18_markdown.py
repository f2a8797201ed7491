"""Issue 18: text from uploads (client names, instructions) must never become a link or image."""

from __future__ import annotations

from markdown_it import MarkdownIt
from sqlalchemy import update

from db.engine import open_store, session_scope
from db.models import Client, Contract
from safe.text import md, md_doc, md_html
from tests.pages.conftest import TECH, page, private_copy, serving

EVIL_NAME = "[Call billing](https://evil.example/x) Co"
EVIL_NOTE = "Ring ![x](https://evil.example/p.png) or <b>www.evil.example</b> :red[now]"
RENDER = MarkdownIt("commonmark").enable("table")  # raw HTML on, as unsafe_allow_html


def _html(text: str) -> str:
    return RENDER.render(text)


def test_md_leaves_no_link_image_or_html():
    for text in (EVIL_NAME, EVIL_NOTE, "# Heading\n1. list", "https://evil.example/x"):
        html = _html(md(text))
        assert "<a" not in html and "<img" not in html and "<h1" not in html and "<b>" not in html
    for text in (EVIL_NAME, EVIL_NOTE, "https://evil.example/x www.evil.example"):
        html = _html(md_doc(text))
        assert "<a" not in html and "<img" not in html and "<b>" not in html
    assert md_doc("Acme, Co. - EUR 1,400.00") == "Acme, Co. - EUR 1,400.00"
    assert _html(md(EVIL_NAME)) == "<p>[Call billing](https://evil.example/x) Co</p>\n"
    assert md_html("<b>A&B</b>") == "&lt;b&gt;A&amp;B&lt;\\/b&gt;"


def test_field_view_shows_a_markdown_client_name_as_text(demo_url, tmp_path, monkeypatch):
    url = private_copy(demo_url, tmp_path)
    with serving(url, monkeypatch):
        at = page("pages/field_view.py", url, user=TECH).run()
        client_id = at.selectbox[0].value
        with session_scope(open_store(url)) as s:
            s.execute(update(Client).where(Client.id == client_id).values(name=EVIL_NAME))
            s.execute(  # every contract of the client: the card shows the one in force
                update(Contract)
                .where(Contract.client_id == client_id)
                .values(special_instructions=EVIL_NOTE)
            )
        at = page("pages/field_view.py", url, user=TECH).run()
    assert not at.exception
    header = at.header[0].value
    assert _html(header) == "<p>[Call billing](https://evil.example/x) Co</p>\n"
    bodies = [m.value for m in at.markdown]
    assert any("evil" in b for b in bodies)
    for body in bodies:
        html = _html(body)
        assert 'href="https://evil' not in html and "<img" not in html


def _no_link(text: str) -> None:
    html = _html(text)
    assert "<a" not in html and "<img" not in html, text


def test_contract_pages_show_a_markdown_client_name_and_title_as_text(
    demo_url, tmp_path, monkeypatch
):
    from tests.pages.conftest import ADMIN

    url = private_copy(demo_url, tmp_path)
    with session_scope(open_store(url)) as s:
        contract = s.query(Contract).order_by(Contract.id).first()
        contract_id, client_id = contract.id, contract.client_id
        s.execute(update(Client).where(Client.id == client_id).values(name=EVIL_NAME))
        s.execute(update(Contract).where(Contract.id == contract_id).values(title=EVIL_NOTE))
    with serving(url, monkeypatch):
        detail = page("pages/contract_detail.py", url, user=ADMIN, query={"id": contract_id})
        detail.run()
        policies = page("pages/sla_policies.py", url, user=ADMIN, query={"contract": contract_id})
        policies.run()
    assert not detail.exception and not policies.exception
    title = detail.title[0].value
    assert "evil" in title and "Call billing" in title
    _no_link(title)
    _no_link(detail.caption[0].value)
    shown = [m.value for m in policies.markdown if "evil" in m.value]
    assert shown
    for body in shown:
        _no_link(body)
