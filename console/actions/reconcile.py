"""Reconcile attempts left without an outcome: the console was killed (SIGKILL, a crash, power),
stopped by a signal while a change was going on, or could not write the outcome line.

At the next start (an action command, the TUI, ``audit``) each open intent is checked against
what GitHub and ECR say — the run by its request id, the pending deployment's state, the tags —
and its outcome is appended (``succeeded``, ``failed``, or ``unknown`` with why), under the same
request id, with a note that it was found later. A run still going on stays open (the next start
looks again). One console reconciles at a time (a lock next to the log)."""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from console.actions.approve import Review
from console.actions.audit import INTENT, SUCCEEDED, UNKNOWN, AuditLog, AuditRecord
from console.actions.context import ActionContext
from console.actions.operation import Operation
from console.actions.prune import Prune
from console.actions.render import short_time
from console.actions.rollback import Rollback
from console.actions.run_control import CancelRun, Rerun
from console.errors import ConsoleError, NotFound

# audit action -> the operation that knows how to check it (a new operation adds itself here)
OPERATIONS: dict[str, type[Operation]] = {"approve": Review, "reject": Review, "rollback": Rollback, "prune": Prune,
                                          "rerun": Rerun, "cancel": CancelRun}


def open_attempts(log: AuditLog, repository: str | None = None) -> list[AuditRecord]:
    """Attempts (of ``repository``, or any) whose newest line is an intent or an interruption,
    oldest first — not those a console on this machine is still carrying out."""
    newest: dict[str, AuditRecord] = {}
    for record in log.read_all().records:
        if record.request_id and repository in (None, record.repository):
            newest[record.request_id] = record
    return [r for r in newest.values() if r.is_open and not (r.outcome == INTENT and _still_running(r))]


def _still_running(intent: AuditRecord) -> bool:
    """Is the console that wrote this intent alive (same host, its pid exists)?"""
    owner = intent.result.get("console")
    if not isinstance(owner, dict) or owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    try:
        os.kill(owner["pid"], 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


async def reconcile(ctx: ActionContext) -> list[str]:
    """Record what became of every open attempt; one sentence per attempt for the operator."""
    repository = ctx.settings.repo  # another repository's attempts wait for a console pointed at it
    if not open_attempts(ctx.audit, repository):  # the common case: no lock, no request
        return []
    with _locked(ctx.audit):
        return [await _one(ctx, record) for record in open_attempts(ctx.audit, repository)]


async def _one(ctx: ActionContext, left: AuditRecord) -> str:
    what = f"the {left.action} started {short_time(left.time)} (request {left.request_id})"
    operation = OPERATIONS.get(left.action)
    record = replace(left, error=None, result=dict(left.result))
    try:
        found = await operation.reconcile(ctx, record) if operation else (UNKNOWN, "no way to check this action")
    except NotFound as exc:
        found = (UNKNOWN, f"GitHub no longer shows it ({exc})")
    except ConsoleError as exc:
        return f"Could not check {what} yet ({exc}); the next start tries again."
    if found is None:
        return f"{what.capitalize()} is still going on (run {record.run_id}); its outcome is recorded when it has ended."
    record.outcome, why = found
    record.time = ""  # now (the intent's time is on its own line)
    record.error = None if record.outcome == SUCCEEDED else why
    stopped = left.error or "the console stopped before writing an outcome"
    record.result["reconciled"] = f"found at a later start: {why} (earlier: {stopped})"
    try:
        ctx.audit.append(record, sync=True)
    except ConsoleError as exc:
        return f"{what.capitalize()} {record.outcome} ({why}) but {exc.message}"
    return f"Recorded {what} as {record.outcome}: {why}."


@contextmanager
def _locked(log: AuditLog) -> Iterator[None]:
    """Two consoles starting together must not both append an outcome for the same intent."""
    fd = os.open(log.path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
