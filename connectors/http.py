"""HTTP for the pull connectors: each source's authentication, rate limits and clear errors.

Credentials come from `.streamlit/secrets.toml`, `[connectors.NAME]` (see
secrets.toml.example). A 429 or 503 is retried after the source's Retry-After (seconds or
an HTTP date, capped by `max_wait`), and requests are spaced by `min_interval` seconds so a
sync stays under the source's published limit instead of hitting it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors.sources import Request

REQUIRED = {
    "zendesk": ("base_url", "email", "api_token"),
    "freshdesk": ("base_url", "api_key"),
    "jsm": ("base_url", "email", "api_token"),
    "servicenow": ("base_url", "username", "password"),
    "connectwise": ("base_url", "company", "public_key", "private_key", "client_id"),
    "halopsa": ("base_url", "client_id", "client_secret"),
    "generic": ("base_url",),
}


class SyncError(RuntimeError):
    """The source refused or failed: the message says what and what to do."""


@dataclass
class Connection:
    """One source's credentials and limits, validated when read."""

    source: str
    settings: dict[str, Any]
    min_interval: float = 0.0
    max_wait: float = 60.0
    retries: int = 5
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    _last: float = field(default=0.0, repr=False)
    _bearer: str | None = field(default=None, repr=False)

    @staticmethod
    def from_secrets(source: str, secrets: dict[str, Any]) -> Connection:
        conf = (secrets.get("connectors") or {}).get(source)
        if not isinstance(conf, dict):
            raise SyncError(
                f"no [connectors.{source}] section in .streamlit/secrets.toml: add "
                f"{', '.join(REQUIRED.get(source, ('base_url',)))} (see secrets.toml.example)"
            )
        missing = [k for k in REQUIRED.get(source, ("base_url",)) if not conf.get(k)]
        if missing:
            raise SyncError(f"[connectors.{source}] is missing {', '.join(missing)}")
        try:
            per_minute = float(conf.get("requests_per_minute", 0) or 0)
            max_wait = float(conf.get("max_wait_seconds", 60))
        except (TypeError, ValueError) as exc:
            raise SyncError(
                f"[connectors.{source}] requests_per_minute and max_wait_seconds must be numbers"
            ) from exc
        if per_minute < 0 or max_wait < 0:
            raise SyncError(f"[connectors.{source}] limits cannot be negative")
        return Connection(
            source=source,
            settings=conf,
            min_interval=60.0 / per_minute if per_minute else 0.0,
            max_wait=max_wait,
        )

    @property
    def base_url(self) -> str:
        return str(self.settings["base_url"]).rstrip("/")

    def _auth(self, client: httpx.Client) -> tuple[Any, dict[str, str]]:
        c, s = self.settings, self.source
        if s == "zendesk":
            return (f"{c['email']}/token", c["api_token"]), {}
        if s == "freshdesk":
            return (c["api_key"], "X"), {}
        if s == "jsm":
            return (c["email"], c["api_token"]), {}
        if s == "servicenow":
            return (c["username"], c["password"]), {}
        if s == "connectwise":
            return (f"{c['company']}+{c['public_key']}", c["private_key"]), {
                "clientId": c["client_id"]
            }
        if s == "halopsa":
            return None, {"Authorization": f"Bearer {self._halo_token(client)}"}
        token = c.get("token")
        return None, ({"Authorization": f"Bearer {token}"} if token else {})

    def _halo_token(self, client: httpx.Client) -> str:
        """HaloPSA: OAuth2 client-credentials token, fetched once per sync."""
        if self._bearer is None:
            url = self.settings.get("auth_url") or f"{self.base_url}/auth/token"
            r = client.post(
                url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.settings["client_id"],
                    "client_secret": self.settings["client_secret"],
                    "scope": self.settings.get("scope", "all"),
                },
            )
            if r.status_code != 200:
                raise SyncError(
                    f"halopsa refused the client credentials ({r.status_code}): "
                    "check client_id/client_secret in [connectors.halopsa]"
                )
            self._bearer = str(r.json().get("access_token") or "")
        return self._bearer

    def _pace(self) -> None:
        wait = self._last + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        value = response.headers.get("retry-after", "")
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = 2.0**attempt
        return max(0.0, seconds)

    def get(self, client: httpx.Client, request: Request) -> Any:
        """The JSON body of one page; retries rate limits, raises SyncError otherwise."""
        url = f"{self.base_url}{request.path}"
        for attempt in range(self.retries + 1):
            self._pace()
            auth, headers = self._auth(client)
            try:
                r = client.get(
                    url, params=request.params, auth=auth, headers=headers, timeout=self.timeout
                )
            except httpx.HTTPError as exc:
                raise SyncError(
                    f"{self.source}: cannot reach {self.base_url} ({exc}); "
                    "check base_url and the network, then sync again"
                ) from exc
            if r.status_code in (429, 503) and attempt < self.retries:
                wait = self._retry_after(r, attempt)
                if wait > self.max_wait:
                    raise SyncError(
                        f"{self.source} asks to wait {wait:.0f} s (over "
                        f"max_wait_seconds={self.max_wait:.0f}); sync again later"
                    )
                self.sleep(wait)
                continue
            if r.status_code in (401, 403):
                raise SyncError(
                    f"{self.source} refused the credentials ({r.status_code}): "
                    f"check [connectors.{self.source}] in secrets.toml"
                )
            if r.status_code != 200:
                raise SyncError(
                    f"{self.source} answered {r.status_code} for {request.path or '/'}"
                    f": {r.text[:200]}"
                )
            try:
                return r.json()
            except ValueError as exc:
                raise SyncError(f"{self.source} answered something that is not JSON") from exc
        raise SyncError(
            f"{self.source} kept rate-limiting after {self.retries} retries; sync again later"
        )
