"""The handlers of `approve`, `rollback`, `prune`, `audit` (arguments: console/commands/actions.py).

Each prints its plan, asks for confirmation on a terminal (typing the environment / target name
for production), requires --yes otherwise, follows the run and exits non-zero on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape

from console.actions import approve as approve_action
from console.actions import prune as prune_action
from console.actions import rollback as rollback_action
from console.actions.audit import AuditLog, AuditRecord
from console.actions.carry_out import operation_record
from console.actions.context import ActionContext, record_cancelled
from console.actions.direct import BANNER
from console.actions.guard import ensure_writable
from console.actions.progress import Progress
from console.actions.render import approval_panel, audit_table, prune_tables, rollback_table
from console.config import Settings
from console.errors import ConfigError, ConsoleError
from console.model import PRODUCTION
from console.model.format import human_size
from console.model.images import short_digest


class Cancelled(ConsoleError):
    """The operator (or the lack of --yes) said no; nothing was changed."""


# --- confirmation -------------------------------------------------------------------------------

def _is_tty() -> bool:
    return sys.stdin.isatty()


async def _ask(prompt: str) -> str:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return ""


async def confirm(console: Console, args: argparse.Namespace, question: str, typed: str | None = None,
                  direct: bool = False) -> None:
    """Raise Cancelled unless the operator agrees. Cancel is the default: an empty answer says no."""
    if args.yes:
        return
    if not _is_tty():
        raise Cancelled("Not a terminal: pass --yes to confirm; nothing was changed.")
    if direct:
        _banner(console)
        if (await _ask("Type 'direct' to use break-glass mode: ")).strip() != "direct":
            raise Cancelled("Cancelled (direct mode not confirmed); nothing was changed.")
    if typed:
        answer = (await _ask(f"{question} Type '{typed}' to confirm: ")).strip()
        if answer != typed:
            raise Cancelled(f"Cancelled: you typed {answer!r}, not {typed!r}; nothing was changed.")
    elif (await _ask(f"{question} [y/N] ")).strip().lower() not in ("y", "yes"):
        raise Cancelled("Cancelled; nothing was changed.")


def _banner(console: Console) -> None:
    console.print(f"[reverse bold red] {escape(BANNER)} [/]")


def _reporter(console: Console):
    def report(p: Progress) -> None:
        console.print(f"[dim]{p.stage:>8}[/] {escape(p.message)}")
    return report


async def _confirm_or_audit(ctx: ActionContext, console, args, record: AuditRecord, question: str,
                            typed: str | None, direct: bool = False) -> None:
    try:
        await confirm(console, args, question, typed, direct)
    except Cancelled as exc:
        record.error = str(exc)
        record_cancelled(ctx, record)
        raise


# --- commands -----------------------------------------------------------------------------------

async def approve_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    action = "reject" if args.reject else "approve"
    ensure_writable_or_audit(settings, action, AuditRecord(action=action, repository=settings.repo, mode="api", run_id=args.run_id))
    console = Console()
    ctx = ActionContext.from_backend(backend, settings)
    preview = await approve_action.preview(ctx, args.run_id)
    console.print(approval_panel(preview))
    if preview.why_not:
        # review() records the refusal and raises the same sentence
        await approve_action.review(ctx, preview, approve=not args.reject, comment=args.comment)
    envs = [p.environment for p in preview.approvable]
    typed = PRODUCTION if PRODUCTION in envs else None
    record = AuditRecord(action=action, repository=settings.repo, mode="api", environment=", ".join(envs), run_id=args.run_id,
                         comment=args.comment)
    await _confirm_or_audit(ctx, console, args, record, f"{action.capitalize()} {', '.join(envs)} for run {args.run_id}?", typed)
    result = await approve_action.review(ctx, preview, approve=not args.reject, comment=args.comment,
                                         report=_reporter(console), follow=args.follow)
    verb = "Approved" if result.approved else "Rejected"
    console.print(f"[bold green]{verb}[/] run {args.run_id}" + (f": {'; '.join(result.checks)}" if result.checks else ""))
    return 0


async def rollback_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    if args.all == bool(args.targets):
        raise ConfigError("Name the target(s) to roll back, or pass --all (not both).")
    ensure_writable_or_audit(settings, "rollback", operation_record(settings, "rollback", direct=args.direct,
                             environment=PRODUCTION, targets=list(args.targets)))
    console = Console()
    ctx = ActionContext.from_backend(backend, settings)
    plan, _ = await rollback_action.plan(ctx, None if args.all else args.targets, args.to_version)
    console.print(rollback_table(plan))
    typed = plan.targets[0] if len(plan.targets) == 1 else PRODUCTION
    result = await _confirm_and_execute(ctx, console, args, rollback_action, plan,
                                        f"Roll back {', '.join(plan.targets)} in production?", typed)
    for check in result.checks:
        console.print(f"[bold green]ok[/] latest-{check.target} = {short_digest(check.actual)}")
    return 0


async def prune_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    if not args.dry_run:
        ensure_writable_or_audit(settings, "prune", operation_record(settings, "prune", direct=args.direct))
    console = Console()
    ctx = ActionContext.from_backend(backend, settings)
    plan, _ = await prune_action.plan(ctx, args.keep)
    console.print(prune_tables(plan))
    if args.dry_run or not plan.delete:
        console.print("Dry run: nothing was deleted." if plan.delete else "Nothing to prune.")
        return 0
    result = await _confirm_and_execute(
        ctx, console, args, prune_action, plan,
        f"Delete {len(plan.delete)} images ({human_size(plan.bytes_reclaimed)}) from {settings.ecr_repository}?",
        settings.ecr_repository)
    console.print(f"[bold green]deleted {len(result.deleted)}[/], kept {len(result.kept)}")
    for digest, why in result.kept:
        console.print(f"  kept {short_digest(digest)}: {escape(why)}")
    return 0 if result.complete else 1


async def _confirm_and_execute(ctx: ActionContext, console: Console, args: argparse.Namespace, action, plan,
                               question: str, typed: str):
    """rollback / prune once planned: banner, confirmation (a 'no' is audited), then carry it out."""
    if args.direct:
        _banner(console)
    record = action.audit_record(ctx, plan, direct=args.direct, reason=args.reason)
    await _confirm_or_audit(ctx, console, args, record, question, typed, args.direct)
    return await action.execute(ctx, plan, report=_reporter(console), direct=args.direct, reason=args.reason)


def audit_command(args: argparse.Namespace) -> int:
    from console.config import state_dir
    from console.actions.audit import AUDIT_FILE

    if args.limit < 1:
        raise ConfigError("--limit must be at least 1.")
    log = AuditLog(state_dir() / AUDIT_FILE)
    records = log.read(limit=args.limit)
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) for r in records], indent=2) + "\n")
        return 0
    console = Console()
    if not records:
        console.print(f"No actions recorded yet ({log.path}).")
        return 0
    console.print(audit_table(records))
    console.print(f"[dim]{log.path}[/]")
    return 0


def ensure_writable_or_audit(settings: Settings, action: str, record: AuditRecord) -> None:
    """Read-only refusal happens before any request (not even a plan), and is recorded."""
    try:
        ensure_writable(settings, action)
    except ConsoleError as exc:
        record.outcome, record.error = "refused", str(exc)
        try:
            AuditLog.for_settings(settings).append(record)
        except ConsoleError:
            pass  # nothing happened; the read-only sentence is what the operator needs
        raise
