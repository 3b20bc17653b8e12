"""Roll production targets back: plan on a fresh ECR listing, dispatch cd.yml operation=rollback
(or, in direct mode, move the tags with ecr_ops), follow the run, then check ECR per target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.actions import direct as direct_ops
from console.actions.audit import AuditRecord
from console.actions.context import ActionContext, recorded
from console.actions.dispatch import dispatch_cd
from console.actions.follow import FollowResult, failure_excerpt, follow_run
from console.actions.guard import ensure_writable, single_flight
from console.actions.progress import Progress, ProgressFn, silent
from console.errors import ActionError
from console.model import PRODUCTION, Image, RollbackPlan
from console.model.images import find_by_tag, short_digest
from console.model.plans import plan_rollback

OPERATION = "rollback"


@dataclass(frozen=True)
class TargetCheck:
    target: str
    expected: str
    actual: str | None

    @property
    def ok(self) -> bool:
        return self.actual == self.expected


@dataclass(frozen=True)
class RollbackResult:
    plan: RollbackPlan
    checks: tuple[TargetCheck, ...]
    mode: str
    run: FollowResult | None = None
    run_url: str = ""


async def plan(
    ctx: ActionContext, targets: Sequence[str] | None, to_version: str | None = None
) -> tuple[RollbackPlan, list[Image]]:
    """Plan on a fresh listing; ``targets=None`` means every target. Raises PlanError."""
    images = await ctx.images()
    known = ctx.targets(images)
    chosen = tuple(known) if targets is None else tuple(targets)
    return plan_rollback(images, known, chosen, to_version or None), images


def audit_record(ctx: ActionContext, rollback: RollbackPlan, *, direct: bool, reason: str = "") -> AuditRecord:
    return AuditRecord(
        action=OPERATION,
        repository=ctx.settings.repo,
        mode="direct" if direct else "workflow",
        environment=PRODUCTION,
        targets=list(rollback.targets),
        changes=[
            {"target": s.target, "from": s.from_digest, "to": s.to_digest, "to_ref": s.to_ref, "to_version": s.to_version}
            for s in rollback.steps
        ],
        comment=reason or None,
    )


async def execute(
    ctx: ActionContext,
    rollback: RollbackPlan,
    *,
    report: ProgressFn = silent,
    direct: bool = False,
    reason: str = "",
) -> RollbackResult:
    """Carry out ``rollback`` once; raise ActionError when the run fails or ECR does not show the result."""
    record = audit_record(ctx, rollback, direct=direct, reason=reason)
    async with recorded(ctx, record):
        ensure_writable(ctx.settings, "rollback")
        with single_flight(ctx.settings.repo, OPERATION):
            await ctx.user()
            followed, url = None, ""
            if direct:
                report(Progress("dispatch", "DIRECT MODE: moving latest-<target> tags in ECR with boto3 (no workflow run)"))
                await direct_ops.rollback(ctx, rollback, report)
            else:
                dispatched = await dispatch_cd(ctx.github, ctx.settings, _inputs(rollback, reason), report)
                record.run_id, record.run_url, record.request_id = dispatched.run_id, dispatched.html_url, dispatched.request_id
                url = dispatched.html_url
                followed = await follow_run(ctx.github, dispatched.run_id, report)
            checks = await verify(ctx, rollback, report)
            record.result = {"checks": [{"target": c.target, "expected": c.expected, "actual": c.actual} for c in checks]}
            if followed is not None and not followed.succeeded:
                excerpt = await failure_excerpt(ctx.github, followed.jobs)
                record.result["log"] = excerpt
                raise ActionError(
                    f"Rollback run {followed.run.id} ended {followed.run.conclusion}; "
                    + _check_summary(checks) + (f"\n{excerpt}" if excerpt else "")
                )
            if not all(c.ok for c in checks):
                raise ActionError(f"Rollback finished but ECR does not show it: {_check_summary(checks)}")
            report(Progress("done", "rolled back: " + _check_summary(checks)))
            return RollbackResult(rollback, checks, record.mode, followed, url)


async def verify(ctx: ActionContext, rollback: RollbackPlan, report: ProgressFn) -> tuple[TargetCheck, ...]:
    """Re-read ECR: does ``latest-<target>`` name the planned digest for every target?"""
    report(Progress("verify", "reading ECR to confirm latest-<target> per target"))
    images = await ctx.images()
    checks = []
    for step in rollback.steps:
        current = find_by_tag(images, f"latest-{step.target}")
        checks.append(TargetCheck(step.target, step.to_digest, current.digest if current else None))
    return tuple(checks)


def _inputs(rollback: RollbackPlan, reason: str) -> dict[str, str]:
    return {
        "operation": OPERATION,
        "targets": ",".join(rollback.targets),
        "to_version": rollback.to_version or "",
        "digests": "",
        "reason": reason or "rollback from ghaecr-console",
    }


def _check_summary(checks: tuple[TargetCheck, ...]) -> str:
    def one(c: TargetCheck) -> str:
        if c.ok:
            return f"latest-{c.target} = {short_digest(c.expected)} (as planned)"
        return f"latest-{c.target} = {short_digest(c.actual)}, expected {short_digest(c.expected)}"

    return "; ".join(one(c) for c in checks)
