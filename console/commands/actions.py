"""`approve`, `rollback`, `prune`, `rerun`, `cancel`, `audit`: the operator actions without the TUI — their arguments.

The handlers live in console/commands/operate.py and are imported only when one of these commands
runs: the actions layer and rich would otherwise be start-up cost for every command.
"""

from __future__ import annotations

import argparse

from console.commands.lazy import lazy


def operate(name: str):
    return lazy(f"console.commands.operate:{name}")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("approve", help="approve (or --reject) a deployment waiting for review",
                              description="Approve or reject the deployments of RUN_ID waiting for your review, then follow the run.")
    p.add_argument("run_id", type=int, metavar="RUN_ID")
    p.add_argument("--comment", required=True, help="review comment (required)")
    p.add_argument("--reject", action="store_true", help="reject instead of approve")
    p.add_argument("--no-follow", dest="follow", action="store_false",
                   help="return once the review is sent (do not follow the run or check ECR)")
    _json_flag(p)
    _confirm_flags(p)
    p.set_defaults(handler=operate("approve_command"))

    p = subparsers.add_parser("rollback", help="roll production targets back (previous image or --to VERSION)",
                              description="Move latest-<target> back to previous-<target> (or <VERSION>-<target>) through the CD workflow.")
    # Not dest="targets": that is --target's, and the subcommand's default would overwrite it.
    p.add_argument("names", nargs="*", metavar="TARGET", help="target(s) to roll back")
    p.add_argument("--all", action="store_true", help="every target")
    p.add_argument("--to", dest="to_version", metavar="VERSION", help="roll back to this release (e.g. v1.3.0)")
    _json_flag(p)
    _planned_action_flags(p, operate("rollback_command"))

    p = subparsers.add_parser("prune", help="delete old images (keeps the newest N releases per target)",
                              description="Delete release and build images beyond the newest N per target; never a protected image.")
    p.add_argument("--keep", type=int, default=None, metavar="N", help="releases to keep per target (default: config prune_keep)")
    p.add_argument("--dry-run", action="store_true", help="print the plan and stop")
    _json_flag(p)
    _planned_action_flags(p, operate("prune_command"))

    p = subparsers.add_parser("rerun", help="re-run a finished workflow run (all jobs, or --failed)",
                              description="Start a new attempt of RUN_ID (every job, or with --failed only the failed "
                                          "jobs and those that need them), then follow it; exit 0 when it succeeds.")
    p.add_argument("run_id", type=int, metavar="RUN_ID")
    p.add_argument("--failed", action="store_true", help="re-run only the failed jobs (and the jobs that need them)")
    _confirm_flags(p)
    p.set_defaults(handler=operate("rerun_command"))

    p = subparsers.add_parser("cancel", help="cancel a queued, waiting or running workflow run",
                              description="Cancel RUN_ID and follow it until GitHub says it ended.")
    p.add_argument("run_id", type=int, metavar="RUN_ID")
    _confirm_flags(p)
    p.set_defaults(handler=operate("cancel_command"))

    p = subparsers.add_parser("audit", help="show the audit log of actions",
                              description="The append-only audit log of every action attempted from this machine.")
    p.add_argument("--json", action="store_true", help="print JSON (a list, newest first)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="records to show (default 20)")
    p.set_defaults(handler=operate("audit_command"), wiring="on-demand")


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="print the plan and the result as one JSON document (never asks: a write needs --yes)")


def _confirm_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--yes", "-y", action="store_true", help="do not ask (required when not on a terminal)")


def _planned_action_flags(p: argparse.ArgumentParser, handler) -> None:
    """rollback and prune: a reason, break-glass, confirmation."""
    p.add_argument("--reason", default="", help="why (recorded in the run and the audit log)")
    p.add_argument("--direct", action="store_true",
                   help="break-glass: change ECR with boto3, bypassing GitHub Actions (needs AWS write access)")
    _confirm_flags(p)
    p.set_defaults(handler=handler)
