"""What rollback and prune share once a plan is chosen: record the attempt, refuse in read-only mode
or while the operation runs elsewhere, then either change ECR directly (break-glass) or dispatch
cd.yml once and follow the run. The caller verifies ECR inside the block."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from console.actions.audit import AuditRecord
from console.actions.context import ActionContext, recorded
from console.actions.dispatch import dispatch_cd, refuse_if_active, yield_to_earlier
from console.actions.follow import FollowResult, failure_excerpt, follow_run
from console.actions.guard import ensure_writable, single_flight
from console.actions.progress import Progress, ProgressFn
from console.config import Settings


def operation_record(settings: Settings, operation: str, *, direct: bool, reason: str = "", **fields: Any) -> AuditRecord:
    """The audit record of a rollback or prune attempt (``fields``: what the plan adds)."""
    return AuditRecord(action=operation, repository=settings.repo, mode="direct" if direct else "workflow",
                       comment=reason or None, **fields)


@dataclass
class CarriedOut:
    followed: FollowResult | None = None  # None in direct mode
    url: str = ""
    direct_result: Any = None

    @property
    def run_failed(self) -> bool:
        return self.followed is not None and not self.followed.succeeded


@asynccontextmanager
async def carried_out(
    ctx: ActionContext,
    record: AuditRecord,
    operation: str,
    *,
    inputs: dict[str, str],
    report: ProgressFn,
    direct: bool,
    direct_note: str,
    direct_change: Callable[[], Awaitable[Any]],
    check: Callable[[], None] | None = None,
) -> AsyncIterator[CarriedOut]:
    """Carry ``operation`` out once; the block (verification) still runs under single flight and
    inside the audit record, so whatever it raises is recorded too. ``check`` refuses a bad plan
    after the read-only check and before anything is asked of GitHub."""
    async with recorded(ctx, record):
        ensure_writable(ctx.settings, operation)
        if check is not None:
            check()
        with single_flight(ctx.settings.repo, operation):
            await ctx.user()
            done = CarriedOut()
            if direct:
                report(Progress("dispatch", direct_note))
                done.direct_result = await direct_change()
            else:
                await refuse_if_active(ctx.github, ctx.settings, operation)
                dispatched = await dispatch_cd(ctx.github, ctx.settings, inputs, report)
                record.run_id, record.run_url, record.request_id = dispatched.run_id, dispatched.html_url, dispatched.request_id
                await yield_to_earlier(ctx.github, ctx.settings, operation, dispatched)
                done.url = dispatched.html_url
                done.followed = await follow_run(ctx.github, dispatched.run_id, report)
            yield done


async def failed_run_log(ctx: ActionContext, record: AuditRecord, done: CarriedOut) -> str:
    """The failing step's log excerpt (also kept in the audit record), as a suffix for the error."""
    excerpt = await failure_excerpt(ctx.github, done.followed.jobs) if done.followed else ""
    record.result["log"] = excerpt
    return f"\n{excerpt}" if excerpt else ""
