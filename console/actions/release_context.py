"""Read the release context of a run waiting for approval (console/model/release.py): the CI run and the
``staging/<target>`` statuses of the tagged commit, each waiting environment's protection and its
30-day deadline. Read concurrently; a part GitHub cannot
tell (a permission, an old GitHub Enterprise Server) is left unknown with the reason, never fatal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from console.actions.context import ActionContext
from console.errors import ConsoleError
from console.model import PendingApproval, WorkflowRun
from console.model.release import CiResult, Deadline, ReleaseContext, staging_checks

T = TypeVar("T")


async def _try(part: str, read: Awaitable[T], notes: list[tuple[str, str]]) -> T | None:
    try:
        return await read
    except ConsoleError as exc:
        notes.append((part, str(exc)))
        return None


async def read_context(ctx: ActionContext, run: WorkflowRun, pending: tuple[PendingApproval, ...],
                       targets: tuple[str, ...]) -> ReleaseContext:
    notes: list[tuple[str, str]] = []
    github = ctx.github
    ci_runs, statuses, gates, deadlines = await asyncio.gather(
        _try("ci", github.list_runs(ctx.settings.workflows.ci, per_page=5, head_sha=run.head_sha), notes),
        _try("staging", github.commit_statuses(run.head_sha), notes),
        asyncio.gather(*(_try("gates", github.environment_gate(p.environment), notes) for p in pending)),
        asyncio.gather(*(_deadline(ctx, run, p) for p in pending)),
    )
    newest = ci_runs[0] if ci_runs else None
    if ci_runs is not None and newest is None:
        notes.append(("ci", f"no {ctx.settings.workflows.ci} run for {run.head_sha[:7]}"))
    ci = CiResult(newest.name, newest.run_number, newest.status, newest.conclusion, newest.html_url) if newest else None
    return ReleaseContext(
        ci=ci,
        staging=staging_checks(targets, statuses) if statuses is not None else None,
        gates=tuple(g for g in gates if g is not None),
        deadlines=tuple((p.environment, d) for p, d in zip(pending, deadlines, strict=True)),
        notes=tuple(notes),
    )


async def _deadline(ctx: ActionContext, run: WorkflowRun, pending: PendingApproval) -> Deadline:
    """From the deployment GitHub created for the waiting job when it lists one, else from the start of
    the run's attempt (the job cannot have waited longer: the deadline shown is never later than GitHub's)."""
    started = run.run_started_at or run.created_at
    try:
        created = await ctx.github.deployment_created(pending.environment, run.head_sha, started)
    except ConsoleError:
        created = None
    return Deadline(created, "deployment") if created else Deadline(started, "run")
