"""`ghaecr-console init`: write the bundled workflows, scripts, a Dockerfile stub and the setup steps
into the current repository, parameterised; show what changes; never overwrite a changed file unless
--force. A second run is a no-op."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from console.errors import ConfigError
from console.scaffold import NAME, Params, plan


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser(
        "init", help="write the bundled workflows, scripts and a Dockerfile stub into this repository",
        description="Write .github/workflows, .github/scripts, a Dockerfile stub and .github/GHAECR-SETUP.md into "
                    "the repository here, for your targets. Shows a diff; a file you changed is kept unless --force.",
    )
    init.add_argument("--targets", default="minimal,runtime", metavar="A,B", help="deploy targets (Dockerfile stages)")
    init.add_argument("--ecr-repo", dest="init_ecr_repo", default="", metavar="NAME", help="ECR repository (for the setup steps)")
    init.add_argument("--region", dest="init_region", default="", metavar="REGION", help="AWS region (for the setup steps)")
    init.add_argument("--environment-names", default="staging,production", metavar="STAGING,PRODUCTION",
                      help="names of the two GitHub environments")
    init.add_argument("--ghes", action="store_true", help="GitHub Enterprise Server: call reusable workflows as ./ not $/")
    init.add_argument("--dir", default=".", metavar="PATH", help="the repository's root (default: here)")
    init.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    init.add_argument("--force", action="store_true", help="overwrite files that differ from the bundled ones")
    init.set_defaults(handler=init_command, wiring="none")


def params_from(args: argparse.Namespace) -> Params:
    targets = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    environments = tuple(e.strip() for e in args.environment_names.split(",") if e.strip())
    bad = [n for n in (*targets, *environments) if not NAME.match(n)]
    if not targets or bad:
        raise ConfigError(f"Not a target or environment name: {', '.join(map(repr, bad)) or 'none given'}; use "
                          "lower-case letters, digits, '.', '_' and '-'.")
    if len(environments) != 2 or len(set(environments)) != 2:
        raise ConfigError("--environment-names takes two different names: STAGING,PRODUCTION.")
    if len(set(targets)) != len(targets):
        raise ConfigError("--targets names a target twice.")
    return Params(targets, (environments[0], environments[1]), args.init_ecr_repo, args.init_region, args.ghes)


def init_command(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        raise ConfigError(f"--dir {root} is not a folder.")
    written, same, kept = [], 0, []
    for path, text in plan(params_from(args)):
        target = root / path
        current = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
        if current == text:
            same += 1
            continue
        print(_diff(path, current, text), end="")
        if current is not None and not args.force:
            kept.append(path)
            continue
        written.append(path)
        if not args.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            if path.endswith(".sh"):
                target.chmod(0o755)
    verb = "Would write" if args.dry_run else "Wrote"
    print(f"{verb} {len(written)} file(s); {same} already up to date.", file=sys.stderr)
    if kept:
        print(f"Kept {len(kept)} file(s) you changed (see the diff above; --force overwrites): {', '.join(kept)}.",
              file=sys.stderr)
        return 1
    return 0


def _diff(path: str, current: str | None, text: str) -> str:
    if current is None:
        return f"new file: {path} ({len(text.splitlines())} lines)\n"
    return "".join(difflib.unified_diff(current.splitlines(True), text.splitlines(True), f"a/{path}", f"b/{path}"))
