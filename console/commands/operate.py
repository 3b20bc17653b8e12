"""The handlers of `approve`, `rollback`, `prune`, `rerun`, `cancel`, `audit` (arguments: console/commands/actions.py).

Each builds an operation (console/actions/operation.py) and drives it: its plan, its question on a
terminal (typing the word it names for production; --yes otherwise), its execution, followed to the
end, exiting non-zero on failure. Before acting, earlier attempts left open are reconciled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
from dataclasses import asdict

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.text import Text

from console.actions import approve as approve_action
from console.actions import prune as prune_action
from console.actions import rollback as rollback_action
from console.actions import run_control
from console.actions.attempt import declined
from console.actions.audit import AUDIT_FILE, AuditLog, AuditRecord, latest_per_attempt
from console.actions.context import ActionContext
from console.actions.direct import BANNER
from console.actions.guard import Cancelled, Refused, ensure_writable
from console.actions.operation import Confirmation, Operation
from console.actions.progress import Progress
from console.actions.reconcile import open_attempts, reconcile
from console.actions.render import audit_table, cell, prune_kept_table, prune_tables
from console.commands.output import say, show
from console.commands.scripted import NOTHING_TO_DO, PLANNED, Script, scripted
from console.config import Settings, state_dir
from console.errors import ConfigError, ConsoleError, PlanError, ReadOnlyError
from console.model import PRODUCTION
from console.model.images import short_digest
from console.model.plans import rollback_choice
from console.model.text import plain

# --- confirmation: the operation's own question, asked on a terminal ------------------------------

def _is_tty() -> bool:
    return sys.stdin.isatty()


async def _ask(prompt: str) -> str:
    """input() in a daemon thread: a signal that stops the command while it waits for an answer
    must not leave the process waiting for Enter (the default executor joins its threads)."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def read() -> None:
        try:
            value = input(plain(prompt))  # target names come from ECR tags
        except (EOFError, OSError, ValueError):
            value = ""
        def deliver() -> None:
            if not answer.done():  # a signal may have settled it already
                answer.set_result(value)

        try:
            loop.call_soon_threadsafe(deliver)
        except RuntimeError:  # the loop has closed: nobody is waiting any more
            pass

    threading.Thread(target=read, name="confirmation", daemon=True).start()
    return await answer


class NeedsYes(Refused):
    """--json without --yes: a JSON stream is never interrupted by a question (a usage error)."""

    exit_code = 2


async def confirm(console: Console, args: argparse.Namespace, confirmation: Confirmation) -> None:
    """Raise Cancelled unless the operator agrees (Refused without a terminal and --yes; NeedsYes
    with --json). Cancel is the default: an empty answer says no."""
    if args.yes:
        return
    if getattr(args, "json", False):
        raise NeedsYes("--json never asks: pass --yes to carry out this write; nothing was changed.")
    if not _is_tty():
        raise Refused("Not a terminal: pass --yes to confirm; nothing was changed.")
    if (glass := confirmation.break_glass) is not None:
        _banner(console)
        if not glass.accepts(await _ask(glass.prompt())):
            raise Cancelled("Cancelled (direct mode not confirmed); nothing was changed.")
    answer = await _ask(confirmation.prompt())
    if not confirmation.accepts(answer):
        raise Cancelled(f"Cancelled: you typed {answer.strip()!r}, not {confirmation.require!r}; nothing was changed."
                        if confirmation.require else "Cancelled; nothing was changed.")


def _banner(console: Console) -> None:
    console.print(f"[reverse bold red] {escape(BANNER)} [/]")


def _reporter(console: Console):
    def report(p: Progress) -> None:
        console.print(Text.assemble((f"{p.stage:>8}", "dim"), " ", cell(p.message)))
    return report


def _console(args: argparse.Namespace) -> Console:
    """Progress for a person: on stdout, or on stderr when stdout carries the --json document."""
    return Console(stderr=bool(getattr(args, "json", False)))


async def drive(ctx: ActionContext, console: Console, args: argparse.Namespace, operation: Operation, *,
                extra: RenderableType | None = None, script: Script | None = None, **options):
    """Show the plan, ask the operation's question, carry it out: every refusal or 'no' before it
    starts is recorded through the same path as the run itself. With --json the plan and the result
    go into ``script``'s document instead."""
    if script is not None:
        script.operation = operation
    if not getattr(args, "json", False):
        show(operation.preview(), *([extra] if extra is not None else []))  # whole values through a pipe
    try:
        if refusal := operation.refusal():
            raise PlanError(refusal)
        await confirm(console, args, operation.confirmation())
    except (Cancelled, Refused, PlanError) as exc:
        await declined(ctx, operation.audit_record(), exc)
        raise
    except asyncio.CancelledError as exc:  # a signal while the question was asked: a "no"
        why = exc.args[0] if exc.args else "stopped"
        await declined(ctx, operation.audit_record(), Cancelled(f"{why} at the confirmation; nothing was changed."))
        raise
    result = await operation.execute(_reporter(console), **options)
    if script is not None:
        script.result = result
    if not getattr(args, "json", False):
        console.print(cell(operation.summary(result), "bold green"))
    return result


