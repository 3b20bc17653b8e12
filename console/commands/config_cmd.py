"""`ghaecr-console config path|show|state-dir`."""

from __future__ import annotations

import argparse
import json
import os

from console.commands.flags import add_backend_flags
from console.config import Settings, config_path, state_dir
from console.errors import AuthError
from console.github_host import DOTCOM_TOKENS, ENTERPRISE_TOKENS, find_token, host_of

# The settings `config show` prints, in this order (Settings' field names).
SHOWN = ("repo", "github_url", "ecr_repository", "production_repository", "region", "profile", "targets", "only_targets",
         "environments", "workflows", "dispatch_ref", "refresh_seconds", "read_only", "notify", "theme", "keys", "prune_keep",
         "sandbox")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="where the config file is, and the effective settings")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    path = sub.add_parser("path", help="print the config file's path (it need not exist)")
    path.set_defaults(handler=_path, wiring="none")
    show = sub.add_parser("show", help="print the effective settings and where each came from (the token redacted)",
                          description="Every setting with its value and where it came from: a flag, an environment "
                                      "variable, a config file section, the git remote or the default. The token is "
                                      "never shown, only where it was found.")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_backend_flags(show, suppress=True)
    # Settings without the token: show looks for it itself, so a refused token is a line, not an error.
    show.set_defaults(handler=_show, several=_show_several, wiring="settings", needs_token=False)
    state = sub.add_parser("state-dir", help="print where the audit log is kept")
    state.set_defaults(handler=_state, wiring="none")


def _path(args: argparse.Namespace) -> int:
    print(config_path())
    return 0


def _state(args: argparse.Namespace) -> int:
    print(state_dir())
    return 0


async def _show(args: argparse.Namespace, _backend: object, settings: Settings) -> int:
    return await _show_several(args, None, [settings])


async def _show_several(args: argparse.Namespace, _backends: object, every: list[Settings]) -> int:
    """One document (or table) per repository; several (--repo twice, --all): ``{"repositories": [...]}``."""
    config_file = {"path": str(config_path()), "exists": config_path().exists(),
                   "from": "env GHAECR_CONSOLE_CONFIG" if os.environ.get("GHAECR_CONSOLE_CONFIG") else "default location"}
    shown = [effective(settings) for settings in every]
    documents = [{"config_file": config_file, "settings": settings} for settings in shown]
    if args.json:
        print(json.dumps(documents[0] if len(documents) == 1 else {"repositories": documents}, indent=2))
        return 0
    from console.commands.output import say

    state = "exists" if config_file["exists"] else "does not exist"
    say(f"config file: {config_file['path']} ({config_file['from']}; {state})")
    for settings, entries in zip(every, shown):
        _print_table(settings.repo if len(every) > 1 else "", entries)
    return 0


def effective(settings: Settings) -> dict[str, dict[str, object]]:
    """Every shown setting: its value and where it came from; the token only by its source."""
    shown = {name: {"value": _plain(getattr(settings, name)), "source": settings.sources.get(name, "default")} for name in SHOWN}
    source, found = token_source(settings)
    shown["token"] = {"value": None, "redacted": found, "source": source}  # never the value, not even part of it
    return shown


def token_source(settings: Settings) -> tuple[str, bool]:
    """(where the token comes from for the settings' host — "env GH_TOKEN", "gh auth token --hostname
    HOST" — or why there is none, whether one was found); never the token."""
    try:
        token = find_token(os.environ, host_of(settings.github_url))
    except AuthError as refused:
        return f"refused: {refused.message}", False
    if token is None:
        return "none found", False
    return (f"env {token.source}" if token.source in (*DOTCOM_TOKENS, *ENTERPRISE_TOKENS) else token.source), True


def _plain(value: object) -> object:
    """JSON-ready: tuples as lists, the workflow files as a mapping."""
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "__dataclass_fields__"):
        return dict(vars(value))
    return value


def _print_table(repo: str, shown: dict[str, dict[str, object]]) -> None:
    from rich.table import Table

    from console.actions.render import cell, cells
    from console.commands.output import show

    table = Table(title=cell(f"Effective settings of {repo}" if repo else "Effective settings"), title_justify="left")
    for header in ("setting", "value", "source"):
        table.add_column(header)
    for name, entry in shown.items():
        value = ("(redacted)" if entry["redacted"] else "-") if name == "token" else _text(entry["value"])
        table.add_row(*cells(name, value), cell(entry["source"]))
    show(table)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
    return str(value)
