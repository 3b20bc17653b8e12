"""The one path every attempt is recorded through.

``declined``: the attempt stopped before anything was asked of GitHub or ECR (read-only, a
cancelled or unconfirmed prompt) — one line. ``recorded``: the attempt runs; ``Attempt.intend()``
writes the intent (fsync'd, with the request id) before the first write request, and the outcome
(succeeded, failed, refused, interrupted) is appended under the same request id however it ends.
A record that cannot be written stops the attempt before anything changes."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from console.actions.audit import (
    CANCELLED,
    FAILED,
    INTENT,
    INTERRUPTED,
    MIN_FREE_BYTES,
    REFUSED,
    SUCCEEDED,
    UNKNOWN,
    AuditRecord,
    local_user,
)
from console.actions.context import ActionContext
from console.actions.dispatch import new_request_id
from console.actions.guard import Cancelled, Refused
from console.errors import ConsoleError, OutcomeUnknown, PlanError, ReadOnlyError


def outcome_of(exc: BaseException) -> str:
    if isinstance(exc, Cancelled):
        return CANCELLED
    if isinstance(exc, OutcomeUnknown):  # never "failed" for a write that may have succeeded
        return UNKNOWN
    if isinstance(exc, (ReadOnlyError, Refused, PlanError)):
        return REFUSED
    return FAILED


async def declined(ctx: ActionContext, record: AuditRecord, exc: ConsoleError) -> None:
    """Record an attempt that ended before any request (refused or cancelled); never raises: the
    operator must see why nothing happened, not an audit error."""
    record.outcome, record.error = outcome_of(exc), str(exc)
    if record.outcome == CANCELLED:
        await ctx.user()  # they looked at a plan: the requests were made; name them by login
    record.user = record.user or ctx.known_user or local_user() or None
    try:
        ctx.audit.append(record)
    except ConsoleError:
        pass


@dataclass
class Attempt:
    ctx: ActionContext
    record: AuditRecord
    intended: bool = False
    requested: bool = False  # a write request may have gone out (from here on only GitHub/ECR can tell)

    def sending(self) -> None:
        """Say a write request (dispatch, review, an ECR change) is about to go out."""
        self.requested = True

    def intend(self) -> str:
        """Write the intent line (fsync'd) before the first write request; return the request id.
        Raises ConsoleError when it cannot be written whole: then nothing is sent."""
        self.record.request_id = self.record.request_id or new_request_id()
        intent = replace(self.record, outcome=INTENT, error=None,
                         user=self.record.user or self.ctx.known_user or local_user() or None,
                         result={**self.record.result, "console": {"pid": os.getpid(), "host": socket.gethostname()}})
        try:
            self.ctx.audit.append(intent, sync=True)
        except ConsoleError as exc:
            raise Refused(f"{exc.message.rstrip('.')}. Nothing was done.") from exc
        self.intended = True
        return self.record.request_id


@asynccontextmanager
async def recorded(ctx: ActionContext, record: AuditRecord) -> AsyncIterator[Attempt]:
    """Run an attempt: refuse up front when its records could not be written (permissions, free
    space), then append the outcome however it ends."""
    ctx.audit.ensure_writable(need=MIN_FREE_BYTES + 3 * len(ctx.audit.line(replace(record))))
    attempt = Attempt(ctx, record)
    try:
        yield attempt
        record.outcome = record.outcome or SUCCEEDED
    except ConsoleError as exc:
        record.outcome, record.error = outcome_of(exc), str(exc)
        raise
    except (asyncio.CancelledError, KeyboardInterrupt) as exc:
        record.outcome, record.error = INTERRUPTED, _interruption(exc, attempt)
        if attempt.intended:
            record.result["requested"] = attempt.requested  # False: nothing to reconcile
        raise
    except Exception as exc:  # a bug: after a write request only GitHub/ECR know (the next start looks)
        record.outcome = UNKNOWN if attempt.requested else FAILED
        record.error = f"unexpected {type(exc).__name__}: {exc}"
        raise
    finally:
        record.user = record.user or ctx.known_user or local_user() or None
        record.repository = record.repository or ctx.settings.repo
        _close(attempt)


def _interruption(exc: BaseException, attempt: Attempt) -> str:
    why = str(exc.args[0]) if isinstance(exc, asyncio.CancelledError) and exc.args else "the console was stopped"
    if not attempt.requested:
        return f"{why} before any change was requested; nothing was changed"
    run = f" run {attempt.record.run_id}" if attempt.record.run_id else ""
    return f"{why} while carrying it out{run}; the next start records what happened"


def _close(attempt: Attempt) -> None:
    """The outcome line. If it cannot be written while the attempt's own error is on its way out,
    that error is what the operator needs (an open intent is reconciled at the next start)."""
    try:
        attempt.ctx.audit.append(attempt.record, sync=attempt.intended)
    except ConsoleError as exc:
        if attempt.record.outcome != SUCCEEDED:
            return
        if attempt.intended:
            raise ConsoleError(f"{exc.message.rstrip('.')}; the action itself succeeded and the next start "
                               "records it.") from exc
        raise
