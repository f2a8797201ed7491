"""Issue 18: an exception's text often carries user data (a contract reference, a client or
file name, a spreadsheet cell); every page shows it through `md`, so it reads as typed and
never renders as a link, an image or a colour directive."""

from __future__ import annotations

import ast
from pathlib import Path

from markdown_it import MarkdownIt

from safe.text import md_msg
from tests.pages.conftest import ADMIN, page, private_copy, serving

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = {"error", "warning", "info", "success", "toast", "exception"}
ESCAPERS = {"md", "md_html", "md_msg"}


def _raw_exception_uses(path: Path) -> list[str]:
    """Calls st.error/warning/... whose text uses a caught exception not wrapped in md()."""
    tree = ast.parse(path.read_text(), filename=str(path))
    caught = {h.name for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler) and h.name}
    found = []
    for call in ast.walk(tree):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in MESSAGES
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "st"
        ):
            continue
        escaped: set[int] = set()
        for node in ast.walk(call):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ESCAPERS:
                escaped |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(call):
            if isinstance(node, ast.Name) and node.id in caught and id(node) not in escaped:
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    return found


def test_no_page_shows_an_exception_text_unescaped():
    files = sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "ui").glob("*.py"))
    assert len(files) > 30
    raw = [hit for f in files for hit in _raw_exception_uses(f)]
    assert not raw, raw


def test_the_guard_finds_a_raw_exception(tmp_path):
    bad = ROOT / "pages" / "_guard_probe.py"
    try:
        bad.write_text(
            "import streamlit as st\ntry:\n    pass\nexcept ValueError as exc:\n"
            "    st.error(f'Not saved: {exc}')\n"
        )
        assert _raw_exception_uses(bad) == ["pages/_guard_probe.py:5"]
    finally:
        bad.unlink()


def test_a_refusal_naming_a_markdown_client_shows_it_as_text(demo_url, tmp_path, monkeypatch):
    """A second client typed as a Markdown link: the duplicate refusal quotes the name, as text."""
    url = private_copy(demo_url, tmp_path)
    evil = "[Pay here](https://evil.example/x)"
    with serving(url, monkeypatch):
        for _ in range(2):
            at = page("pages/client_list.py", url, user=ADMIN).run()
            next(t for t in at.text_input if t.label == "Name").input(evil)
            next(b for b in at.button if b.label == "Create client").click().run()
    assert not at.exception
    refusal = at.error[0].value
    assert "already exists" in refusal
    html = MarkdownIt("commonmark").render(refusal)
    assert "<a" not in html and "[Pay here](https://evil.example/x)" in html


def test_md_msg_neutralises_markup_and_leaves_sentences_as_typed():
    render = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    evil = (
        "[Pay](https://evil.example/x) ![i](https://evil.example/p.png) <b>x</b> "
        "**bold** `code` ~~gone~~ | a | b |"
    )
    html = render.render(md_msg(evil))
    for tag in ("<a", "<img", "<b>", "<strong", "<code", "<s>", "<table"):
        assert tag not in html, tag
    for directive in (":red[now]", ":material/home:", "$x^2$", "www.evil.example"):
        escaped = md_msg(directive)
        assert escaped != directive and escaped.replace("\\", "") == directive
    plain = "Nothing was imported. Missing column(s): 'client' (client), 'start date'."
    assert md_msg(plain) == plain
