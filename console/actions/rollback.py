"""Roll production targets back: plan on a fresh ECR listing, dispatch cd.yml operation=rollback
(or, in direct mode, move the tags with ecr_ops), follow the run, then check ECR per target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rich.console import RenderableType

from console.actions import direct as direct_ops
from console.actions.audit import FAILED, SUCCEEDED, UNKNOWN, AuditRecord
from console.actions.carry_out import PlannedOperation
from console.actions.context import ActionContext
from console.actions.dispatch import cd_inputs
from console.actions.follow import FollowResult
from console.actions.progress import Progress, ProgressFn, silent
from console.actions.render import rollback_preview
from console.actions.tag_states import states_line, target_states
from console.actions.unshipped import unshipped
from console.errors import ActionError, ConsoleError
from console.model import PRODUCTION, Image, RollbackPlan
from console.model.images import short_digest, tag_digest
from console.model.plan_json import rollback_plan_json
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
    """Plan on a fresh listing (with the commits each target un-ships); ``targets=None`` means every
    target. Raises PlanError."""
    images = await ctx.images()
    known = ctx.targets(images)
    chosen = tuple(known) if targets is None else tuple(targets)
    planned = plan_rollback(images, known, chosen, to_version or None)
    return replace(planned, unshipped=await unshipped(ctx, planned, images)), images


class Rollback(PlannedOperation):
    name = OPERATION
    LABEL = "Roll back"
    DIRECT_NOTE = "The same plan, carried out with boto3."
    DIRECT_PROGRESS = "DIRECT MODE: moving latest-<target> tags in ECR with boto3 (no workflow run)"
    plan: RollbackPlan

    def question(self) -> str:
        return f"Roll back {', '.join(self.plan.targets)} in production?"

    def typed(self) -> str:
        """One target: its name; several: the environment's."""
        return self.plan.targets[0] if len(self.plan.targets) == 1 else PRODUCTION

    def preview(self, now: datetime | None = None) -> RenderableType:
        return rollback_preview(self.plan, now)

    def plan_details(self) -> dict[str, Any]:
        return rollback_plan_json(self.plan)

    def record_fields(self) -> dict[str, Any]:
        return {"environment": PRODUCTION, "targets": list(self.plan.targets), "changes": [
            {"target": s.target, "from": s.from_digest, "from_version": s.from_version, "to": s.to_digest, "to_ref": s.to_ref,
             "to_version": s.to_version}
            for s in self.plan.steps]}

    def inputs(self) -> dict[str, str]:
        return cd_inputs(OPERATION, self.reason, targets=",".join(self.plan.targets), to_version=self.plan.to_version or "")

    async def execute(self, report: ProgressFn = silent) -> RollbackResult:
        """Carry the rollback out once; raise ActionError when the run fails or ECR does not show it."""
        record = self.audit_record()
        async with self.carried_out(record, report) as done:
            checks = await verify(self.ctx, self.plan, report)
            record.result = {"checks": [{"target": c.target, "expected": c.expected, "actual": c.actual} for c in checks]}
            if done.run_failed:
                log = await self.failed_run_log(record, done)
                assert done.followed is not None  # run_failed: a run was followed
                raise ActionError(f"Rollback run {done.followed.run.id} ended {done.followed.run.conclusion}; "
                                  + _check_summary(checks) + log)
            if not all(c.ok for c in checks):
                raise ActionError(f"Rollback finished but ECR does not show it: {_check_summary(checks)}")
            report(Progress("done", "rolled back: " + _check_summary(checks)))
            return RollbackResult(self.plan, checks, record.mode, done.followed, done.url)

    def summary(self, result: RollbackResult) -> str:
        lines = "; ".join(f"latest-{c.target} = {c.actual[:19] if c.actual else '-'}" for c in result.checks)
        return f"Rolled back ({result.mode}): {lines}"

    async def direct_change(self, record: AuditRecord, report: ProgressFn) -> None:
        """ecr_ops moves one target after another: if it stops halfway, record which moved."""
        try:
            await direct_ops.rollback(self.ctx, self.plan, report)
        except ConsoleError as exc:
            states = await target_states(self.ctx, record)
            record.result["targets"] = states
            raise ActionError(f"Direct rollback stopped ({exc.message.rstrip('.')}): {states_line(states)}.") from exc

    @classmethod
    async def ecr_state(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str]:
        states = await target_states(ctx, record)
        record.result["targets"] = states
        moved = [s for s in states.values() if s.startswith("moved")]
        if len(moved) == len(states):
            return SUCCEEDED, states_line(states)
        if any(s.startswith("now") for s in states.values()):
            return UNKNOWN, f"production's tags moved elsewhere since: {states_line(states)}"
        return FAILED, states_line(states)


async def execute(ctx: ActionContext, rollback: RollbackPlan, *, report: ProgressFn = silent, direct: bool = False,
                  reason: str = "") -> RollbackResult:
    """Carry out ``rollback`` once (the Rollback operation, for callers without a confirmation)."""
    return await Rollback(ctx, rollback, direct=direct, reason=reason).execute(report)


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
