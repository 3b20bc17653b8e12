"""`approve|rollback|prune --json`: one JSON document per command, whatever happens.

The document comes from the Operation contract, not from each command: the plan is
``operation.plan_json()`` and the outcome is the audit line the attempt wrote (outcome, error, run,
request id, result) — so a script reads what the audit log says. Schemas: docs/schemas/.
A command that ends before an operation exists (a run that waits for nobody, read-only) still prints
the document, with ``plan`` null and the error. Exit codes as README's: 0 done, 1 failed, 2 usage or
config, 3 outcome unknown, 4 authentication needed, 128 + the signal (130 for ctrl-c) when stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from console.actions.attempt import outcome_of
from console.actions.audit import INTERRUPTED
from console.actions.context import ActionContext
from console.actions.operation import Operation
from console.config import Settings
from console.errors import ConsoleError

PLANNED = "planned"  # prune --dry-run: the plan, nothing done
NOTHING_TO_DO = "nothing-to-do"  # an empty prune plan: nothing asked, nothing done


@dataclass
class Script:
    """What a command learned so far; the document is built from it at the end."""

    action: str
    settings: Settings
    dry_run: bool = False
    ctx: ActionContext | None = None
    operation: Operation | None = None
    result: Any = None
    outcome: str | None = None  # set only for outcomes no audit line records (planned, nothing-to-do)

    def started(self, ctx: ActionContext) -> None:
        """From here on the audit log's last line is this command's attempt (reconciled ones came before)."""
        self.ctx = ctx
        ctx.audit.last = None

    def document(self, exit_code: int, error: BaseException | None = None) -> dict[str, Any]:
        operation = self.operation
        written = self.ctx.audit.last if self.ctx else None  # this attempt's line, as the audit log has it
        record = written or (asdict(operation.audit_record()) if operation else {})
        return {
            "action": record.get("action") or self.action,
            "repository": self.settings.repo,
            "mode": record.get("mode"),
            "dry_run": self.dry_run,
            "plan": operation.plan_json() if operation else None,
            "outcome": self.outcome or (written or {}).get("outcome") or _outcome(error),
            "error": (written or {}).get("error") or _message(error),
            "run": {"id": record["run_id"], "url": record.get("run_url")} if record.get("run_id") else None,
            "request_id": record.get("request_id"),
            "result": (written or {}).get("result") or {},
            "summary": operation.summary(self.result) if operation and self.result is not None else None,
            "exit_code": exit_code,
        }


async def scripted(args: argparse.Namespace, settings: Settings, action: str,
                   body: Callable[[Script], Awaitable[int]]) -> int:
    """Run an action command's ``body``; with ``--json`` print its one document however it ends
    (then re-raise, so the error still ends as one line on stderr and its exit code)."""
    script = Script(action, settings, dry_run=bool(getattr(args, "dry_run", False)))
    emit = bool(getattr(args, "json", False))
    try:
        code = await body(script)
    except ConsoleError as exc:
        if emit:
            _print(script.document(exc.exit_code, exc), settings)
        raise
    except asyncio.CancelledError as exc:  # TERM, HUP or ctrl-c (cli turns it into Stopped)
        if emit:
            _print(script.document(_stopped_exit_code(exc), exc), settings)
        raise
    if emit:
        _print(script.document(code), settings)
    return code


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "succeeded"
    return INTERRUPTED if isinstance(error, asyncio.CancelledError) else outcome_of(error)


def _message(error: BaseException | None) -> str | None:
    if error is None:
        return None
    return error.message if isinstance(error, ConsoleError) else (str(error.args[0]) if error.args else "stopped")


def _stopped_exit_code(exc: asyncio.CancelledError) -> int:
    """128 + the signal named in the cancellation ("stopped by SIGTERM"); 130 (ctrl-c) otherwise."""
    name = str(exc.args[0]).rsplit(" ", 1)[-1] if exc.args else ""
    return 128 + int(signal.Signals[name]) if name in signal.Signals.__members__ else 130


def _print(document: dict[str, Any], settings: Settings) -> None:
    text = json.dumps(document, indent=2, default=str)
    if settings.token:  # never, whatever a message quoted
        text = text.replace(settings.token, "***")
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
