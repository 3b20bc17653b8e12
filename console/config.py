"""Settings: one frozen value built from the config file, the environment and command-line flags.

Precedence: flags > environment > the config file's ``[repos."OWNER/NAME"]`` section > its
``[defaults]`` section > built-in defaults. The file lives in the platform's user config directory
(``ghaecr-console config path`` prints it); ``GHAECR_CONSOLE_CONFIG`` points elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

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
    ecr_repository: str
    github_url: str = DEFAULT_GITHUB_URL
    token: str | None = field(default=None, repr=False)  # never printed, logged or recorded
    region: str | None = None
    profile: str | None = None
    targets: tuple[str, ...] = ()  # empty: discovered from ECR tags
    environments: tuple[str, ...] = ("staging", "production")
    workflows: WorkflowFiles = WorkflowFiles()
    dispatch_ref: str = "main"  # ref the CD workflow is dispatched on
    refresh_seconds: float = 30.0
    read_only: bool = False
    bell: bool = True
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s)
    prune_keep: int = 10
    sandbox: bool = False

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
