"""`ghaecr-console watch RUN_ID`: follow a run to its end, one line per job or step that changes, like
`gh run watch --exit-status` — exit 0 when the run succeeded, 1 otherwise (3 when it cannot be told)."""

from __future__ import annotations

import argparse
import sys

from console.config import Settings
from console.model.text import plain


def register(subparsers: argparse._SubParsersAction) -> None:
    watch = subparsers.add_parser(
        "watch", help="follow a run until it ends; exit 0 on success, 1 otherwise",
        description="Follow a workflow run, printing each job and step as it changes; exit 0 when the run "
                    "succeeded, 1 when it failed or was cancelled (like gh run watch --exit-status).",
    )
    watch.add_argument("run_id", type=int, metavar="RUN_ID")
    watch.add_argument("--timeout", type=float, default=6 * 3600.0, metavar="SECONDS",
                       help="give up (exit 3) after this long (default 6 hours, GitHub's job limit)")
    watch.set_defaults(handler=watch_command)


async def watch_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    from console.actions.follow import follow_run  # only this command needs the actions layer

    def report(progress) -> None:
        print(plain(progress.message), flush=True)

    await backend.github.get_run(args.run_id)  # an unknown id fails now, not after a new run's grace
    followed = await follow_run(backend.github, args.run_id, report, timeout=args.timeout)
    run = followed.run
    where = f" {run.html_url}" if run.html_url else ""
    print(f"{plain(run.name or 'Run')} #{run.run_number} {run.conclusion or run.status}.{where}",
          file=sys.stdout if followed.succeeded else sys.stderr)
    return 0 if followed.succeeded else 1
