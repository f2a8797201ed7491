"""The README stays honest: every CLI command and every KPI definition is documented."""

import re

from analytics.kpis import DEFINITIONS
from cli import build_parser
from db.config import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = build_parser()
    groups = next(a for a in parser._actions if a.dest == "group")
    out = []
    for name, sub in groups.choices.items():
        cmds = [a for a in sub._actions if a.dest == "cmd"]
        out += [f"{name} {c}" for c in cmds[0].choices] if cmds else [name]
    return out


def test_every_cli_command_is_in_the_readme():
    missing = [c for c in _commands() if not re.search(rf"`{re.escape(c)}\b", README)]
    assert missing == []


def test_every_kpi_definition_is_in_the_readme():
    assert [k for k, v in DEFINITIONS.items() if f"| {k} | {v} |" not in README] == []


def test_quick_start_is_two_commands():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == [
        "./run.sh",
        "./test.sh",
    ]


def test_security_settings_and_the_tls_proxy_are_documented():
    """Issue 18: each deployment security setting is in the README and the example secrets,
    and the Streamlit config keeps the protections it can set."""
    import tomllib

    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    for name in (
        "CONTRACT_DESK_SECURE_COOKIE",
        "CONTRACT_DESK_TRUSTED_PROXIES",
        "CONTRACT_DESK_SECRET_KEY",
    ):
        assert name in README and name in example
    proxy = README.split("**Running behind TLS.**", 1)[1].split("```", 2)[1]
    assert "X-Frame-Options" in proxy and "frame-ancestors 'none'" in proxy
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["xsrfCookieSameSite"] == "strict"
    assert config["client"]["showErrorDetails"] == "none"


def test_the_frame_file_folder_is_documented_and_shared_by_the_replicas():
    """Issue 20: the setting is in the README and the example secrets; the compose file and
    the systemd environment give both app replicas the same folder."""
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert "CONTRACT_DESK_CACHE_DIR" in README and "[cache]" in example
    compose = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
    assert "CONTRACT_DESK_CACHE_DIR: /var/cache/contract-desk" in compose
    assert "framecache:/var/cache/contract-desk" in compose
    env = (ROOT / "deploy" / "contract-desk.env.example").read_text(encoding="utf-8")
    assert "CONTRACT_DESK_CACHE_DIR=" in env
