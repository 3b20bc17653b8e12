"""`ghaecr-console config path|show`."""

from __future__ import annotations

import argparse
import json
import os

from console.config import config_path, read_config_file, state_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="where the config file is, and what it holds")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    path = sub.add_parser("path", help="print the config file's path (it need not exist)")
    path.set_defaults(handler=_path, wiring="none")
    show = sub.add_parser("show", help="print the parsed config file as JSON (checks it)")
    show.set_defaults(handler=_show, wiring="none")
    state = sub.add_parser("state-dir", help="print where the audit log is kept")
    state.set_defaults(handler=_state, wiring="none")


def _path(args: argparse.Namespace) -> int:
    print(config_path())
    return 0


def _state(args: argparse.Namespace) -> int:
    print(state_dir())
    return 0


def _show(args: argparse.Namespace) -> int:
    data = read_config_file()
    print(json.dumps({"path": str(config_path()), "exists": config_path().exists(), "config": data,
                      "env_override": os.environ.get("GHAECR_CONSOLE_CONFIG")}, indent=2))
    return 0
