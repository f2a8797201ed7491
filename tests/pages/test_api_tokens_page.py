"""API tokens page: an admin creates a token (shown once) and sees it listed; others refused."""

from tests.pages.conftest import ADMIN, MANAGER, page, private_copy, serving


def test_admin_creates_and_lists_a_token(demo_url, tmp_path, monkeypatch):
    url = private_copy(demo_url, tmp_path)
    with serving(url, monkeypatch):
        at = page("pages/api_tokens.py", url, user=ADMIN).run()
        assert not at.exception
        at.text_input[0].input("Zendesk webhook")
        at.button[0].click().run()
        assert any("Token created" in s.value for s in at.success)
        token = at.code[0].value
        assert token.startswith("cdk_")
        table = at.dataframe[0].value
        assert table["name"].tolist() == ["Zendesk webhook"]
        assert token not in table.to_string()
        refused = page("pages/api_tokens.py", url, user=MANAGER).run()
        assert any("may not" in e.value for e in refused.error)
