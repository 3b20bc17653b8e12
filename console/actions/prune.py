"""Prune old images: plan (keep N releases per target, never protected digests), let the operator
narrow the set, delete exactly that set through cd.yml operation=prune (or ecr_ops in direct mode),
then re-read ECR and report deleted / refused (still there, and why) / kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import RenderableType

from console.actions import direct as direct_ops
from console.actions.audit import FAILED, SUCCEEDED, AuditRecord
from console.actions.carry_out import PlannedOperation
from console.actions.context import ActionContext
from console.actions.dispatch import cd_inputs
from console.actions.follow import FollowResult
from console.actions.progress import Progress, ProgressFn, silent
from console.actions.render import prune_tables
from console.errors import ActionError, PlanError
from console.model import Image, PrunePlan
from console.model.environments import running_digests, target_states
from console.model.format import human_size
from console.model.images import select_targets
from console.model.plan_json import prune_plan_json
from console.model.plans import plan_prune, protection_reason

OPERATION = "prune"
MAX_INPUT_CHARS = 65_000  # a workflow_dispatch input holds at most 65,535 characters


@dataclass(frozen=True)
class PruneResult:
    plan: PrunePlan
    deleted: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # chosen but still there: (digest, why)
    mode: str
    run: FollowResult | None = None
    run_url: str = ""
    kept: int = 0  # images the repository still holds afterwards

    @property
    def complete(self) -> bool:
        return not self.refused


async def plan(ctx: ActionContext, keep: int | None = None) -> tuple[PrunePlan, list[Image]]:
    """Plan on a fresh listing. ``keep`` defaults to the configured prune_keep. Raises PlanError."""
    keep = ctx.settings.prune_keep if keep is None else keep
    if keep < 1:  # before any request: a bad number needs no listing
        raise PlanError("Keep count must be at least 1.")
    images = await ctx.images()
    targets = ctx.targets(images)
    only = select_targets(targets, ctx.settings.only_targets) if ctx.settings.only_targets else ()
    return plan_prune(images, targets, keep, _running(ctx, images, targets), only=only), images


class Prune(PlannedOperation):
    name = OPERATION
    LABEL = "Delete"
    DIRECT_NOTE = "The same digests, deleted with boto3."
    DIRECT_PROGRESS = "DIRECT MODE: deleting with boto3 (no workflow run), protection re-checked first"
    plan: PrunePlan

    def question(self) -> str:
        return (f"Delete {len(self.plan.delete)} images ({human_size(self.plan.bytes_reclaimed)}) "
                f"from {self.ctx.settings.ecr_repository}?")

    def typed(self) -> str:
        return self.ctx.settings.ecr_repository

    def preview(self, now: datetime | None = None) -> RenderableType:
        return prune_tables(self.plan, now, protected=False)

    def plan_details(self) -> dict[str, Any]:
        return prune_plan_json(self.plan)

    def record_fields(self) -> dict[str, Any]:
        return {"targets": sorted({i.target for i in self.plan.delete}), "digests": list(self.plan.digests),
                "result": {"keep": self.plan.keep, "bytes": self.plan.bytes_reclaimed}}

    def inputs(self) -> dict[str, str]:
        return cd_inputs(OPERATION, self.reason, digests=",".join(self.plan.digests))

    def check(self) -> None:
        if not self.plan.delete:
            raise PlanError("Nothing is selected for deletion; nothing to prune.")
        if len(",".join(self.plan.digests)) > MAX_INPUT_CHARS:
            raise PlanError(f"{len(self.plan.delete)} images are too many for one run; uncheck some and prune in batches.")

    async def direct_change(self, record: AuditRecord, report: ProgressFn) -> dict[str, str]:
        return await direct_ops.prune(self.ctx, self.plan, report)

    async def execute(self, report: ProgressFn = silent) -> PruneResult:
        """Delete exactly the plan's digests once; the workflow / ecr_ops re-check protection first."""
        record = self.audit_record()
        async with self.carried_out(record, report) as done:
            result = await verify(self.ctx, self.plan, report, done.direct_result or {}, done.followed, done.url, record.mode)
            record.result.update(deleted=list(result.deleted), refused=[list(k) for k in result.refused], kept=result.kept)
            if done.run_failed:
                log = await self.failed_run_log(record, done)
                assert done.followed is not None  # run_failed: a run was followed
                raise ActionError(
                    f"Prune run {done.followed.run.id} ended {done.followed.run.conclusion}: {len(result.deleted)} deleted, "
                    f"{len(result.refused)} still there." + log
                )
            report(Progress("done", "pruned: " + counts(result)))
            return result

    def summary(self, result: PruneResult) -> str:
        return f"Pruned ({result.mode}): {counts(result)}."

    @classmethod
    async def ecr_state(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str]:
        present = {i.digest for i in await ctx.images()}
        gone = [d for d in record.digests if d not in present]
        record.result.update(deleted=gone, still_there=[d for d in record.digests if d in present])
        line = f"{len(gone)} of {len(record.digests)} chosen images deleted"
        return (SUCCEEDED if len(gone) == len(record.digests) else FAILED), line


def counts(result: PruneResult) -> str:
    refused = f"{len(result.refused)} refused (still there)" if result.refused else "0 refused"
    return f"{len(result.deleted)} deleted, {refused}, {result.kept} images kept"


async def execute(ctx: ActionContext, prune: PrunePlan, *, report: ProgressFn = silent, direct: bool = False,
                  reason: str = "") -> PruneResult:
    """Delete ``prune``'s digests once (the Prune operation, for callers without a confirmation)."""
    return await Prune(ctx, prune, direct=direct, reason=reason).execute(report)


async def verify(
    ctx: ActionContext,
    prune: PrunePlan,
    report: ProgressFn,
    refused: dict[str, str],
    followed: FollowResult | None,
    url: str,
    mode: str,
) -> PruneResult:
    """Re-read ECR: which chosen digests are gone, and why any is still there."""
    report(Progress("verify", "reading ECR to see what is gone"))
    images = await ctx.images()
    present = {i.digest: i for i in images}
    targets = ctx.targets(images)
    running = _running(ctx, images, targets)
    deleted, still = [], []
    for digest in prune.digests:
        image = present.get(digest)
        if image is None:
            deleted.append(digest)
            continue
        why = refused.get(digest) or protection_reason(image, targets, running)
        still.append((digest, f"protected now: {why}" if why and digest not in refused else (why or "still in ECR (see the run log)")))
    return PruneResult(prune, tuple(deleted), tuple(still), mode, followed, url, kept=len(images))


def _running(ctx: ActionContext, images: list[Image], targets: tuple[str, ...]) -> frozenset[str]:
    return running_digests(target_states(images, targets, environments=ctx.settings.environments))
