"""Settings: one frozen value built from the config file, the environment and command-line flags.

Precedence: flags > environment > the config file's ``[repos."OWNER/NAME"]`` section > its
``[defaults]`` section > built-in defaults. The file lives in the platform's user config directory
(``ghaecr-console config path`` prints it); ``GHAECR_CONSOLE_CONFIG`` points elsewhere.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from console.config_checks import check_refresh, check_setting, check_url, read_config_text
from console.errors import ConfigError
from console.github_host import GITHUB_COM, api_url, origin_url
from console.model.alerts import NOTIFY_MODES
from console.model.snapshot import SINGLE_REPOSITORY, TWO_REPOSITORIES

APP_NAME = "ghaecr-console"
DEFAULT_GITHUB_URL = "https://api.github.com"


@dataclass(frozen=True)
class WorkflowFiles:
    ci: str = "ci.yml"
    cd: str = "cd.yml"
    security: str = "security.yml"

    def all(self) -> tuple[str, ...]:
        return (self.ci, self.cd, self.security)


@dataclass(frozen=True)
class Settings:
    repo: str  # OWNER/NAME
    ecr_repository: str  # builds and staging-*; also production's tags unless production_repository is set
    production_repository: str | None = None  # two-repository layout: releases, latest-*, previous-*
    github_url: str = DEFAULT_GITHUB_URL
    token: str | None = field(default=None, repr=False)  # never printed, logged or recorded
    token_source: str = ""  # where the token came from (GH_TOKEN, gh auth token --hostname HOST, ...)
    region: str | None = None
    profile: str | None = None
    targets: tuple[str, ...] = ()  # the config's; empty: discovered from ECR tags
    only_targets: tuple[str, ...] = ()  # --target: what status, images, prune and rollback act on
    environments: tuple[str, ...] = ("staging", "production")
    workflows: WorkflowFiles = WorkflowFiles()
    dispatch_ref: str = "main"  # ref the CD workflow is dispatched on
    refresh_seconds: float = 30.0
    read_only: bool = False
    bell: bool = True
    notify: str = "bell"  # bell | desktop | both | none: how an approval, a failure, an action's end is signalled
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s)
    prune_keep: int = 10
    sandbox: bool = False
    # Where each setting came from: "flag --region", "env GHAECR_REPO", 'config [repos."O/N"]',
    # "config [defaults]", "git remote origin" or "default…" (`config show` prints them).
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def layout(self) -> str:
        """Where production's tags live: "single-repository" or "two-repository" (see services.registry)."""
        return TWO_REPOSITORIES if self.production_repository else SINGLE_REPOSITORY

    @property
    def notify_mode(self) -> str:
        """How to signal: ``notify``, except that the older ``bell = false`` silences the default."""
        return "none" if self.notify == "bell" and not self.bell else self.notify

    @property
    def owner(self) -> str:
        return self.repo.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.repo.split("/", 1)[1]


def config_path() -> Path:
    override = os.environ.get("GHAECR_CONSOLE_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def state_dir() -> Path:
    """Where the audit log lives (``GHAECR_CONSOLE_STATE_DIR`` overrides, for tests and CI)."""
    override = os.environ.get("GHAECR_CONSOLE_STATE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir(APP_NAME))


# --- Loading ------------------------------------------------------------------------------------

REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# ECR's repository name pattern (lower case; path segments separated by /), at most 256 characters.
ECR_NAME_RE = re.compile(r"^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")

# Keys a [defaults] or [repos."OWNER/NAME"] section may hold, with the type each must have.
_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "repo": str,
    "ecr_repository": str,
    "production_repository": str,
    "github_url": str,
    "region": str,
    "profile": str,
    "targets": list,
    "environments": list,
    "workflows": dict,
    "dispatch_ref": str,
    "refresh_seconds": (int, float),
    "read_only": bool,
    "bell": bool,
    "notify": str,
    "theme": str,
    "keys": dict,
    "prune_keep": int,
}


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The parsed config file, or {} when there is none. Raises ConfigError on a malformed file."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(read_config_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML ({exc}); fix or remove it.") from None
    unknown = set(data) - {"defaults", "repos"}
    if unknown:
        raise ConfigError(
            f"Config file {path}: unknown section(s) {', '.join(sorted(unknown))}; use [defaults] and [repos.\"OWNER/NAME\"]."
        )
    _check_section(path, "defaults", data.get("defaults", {}))
    repos = data.get("repos", {})
    if not isinstance(repos, dict):
        raise ConfigError(f'Config file {path}: [repos] must hold tables like [repos."OWNER/NAME"].')
    for name, section in repos.items():
        _check_section(path, f'repos."{name}"', section)
    return data


