"""CLI subcommands. Each module's ``register(subparsers)`` adds its commands.

A subcommand sets ``handler`` and a ``wiring``:
- ``"backend"`` (default): ``async handler(args, backend, settings) -> int``
- ``"settings"``: ``async handler(args, None, settings) -> int`` (builds only what it needs)
- ``"none"``: ``handler(args) -> int`` (no settings needed: config path, sandbox serve)
- ``"on-demand"``: ``async handler(args, connect) -> int``; ``connect()`` gives (backend, settings)
  only when the command turns out to need GitHub (``audit``, to reconcile an open attempt)
"""

from __future__ import annotations

import argparse
import importlib

_MODULES = ("console.commands.read", "console.commands.actions", "console.commands.config_cmd", "console.commands.sandbox_cmd",
            "console.commands.completion", "console.commands.doctor", "console.commands.init_cmd",
            "console.commands.watch")


def register_all(subparsers: argparse._SubParsersAction) -> None:
    for name in _MODULES:
        importlib.import_module(name).register(subparsers)
