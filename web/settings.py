"""The service's settings, read once from the environment when the app or a command starts.

Each layer defines its own section (``search.Limits`` and the caches in
:class:`search.SearchSettings`, :class:`ingest.limits.IngestSettings`,
:class:`WebSettings` here); :class:`Settings` only puts them together. The app
factory and the command line call :meth:`Settings.from_env` once and pass the
result down (the hub, ``app.config``), so no module reads ``SKH_...`` variables
on its own. ``docs/configuration.md`` lists every variable.

Security settings (session lifetimes, login back-off) stop the start with the
variable's name when malformed (:mod:`web.env_settings`); the rest keep their
default, as they always did.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ingest.limits import IngestSettings, env_number
from search import SearchSettings
from web.env_settings import positive_number
from web.login_throttle import Backoff
from web.sessions import Lifetimes

DEFAULT_RATE_LIMIT = "300/minute"
DEFAULT_WRITE_WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class WebSettings:
    """The web app's section; each field names its environment variable."""

    secret_key: str = ""
    """``SKH_SECRET_KEY``: signs the session cookies ("": a key kept in the data dir)."""
    rate_limit: str = DEFAULT_RATE_LIMIT
    """``SKH_RATE_LIMIT``: requests one client address may make ("300/minute", "10 per second"; "off")."""
    max_upload_mb: int = 200
    """``SKH_MAX_UPLOAD_MB``: the largest request body (an upload) the app accepts."""
    insecure_cookies: bool = False
    """``SKH_INSECURE_COOKIES=1``: cookies without ``Secure``, for plain-HTTP access under another name."""
    trusted_proxies: str = ""
    """``SKH_TRUSTED_PROXIES``: addresses or networks whose ``X-Forwarded-For`` is believed."""
    write_wait_seconds: float = DEFAULT_WRITE_WAIT_SECONDS
    """``SKH_WRITE_WAIT_SECONDS``: the longest a web write waits for the index writer before answering 503."""
    sessions: Lifetimes = field(default_factory=Lifetimes)
    """``SKH_SESSION_IDLE_MINUTES``, ``SKH_SESSION_MAX_HOURS``."""
    login: Backoff = field(default_factory=Backoff)
    """``SKH_LOGIN_FREE_FAILURES``, ``SKH_LOGIN_BACKOFF_SECONDS``, ``SKH_LOGIN_BACKOFF_MAX_SECONDS``."""
    invite_days: float = 7.0
    """``SKH_INVITE_DAYS``: how long an invitation's or reset's set-password link works."""
    public_url: str = ""
    """``SKH_PUBLIC_URL``: the address people reach the service at (``https://hub.example.dk``), for the absolute
    links of feeds, the sitemap and citations ("": the scheme and host of each request)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebSettings:
        return cls(
            secret_key=env.get("SKH_SECRET_KEY", ""),
            rate_limit=env.get("SKH_RATE_LIMIT", DEFAULT_RATE_LIMIT),
            max_upload_mb=int(env.get("SKH_MAX_UPLOAD_MB", "200")),
            insecure_cookies=env.get("SKH_INSECURE_COOKIES") == "1",
            trusted_proxies=env.get("SKH_TRUSTED_PROXIES", ""),
            write_wait_seconds=max(0.0, env_number("SKH_WRITE_WAIT_SECONDS", DEFAULT_WRITE_WAIT_SECONDS, env)),
            sessions=Lifetimes.from_env(env),
            login=Backoff.from_env(env),
            invite_days=positive_number("SKH_INVITE_DAYS", 7, env=env),
            public_url=public_url(env.get("SKH_PUBLIC_URL", "")),
        )


def public_url(value: str) -> str:
    """``value`` without its trailing slash; ValueError naming ``SKH_PUBLIC_URL`` unless it is an http(s) address
    without query or fragment (every absolute link a feed or sitemap gives would be wrong)."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"SKH_PUBLIC_URL must be an http(s) address such as https://hub.example.dk, not {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, one section per layer."""

    search: SearchSettings = field(default_factory=SearchSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    web: WebSettings = field(default_factory=WebSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``env`` (the process's environment by default); ValueError names a bad one."""
        env = os.environ if env is None else env
        return cls(
            search=SearchSettings.from_env(env), ingest=IngestSettings.from_env(env), web=WebSettings.from_env(env)
        )
