"""Roll production targets back: plan on a fresh ECR listing, dispatch cd.yml operation=rollback
(or, in direct mode, move the tags with ecr_ops), follow the run, then check ECR per target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.actions import direct as direct_ops
from console.actions.audit import AuditRecord
from console.actions.carry_out import carried_out, failed_run_log, operation_record
from console.actions.context import ActionContext
from console.actions.dispatch import cd_inputs
from console.actions.follow import FollowResult
from console.actions.progress import Progress, ProgressFn, silent
from console.errors import ActionError
from console.model import PRODUCTION, Image, RollbackPlan
from console.model.images import short_digest, tag_digest
from console.model.plans import RollbackStep, plan_rollback

OPERATION = "rollback"


@dataclass(frozen=True)
class TargetCheck:
    """What ``latest-<target>`` names after the rollback, next to the planned step."""

    step: RollbackStep
    actual: str | None

    @property
    def target(self) -> str:
        return self.step.target

    @property
    def expected(self) -> str:
        return self.step.to_digest

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
    return operation_record(
        ctx.settings, OPERATION, direct=direct, reason=reason, environment=PRODUCTION, targets=list(rollback.targets),
        changes=[
            {"target": s.target, "from": s.from_digest, "to": s.to_digest, "to_ref": s.to_ref, "to_version": s.to_version}
            for s in rollback.steps
        ],
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
    inputs = cd_inputs(OPERATION, reason, targets=",".join(rollback.targets), to_version=rollback.to_version or "")
    async with carried_out(
        ctx, record, OPERATION, inputs=inputs, report=report, direct=direct,
        direct_note="DIRECT MODE: moving latest-<target> tags in ECR with boto3 (no workflow run)",
        direct_change=lambda: direct_ops.rollback(ctx, rollback, report),
    ) as done:
        checks = await verify(ctx, rollback, report)
        record.result = {"checks": [{"target": c.target, "expected": c.expected, "actual": c.actual} for c in checks]}
        if done.run_failed:
            log = await failed_run_log(ctx, record, done)
            raise ActionError(f"Rollback run {done.followed.run.id} ended {done.followed.run.conclusion}; "
                              + _check_summary(checks) + log)
        if not all(c.ok for c in checks):
            raise ActionError(f"Rollback finished but ECR does not show it: {_check_summary(checks)}")
        report(Progress("done", "rolled back: " + _check_summary(checks)))
        return RollbackResult(rollback, checks, record.mode, done.followed, done.url)


async def verify(ctx: ActionContext, rollback: RollbackPlan, report: ProgressFn) -> tuple[TargetCheck, ...]:
    """Re-read ECR: does ``latest-<target>`` name the planned digest for every target?"""
    report(Progress("verify", "reading ECR to confirm latest-<target> per target"))
    images = await ctx.images()
    return tuple(TargetCheck(step, tag_digest(images, f"latest-{step.target}")) for step in rollback.steps)


def _check_summary(checks: tuple[TargetCheck, ...]) -> str:
    def one(c: TargetCheck) -> str:
        if c.ok:
            return f"latest-{c.target} = {short_digest(c.expected)} (as planned)"
        return f"latest-{c.target} = {short_digest(c.actual)}, expected {short_digest(c.expected)}"

    return "; ".join(one(c) for c in checks)
