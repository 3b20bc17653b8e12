"""Which GitHub the console talks to, and which token it may send there — gh's conventions.

- The host: ``--github-url`` > ``GITHUB_API_URL`` > ``GH_HOST`` > the config file's ``github_url`` > the
  ``origin`` remote's host when it is not github.com > github.com.
- The token: for github.com (and ``*.ghe.com``) ``GH_TOKEN``, ``GITHUB_TOKEN``, else ``gh auth token``;
  for any other host (GitHub Enterprise Server, or a local stand-in) ``GH_ENTERPRISE_TOKEN``,
  ``GITHUB_ENTERPRISE_TOKEN``, else ``gh auth token --hostname HOST``. A token meant for github.com is
  never sent to another host: the console refuses, and says which variable to set instead.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from console.errors import AuthError, ConfigError

GITHUB_COM = "github.com"
DEFAULT_API_URL = "https://api.github.com"
DOTCOM_TOKENS = ("GH_TOKEN", "GITHUB_TOKEN")
ENTERPRISE_TOKENS = ("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN")


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # the variable's name, or "gh auth token --hostname HOST"

    def __repr__(self) -> str:  # never the value
        return f"Token(source={self.source!r})"


def is_dotcom(host: str) -> bool:
    """github.com and GitHub Enterprise Cloud with data residency (``*.ghe.com``) take gh's GH_TOKEN."""
    return host == GITHUB_COM or host.endswith(".ghe.com")


def api_url(host: str) -> str:
    """The REST API base of a host, as gh builds it."""
    host = host.strip().rstrip("/").lower()
    if "://" in host or "/" in host or not re.fullmatch(r"[a-z0-9.-]+(:\d{1,5})?", host):
        raise ConfigError(f"GH_HOST '{host}' is not a host name; use e.g. github.example.com (no scheme, no path).")
    if host in (GITHUB_COM, "api.github.com"):
        return DEFAULT_API_URL
    if host.endswith(".ghe.com"):
        return f"https://api.{host.removeprefix('api.')}"
    return f"https://{host}/api/v3"


def web_url(api: str) -> str:
    """The web address that matches an API address: api.github.com -> https://github.com, a GitHub
    Enterprise Server's ``https://HOST/api/v3`` -> ``https://HOST``, a stand-in's root as it is."""
    url = api.rstrip("/")
    if url == DEFAULT_API_URL:
        return f"https://{GITHUB_COM}"
    if url.endswith("/api/v3"):
        return url[: -len("/api/v3")]
    netloc = urlsplit(url).netloc.lower()
    if netloc.startswith("api.") and netloc.endswith(".ghe.com"):
        return url.replace(netloc, netloc.removeprefix("api."), 1)
    return url


def host_of(url: str) -> str:
    """The GitHub host an API URL belongs to (``api.github.com`` -> github.com)."""
    netloc = (urlsplit(url).netloc or url).lower()
    if netloc == "api.github.com":
        return GITHUB_COM
    if netloc.startswith("api.") and netloc.endswith(".ghe.com"):
        return netloc.removeprefix("api.")
    return netloc


def origin_url(cwd: Path | None = None) -> str | None:
    """The ``origin`` remote's URL of the clone at ``cwd`` (default: here); read once per folder, since
    both the repository and the host come from it."""
    return _origin_url(str(cwd or Path.cwd()))


@functools.lru_cache(maxsize=8)
def _origin_url(cwd: str) -> str | None:
    try:
        out = subprocess.run(["git", "remote", "get-url", "origin"], cwd=cwd, capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def remote_host(cwd: Path | None = None) -> str | None:
    """The host of the ``origin`` remote (https or ssh), if any."""
    match = re.match(r"^(?:[a-z+]+://)?(?:[^@/]+@)?([A-Za-z0-9.-]+)(?::\d+)?[:/]", origin_url(cwd) or "")
    return match[1].lower() if match else None


def find_token(env: Mapping[str, str], host: str) -> Token | None:
    """The token for ``host`` by gh's rules; raises AuthError rather than send github.com's elsewhere."""
    names = DOTCOM_TOKENS if is_dotcom(host) else ENTERPRISE_TOKENS
    for name in names:
        if env.get(name):
            return Token(env[name], name)
    token = _gh_auth_token(host)
    if token:
        return Token(token, f"gh auth token --hostname {host}")
    if not is_dotcom(host):
        stray = next((n for n in DOTCOM_TOKENS if env.get(n)), None)
        if stray:
            raise AuthError(f"{stray} holds a github.com token and is never sent to {host}; set GH_ENTERPRISE_TOKEN "
                            f"for {host} (or run `gh auth login --hostname {host}`).")
    return None


def missing_token_message(host: str) -> str:
    variable = "GH_TOKEN" if is_dotcom(host) else "GH_ENTERPRISE_TOKEN"
    login = "gh auth login" if host == GITHUB_COM else f"gh auth login --hostname {host}"
    return f"No GitHub token found for {host}: set {variable}, or run `{login}`."


def _gh_auth_token(host: str) -> str | None:
    try:
        out = subprocess.run(["gh", "auth", "token", "--hostname", host], capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    token = out.stdout.strip()
    return token if out.returncode == 0 and token else None

