"""Direct (break-glass) mode: the same plans carried out with boto3 through ``ecr_ops`` when GitHub
Actions is down. Only reached through an explicit flag/key plus an extra confirmation; the callers
(rollback.execute / prune.execute) audit it with ``mode: direct``. Never re-implements ecr_ops."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.actions.progress import Progress, ProgressFn
from console.model import PrunePlan, RollbackPlan
from console.model.images import short_digest
from console.services import ecr_ops

if TYPE_CHECKING:
    from console.actions.context import ActionContext

BANNER = "DIRECT MODE (break-glass): changes ECR with your AWS credentials, bypassing GitHub Actions and its environment rules."


async def rollback(ctx: ActionContext, plan: RollbackPlan, report: ProgressFn) -> None:
    # ecr_ops checks each to_ref still names the planned digest before anything moves.
    outcomes = await ecr_ops.rollback(ctx.ecr, plan)
    for o in outcomes:
        report(Progress("dispatch", f"latest-{o.target}: {short_digest(o.from_digest)} -> {short_digest(o.to_digest)} ({o.to_ref})"))


async def prune(ctx: ActionContext, plan: PrunePlan, report: ProgressFn) -> dict[str, str]:
    """Delete through ecr_ops (which re-checks protection); returns {digest: why it was not deleted}."""
    targets = tuple(sorted({i.target for i in plan.delete} | {i.target for i in plan.protected}))
    result = await ecr_ops.prune(ctx.ecr, plan.digests, targets)
    report(Progress("dispatch", f"deleted {len(result.deleted)}, refused {len(result.kept)} (protected), failed {len(result.failed)}"))
    refused = {d: f"protected now: {why}" for d, why in result.kept}
    refused.update({d: f"failed: {why}" for d, why in result.failed})
    return refused