async def started(backend, settings: Settings, script: Script | None = None) -> ActionContext:
    """The action context, once earlier attempts left open are reconciled (the operator is told)."""
    ctx = ActionContext.from_backend(backend, settings)
    tell(await reconcile(ctx))
    if script is not None:
        script.started(ctx)
    return ctx


def tell(lines: list[str]) -> None:
    for line in lines:
        print(f"note: {plain(line)}", file=sys.stderr)


async def writable(ctx: ActionContext, action: str, **fields) -> None:
    """Before any request (not even a plan): a read-only refusal, recorded; an audit log that
    could not take the attempt's records (permissions, free space) — then nothing can be recorded."""
    try:
        ensure_writable(ctx.settings, action)
    except ReadOnlyError as exc:
        await declined(ctx, AuditRecord(action=action, repository=ctx.settings.repo, **fields), exc)
        raise
    ctx.audit.ensure_writable()


# --- commands -----------------------------------------------------------------------------------

async def approve_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    async def approve(script: Script) -> int:
        ctx = await started(backend, settings, script)
        await writable(ctx, script.action, mode="api", run_id=args.run_id)
        preview = await approve_action.preview(ctx, args.run_id)
        operation = approve_action.Review(ctx, preview, approve=not args.reject, comment=args.comment)
        await drive(ctx, _console(args), args, operation, script=script, follow=args.follow)
        return 0

    return await scripted(args, settings, "reject" if args.reject else "approve", approve)


async def rollback_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    async def rollback(script: Script) -> int:
        chosen = rollback_choice(args.names, settings.only_targets, args.all)  # before any request
        ctx = await started(backend, settings, script)
        await writable(ctx, "rollback", mode="direct" if args.direct else "workflow", environment=PRODUCTION,
                       targets=list(chosen or ()))
        plan, _ = await rollback_action.plan(ctx, chosen, args.to_version)
        operation = rollback_action.Rollback(ctx, plan, direct=args.direct, reason=args.reason)
        await drive(ctx, _console(args), args, operation, script=script)
        return 0

    return await scripted(args, settings, "rollback", rollback)


async def prune_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    async def prune(script: Script) -> int:
        ctx = await started(backend, settings, script)
        if not args.dry_run:
            await writable(ctx, "prune", mode="direct" if args.direct else "workflow")
        console = _console(args)
        plan, _ = await prune_action.plan(ctx, args.keep)
        operation = prune_action.Prune(ctx, plan, direct=args.direct, reason=args.reason)
        if args.dry_run or not plan.delete:
            script.operation, script.outcome = operation, PLANNED if args.dry_run else NOTHING_TO_DO
            if not args.json:
                show(prune_tables(plan))
                console.print("Dry run: nothing was deleted." if plan.delete else "Nothing to prune.")
            return 0
        result = await drive(ctx, console, args, operation, script=script,
                             extra=prune_kept_table(plan) if plan.protected else None)
        if not args.json:
            for digest, why in result.refused:
                console.print(Text.assemble(f"  refused {short_digest(digest)}: ", cell(why)))
        return 0 if result.complete else 1

    return await scripted(args, settings, "prune", prune)


async def rerun_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    ctx = await started(backend, settings)
    await writable(ctx, "rerun", mode="api", run_id=args.run_id)
    state = await run_control.load(ctx, args.run_id)
    await drive(ctx, Console(), args, run_control.Rerun(ctx, state, failed_only=args.failed))
    return 0


async def cancel_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    ctx = await started(backend, settings)
    await writable(ctx, "cancel", mode="api", run_id=args.run_id)
    state = await run_control.load(ctx, args.run_id)
    await drive(ctx, Console(), args, run_control.CancelRun(ctx, state))
    return 0


async def audit_command(args: argparse.Namespace, connect) -> int:
    """The log, one row per attempt, newest first. Attempts left open are reconciled first when
    GitHub can be reached (``connect()``: backend, settings), else listed as still open."""
    if args.limit < 1:
        raise ConfigError("--limit must be at least 1.")
    log = AuditLog(state_dir() / AUDIT_FILE)
    if open_attempts(log):
        await _reconcile_for_audit(log, connect)
    reading = log.read_all()
    records = latest_per_attempt(reading.records)[: args.limit]
    if reading.skipped:
        print(f"note: skipped {len(reading.skipped)} unreadable line(s) of {log.path} (line "
              f"{', '.join(map(str, reading.skipped[:10]))}{', ...' if len(reading.skipped) > 10 else ''}).", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) for r in records], indent=2) + "\n")
        return 0
    # The data on stdout; where the file is, on stderr (a pipe carries only the records).
    if not records:
        show(Text("No actions recorded yet."))
    else:
        show(audit_table(records))
    say(f"audit log: {log.path}")
    return 0


async def _reconcile_for_audit(log: AuditLog, connect) -> None:
    try:
        backend, settings = connect()
    except ConsoleError as exc:
        tell([f"{len(open_attempts(log))} earlier action(s) have no outcome yet and GitHub cannot be asked ({exc}); "
              "they show as intent/interrupted below."])
        return
    try:
        tell(await reconcile(ActionContext.from_backend(backend, settings)))
    finally:
        await backend.aclose()
