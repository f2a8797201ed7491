"""SMTP settings from `[smtp]` in .streamlit/secrets.toml or SMTP_* environment variables."""

from __future__ import annotations

import os

from db.config import ConfigError, read_secrets
from notify.smtp import SmtpSettings


def smtp_settings(env: dict[str, str] | None = None, secrets: dict | None = None) -> SmtpSettings:
    env = dict(os.environ) if env is None else env
    conf = dict((read_secrets() if secrets is None else secrets).get("smtp", {}))
    for name in ("host", "port", "sender", "username", "password", "starttls", "use_ssl"):
        if f"SMTP_{name.upper()}" in env:
            conf[name] = env[f"SMTP_{name.upper()}"]
    if not conf.get("host"):
        raise ConfigError(
            "No SMTP server configured: set [smtp] host in "
            ".streamlit/secrets.toml (see secrets.toml.example) or SMTP_HOST."
        )
    try:
        return SmtpSettings(
            host=str(conf["host"]),
            port=int(conf.get("port", 587)),
            sender=str(conf.get("sender", "contract-desk@localhost")),
            username=conf.get("username"),
            password=conf.get("password"),
            starttls=str(conf.get("starttls", "false")).lower() in ("1", "true", "yes"),
            use_ssl=str(conf.get("use_ssl", "false")).lower() in ("1", "true", "yes"),
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"Malformed [smtp] settings: {exc}") from exc
