"""Issue 18: the client address (X-Forwarded-For only behind a trusted proxy) and the login
cookie's flags for a deployment behind a TLS proxy."""

import pytest

from access.deployment import Deployment, client_address, cookie_is_secure, deployment
from db.config import ConfigError
from ui.auth import cookie_script

XFF = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}  # the client forged the first entry


@pytest.mark.parametrize(
    "remote, headers, hops, expected",
    [
        ("203.0.113.5", XFF, 0, "203.0.113.5"),  # no proxy trusted: the header is ignored
        (None, XFF, 0, None),
        (None, XFF, 1, "198.51.100.7"),  # one proxy: the entry it appended
        (None, XFF, 2, "6.6.6.6"),
        (None, {"x-forwarded-for": "198.51.100.7"}, 3, "198.51.100.7"),
        ("10.0.0.2", {}, 1, "10.0.0.2"),  # no header: the connection's own address
        ("10.0.0.2", {"X-Forwarded-For": "not-an-ip"}, 1, "10.0.0.2"),
        (None, {"X-Forwarded-For": "2001:db8::1"}, 1, "2001:db8::1"),
    ],
)
def test_client_address(remote, headers, hops, expected):
    assert client_address(remote, headers, trusted_proxies=hops) == expected


def test_settings_from_env_then_secrets(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[security]\nsecure_cookie = true\ntrusted_proxies = 1\n")
    assert deployment({}, secrets) == Deployment(secure_cookie=True, trusted_proxies=1)
    env = {"CONTRACT_DESK_SECURE_COOKIE": "false", "CONTRACT_DESK_TRUSTED_PROXIES": "2"}
    assert deployment(env, secrets) == Deployment(secure_cookie=False, trusted_proxies=2)
    assert deployment({}, tmp_path / "none.toml") == Deployment()
    with pytest.raises(ConfigError, match="true or false"):
        deployment({"CONTRACT_DESK_SECURE_COOKIE": "maybe"}, secrets)
    with pytest.raises(ConfigError, match="0 to 10"):
        deployment({"CONTRACT_DESK_TRUSTED_PROXIES": "many"}, secrets)


def test_cookie_secure_when_forced_behind_a_tls_proxy():
    assert not cookie_is_secure("http://app.internal:8501", Deployment())
    assert cookie_is_secure("https://desk.example.com", Deployment())
    assert cookie_is_secure("http://app.internal:8501", Deployment(secure_cookie=True))
    script = cookie_script("tok", 60, secure=True)
    assert "SameSite=Strict; Secure'" in script and "Max-Age=60" in script
    assert "Secure" not in cookie_script("tok", 60, secure=False)