def _check_section(path: Path, name: str, section: Any) -> None:
    if not isinstance(section, dict):
        raise ConfigError(f"Config file {path}: [{name}] must be a table.")
    for key, value in section.items():
        expected = _FILE_KEYS.get(key)
        if expected is None:
            raise ConfigError(
                f"Config file {path}: unknown setting '{key}' in [{name}]; known: {', '.join(sorted(_FILE_KEYS))}."
            )
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            kind = expected.__name__ if isinstance(expected, type) else "number"
            raise ConfigError(f"Config file {path}: '{key}' in [{name}] must be a {kind}, not {value!r}.")
        check_setting(f"Config file {path} [{name}]", key, value)


def detect_repo_from_git(cwd: Path | None = None) -> str | None:
    """OWNER/NAME from the current directory's `origin` remote (https or ssh), if any."""
    url = origin_url(cwd)
    match = re.search(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$", url or "")
    return f"{match[1]}/{match[2]}" if match else None


class _Sources:
    """Reads settings by precedence — flag > environment variable > ``[repos."OWNER/NAME"]`` >
    ``[defaults]`` > built-in default — and records where each value came from (``Settings.sources``,
    printed by `config show`)."""

    def __init__(self, flags: Mapping[str, Any], env: Mapping[str, str], file_data: Mapping[str, Any]) -> None:
        self.flags, self.env, self.file_data = flags, env, file_data
        self.sections: list[tuple[str, Mapping[str, Any]]] = [("config [defaults]", file_data.get("defaults", {}))]
        self.found: dict[str, str] = {}

    def enter_repo(self, repo: str) -> None:
        """From now on the repository's own section comes before ``[defaults]``."""
        self.sections.insert(0, (f'config [repos."{repo}"]', self.file_data.get("repos", {}).get(repo, {})))

    def first(self, setting: str, candidates: Sequence[tuple[str, Any]], default: Any = None,
              default_source: str = "default") -> Any:
        """The first candidate ``(source, value)`` that has a value; its source is recorded for ``setting``."""
        for source, value in candidates:
            if value is not None:
                self.found[setting] = source
                return value
        self.found[setting] = default_source
        return default

    def pick(self, key: str, *, flag: str | None = None, env: str | None = None, default: Any = None,
             default_source: str = "default") -> Any:
        """``key`` from the flag, the variable, then the config sections (the file's name for it is ``key``)."""
        return self.first(key, [*self.flag(flag), *self.variable(env), *self.file(key)], default, default_source)

    def flag(self, dest: str | None) -> list[tuple[str, Any]]:
        if not dest:
            return []
        value = self.flags.get(dest)
        # A store_true flag left off reads False: "not given", not "given as false".
        return [(f"flag {_FLAG_NAMES.get(dest, '--' + dest.replace('_', '-'))}", None if value is False else value)]

    def variable(self, name: str | None) -> list[tuple[str, Any]]:
        return [(f"env {name}", self.env.get(name) or None)] if name else []

    def file(self, key: str) -> list[tuple[str, Any]]:
        return [(source, section.get(key)) for source, section in self.sections]


_FLAG_NAMES = {"targets": "--target"}  # flags whose option is not their dest with dashes


def build_settings(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    file_data: Mapping[str, Any] | None = None,
    *,
    git_repo: str | None = None,
    git_host: str | None = None,
    token: str | None = None,
) -> Settings:
    """Merge flags > environment > repo section > defaults section > built-ins into Settings."""
    src = _Sources(flags, env, file_data or {})
    repo = src.first("repo", [*src.flag("repo"), *src.variable("GHAECR_REPO"), ("git remote origin", git_repo), *src.file("repo")])
    if not repo:
        raise ConfigError("No repository: pass --repo OWNER/NAME or run inside a clone with a GitHub remote.")
    if not REPO_RE.match(repo):
        raise ConfigError(f"'{repo}' is not a repository name; use OWNER/NAME, e.g. --repo acme/shop.")
    src.enter_repo(repo)

    workflows = {**WorkflowFiles().__dict__, **src.pick("workflows", default={})}
    unknown_wf = set(workflows) - {"ci", "cd", "security"}
    if unknown_wf:
        raise ConfigError(f"Unknown workflow key(s) {', '.join(sorted(unknown_wf))}; use ci, cd and security.")
    refresh = check_refresh(src.pick("refresh_seconds", flag="refresh", default=30.0),
                            "--refresh" if flags.get("refresh") is not None else "refresh_seconds")
    ecr_repository = src.pick("ecr_repository", flag="ecr_repo", env="GHAECR_ECR_REPOSITORY", default=repo.split("/", 1)[1],
                              default_source="default (the GitHub repository's name)")
    production = src.pick("production_repository", flag="production_repo", env="GHAECR_PRODUCTION_REPOSITORY")
    bell = bool(src.pick("bell", default=True))
    settings = Settings(
        repo=repo,
        ecr_repository=ecr_repository,
        production_repository=_production_repository(production, ecr_repository),
        github_url=_github_url(src, env, git_host),
        token=token,
        region=src.pick("region", flag="region", default_source="default (boto3's chain)"),
        profile=src.pick("profile", flag="profile", default_source="default (boto3's chain)"),
        targets=tuple(src.pick("targets", default=(), default_source="default (found in ECR tags)")),
        only_targets=tuple(src.pick("only_targets", flag="targets", default=(), default_source="default (every target)")),
        environments=tuple(src.pick("environments", default=("staging", "production"))),
        workflows=WorkflowFiles(**workflows),
        dispatch_ref=src.pick("dispatch_ref", default="main"),
        refresh_seconds=refresh,
        read_only=bool(src.pick("read_only", flag="read_only", default=False)),
        bell=bell,
        notify=_notify_mode(src, bell),
        theme=src.pick("theme", flag="theme"),
        keys=dict(src.pick("keys", default={})),
        prune_keep=int(src.pick("prune_keep", flag="keep", default=10)),
        sandbox=bool(src.pick("sandbox", flag="sandbox", default=False)),
    )
    return replace(settings, sources=dict(src.found))


def _notify_mode(src: _Sources, bell: bool) -> str:
    """``notify`` from the config; without it, the older ``bell = false`` means no signal at all."""
    mode = src.pick("notify")
    if mode is None:
        mode = "bell" if bell else "none"
        src.found["notify"] = src.found["bell"]
    if mode not in NOTIFY_MODES:
        raise ConfigError(f"notify = {mode!r} in the config file: use one of {', '.join(NOTIFY_MODES)}.")
    return str(mode)


def _github_url(src: _Sources, env: Mapping[str, str], git_host: str | None) -> str:
    """--github-url > GITHUB_API_URL > GH_HOST > the config file > the origin remote's host > github.com (gh's order)."""
    gh_host = env.get("GH_HOST")
    remote = api_url(git_host) if git_host and git_host != GITHUB_COM else None
    url = src.first("github_url", [*src.flag("github_url"), *src.variable("GITHUB_API_URL"),
                                   ("env GH_HOST", api_url(gh_host) if gh_host else None), *src.file("github_url"),
                                   ("git remote origin", remote)], DEFAULT_GITHUB_URL)
    return check_url(str(url).rstrip("/"), "The GitHub API URL")


def _production_repository(name: str | None, ecr_repository: str) -> str | None:
    """The two-repository layout's production repository, checked; None: the single repository."""
    if not name:
        return None
    if not ECR_NAME_RE.match(name):
        raise ConfigError(
            f"production_repository '{name}' is not an ECR repository name (lower-case letters, digits, . _ - /)."
        )
    if name == ecr_repository:
        raise ConfigError(
            f"production_repository is the same as ecr_repository ('{name}'); leave it out for the single-repository layout."
        )
    return name
