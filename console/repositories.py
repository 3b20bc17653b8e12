"""Which repositories a command works on: ``--repo`` (repeatable) and ``--all`` (every
``[repos."OWNER/NAME"]`` section of the config file). One Settings per repository is built from them
(console/config.py: flags > environment > that repository's section > defaults).

``status`` and the console read several repositories; the actions change one at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from console.errors import ConfigError

# The commands that read several repositories at once (None: the console itself).
SEVERAL_OK = frozenset({None, "status", "config"})  # config: `config show` (path and state-dir name no repository)


def chosen_repos(flag_repos: Sequence[str] | None, all_sections: bool, file_data: Mapping[str, Any],
                 where: str = "the config file") -> list[str | None]:
    """The repositories asked for, in order, each once. ``[None]``: none named, so the usual default
    (GHAECR_REPO, the git remote, the config's ``[defaults]``) picks one."""
    repos: list[str] = []
    if all_sections:  # first, in the file's order and spelling (the spelling that finds their sections)
        repos = list(file_data.get("repos", {}))
        if not repos:
            raise ConfigError(f'--all found no [repos."OWNER/NAME"] section in {where}; '
                              "add one per repository, or name them with --repo OWNER/NAME.")
    repos += flag_repos or ()
    unique: dict[str, str] = {}
    for repo in repos:
        unique.setdefault(repo.lower(), repo)  # GitHub's names are case-insensitive
    return list(unique.values()) or [None]


def refuse_several(command: str | None, repos: Sequence[str]) -> None:
    """One repository at a time for everything but reading: a write must name where it goes."""
    if len(repos) > 1 and command not in SEVERAL_OK:
        raise ConfigError(f"`{command}` works on one repository at a time and {len(repos)} were given "
                          f"({', '.join(repos)}): pick one with --repo OWNER/NAME.")
