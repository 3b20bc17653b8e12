"""Prune old images: plan (keep N releases per target, never protected digests), let the operator
narrow the set, delete exactly that set through cd.yml operation=prune (or ecr_ops in direct mode),
then re-read ECR and report deleted / kept / failed per digest."""

from __future__ import annotations

from dataclasses import dataclass

from console.actions import direct as direct_ops
from console.actions.audit import AuditRecord
from console.actions.carry_out import carried_out, failed_run_log, operation_record
from console.actions.context import ActionContext
from console.actions.dispatch import cd_inputs
from console.actions.follow import FollowResult
from console.actions.progress import Progress, ProgressFn, silent
from console.errors import ActionError, PlanError
from console.model import Image, PrunePlan
from console.model.environments import running_digests, target_states
from console.model.plans import plan_prune, protection_reason

OPERATION = "prune"
MAX_INPUT_CHARS = 65_000  # a workflow_dispatch input holds at most 65,535 characters


@dataclass(frozen=True)
class PruneResult:
    plan: PrunePlan
    deleted: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]  # (digest, why it is still there)
    mode: str
    run: FollowResult | None = None
    run_url: str = ""

    @property
    def complete(self) -> bool:
        return not self.kept


async def plan(ctx: ActionContext, keep: int | None = None) -> tuple[PrunePlan, list[Image]]:
    """Plan on a fresh listing. ``keep`` defaults to the configured prune_keep. Raises PlanError."""
    keep = ctx.settings.prune_keep if keep is None else keep
    if keep < 1:  # before any request: a bad number needs no listing
        raise PlanError("Keep count must be at least 1.")
    images = await ctx.images()
    targets = ctx.targets(images)
    return plan_prune(images, targets, keep, _running(ctx, images, targets)), images


def audit_record(ctx: ActionContext, prune: PrunePlan, *, direct: bool, reason: str = "") -> AuditRecord:
    return operation_record(
        ctx.settings, OPERATION, direct=direct, reason=reason, targets=sorted({i.target for i in prune.delete}),
        digests=list(prune.digests), result={"keep": prune.keep, "bytes": prune.bytes_reclaimed},
    )


async def execute(
    ctx: ActionContext,
    prune: PrunePlan,
    *,
    report: ProgressFn = silent,
    direct: bool = False,
    reason: str = "",
) -> PruneResult:
    """Delete exactly ``prune.digests`` once; the workflow / ecr_ops re-check protection first."""
    record = audit_record(ctx, prune, direct=direct, reason=reason)
    digests = ",".join(prune.digests)

    def check() -> None:
        if not prune.delete:
            raise PlanError("Nothing is selected for deletion; nothing to prune.")
        if len(digests) > MAX_INPUT_CHARS:
            raise PlanError(f"{len(prune.delete)} images are too many for one run; uncheck some and prune in batches.")

    async with carried_out(
        ctx, record, OPERATION, inputs=cd_inputs(OPERATION, reason, digests=digests), report=report, direct=direct,
        direct_note="DIRECT MODE: deleting with boto3 (no workflow run), protection re-checked first",
        direct_change=lambda: direct_ops.prune(ctx, prune, report), check=check,
    ) as done:
        result = await verify(ctx, prune, report, done.direct_result or {}, done.followed, done.url, record.mode)
        record.result.update(deleted=list(result.deleted), kept=[list(k) for k in result.kept])
        if done.run_failed:
            log = await failed_run_log(ctx, record, done)
            raise ActionError(
                f"Prune run {done.followed.run.id} ended {done.followed.run.conclusion}: {len(result.deleted)} deleted, "
                f"{len(result.kept)} still there." + log
            )
        report(Progress("done", f"pruned: {len(result.deleted)} deleted, {len(result.kept)} kept"))
        return result


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
    deleted, kept = [], []
    for digest in prune.digests:
        image = present.get(digest)
        if image is None:
            deleted.append(digest)
            continue
        why = refused.get(digest) or protection_reason(image, targets, running)
        kept.append((digest, f"protected now: {why}" if why and digest not in refused else (why or "still in ECR (see the run log)")))
    return PruneResult(prune, tuple(deleted), tuple(kept), mode, followed, url)


def _running(ctx: ActionContext, images, targets) -> frozenset[str]:
    return running_digests(target_states(images, targets, environments=ctx.settings.environments))
