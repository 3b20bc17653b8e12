"""The back-end flags every command that reads settings accepts, before or after its name."""

from __future__ import annotations

import argparse
from typing import Any


def add_backend_flags(parser: argparse.ArgumentParser, *, suppress: bool, all_repos: bool = True) -> None:
    """Flags accepted before or after the subcommand (subparsers use SUPPRESS so they don't reset them)."""
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("back end")
    group.add_argument("--repo", action="append", metavar="OWNER/NAME", default=default,
                       help="GitHub repository (repeatable: status and the console show several; default: from the git remote here)")
    if all_repos:  # not where the command's own --all means something else (rollback: every target)
        group.add_argument("--all", dest="all_repos", action="store_true", default=default if suppress else False,
                           help='every [repos."OWNER/NAME"] section of the config file (with any --repo)')
    group.add_argument("--github-url", metavar="URL", default=default,
                       help="GitHub API base URL (default: GITHUB_API_URL or https://api.github.com; GHES: https://HOST/api/v3)")
    group.add_argument("--ecr-repo", metavar="NAME", default=default,
                       help="ECR repository name (default: config, else the GitHub repository's name)")
    group.add_argument("--production-repo", metavar="NAME", default=default,
                       help="ECR repository of production's tags (two-repository layout; default: config, else none: one repository)")
    group.add_argument("--region", default=default,
                       help="AWS region (default: config, else boto3's chain)")
    group.add_argument("--profile", default=default, help="AWS profile (default: config, else boto3's chain)")
    group.add_argument("--target", dest="targets", action="append", metavar="TARGET", default=default,
                       help="limit to these targets (repeatable; default: found in ECR tags)")
    group.add_argument("--refresh", type=float, metavar="SECONDS", default=default, help="refresh interval of the console (default 30)")
    group.add_argument("--read-only", action="store_true", default=default if suppress else False, help="disable every write action")
    group.add_argument("--sandbox", action="store_true", default=default if suppress else False,
                       help="run against the embedded sandbox (no credentials needed)")
    group.add_argument("--debug", action="store_true", default=default if suppress else False, help="show tracebacks for unexpected errors")
