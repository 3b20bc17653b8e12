"""`ghaecr-console doctor`: every check the console and the bundled workflows need, one line each
(✓ / ⚠ / ✗ with the fix), so a team meets all its setup problems at once. Exit 0 when nothing is ✗."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from console.config import Settings
from console.model import checks as c
from console.model.text import plain


def register(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check the GitHub token, repository, workflows, environments, AWS and ECR setup",
        description="Check everything the console and the bundled workflows need; one line per check with its fix. "
                    "Exit 0 when nothing failed (warnings are advice), 1 otherwise.",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON for scripts")
    # Settings only (a missing token is a ✗ line, not an error), but do look for the token.
    doctor.set_defaults(handler=doctor_command, wiring="settings", needs_token=True)


def terminal_check() -> c.Check:
    size = shutil.get_terminal_size()
    colours = "no colour (NO_COLOR)" if os.environ.get("NO_COLOR") else (
        "truecolor" if os.environ.get("COLORTERM") in ("truecolor", "24bit") else "colours: " + os.environ.get("TERM", "unknown"))
    return c.terminal(size.columns, size.lines, sys.stdout.isatty(), colours)


async def doctor_command(args: argparse.Namespace, _backend: object, settings: Settings) -> int:
    from console.services.backend import Backend  # githubkit is slow to import; only now

    backend = Backend.from_settings(settings)
    try:
        found = await backend.doctor()
    finally:
        await backend.aclose()
    found.append(terminal_check())
    code = c.exit_code(found)
    if args.json:
        print(json.dumps({"ok": code == 0, "repository": settings.repo, "checks": [x.as_json() for x in found]}, indent=2))
    else:
        for check in found:
            print(plain(check.line()))  # names and values from GitHub and AWS are data, never escapes
        failed = sum(x.status == c.FAIL for x in found)
        print(f"{failed} check(s) failed." if failed else "Everything the console and the workflows need is in place.",
              file=sys.stderr)
    return code
