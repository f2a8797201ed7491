"""Issue 18: a malformed deployment security setting stops the app with a clear message
before anyone logs in (not a traceback at the first login)."""

from tests.pages.conftest import page


def test_malformed_trusted_proxies_setting_stops_the_app(app_env, monkeypatch):
    monkeypatch.setenv("CONTRACT_DESK_TRUSTED_PROXIES", "many")
    at = page("app.py", app_env).run()
    assert not at.exception
    assert "security settings are malformed" in at.error[0].value
    assert "trusted_proxies" in at.error[0].value
    assert not [b for b in at.button if b.label == "Log in"]
