"""Regression guard (issue 6, figure 7): a rollback retags by manifest — at most 4 ECR calls per
target and never a layer operation (no image bytes pulled or pushed)."""

from __future__ import annotations

import pytest

from console.actions import rollback as rollback_action
from console.actions.audit import AuditLog
from console.actions.context import ActionContext
from console.errors import NetworkError
from console.services import ecr_ops
from console.services.ecr import EcrService

LAYER_OPERATIONS = {"GetDownloadUrlForLayer", "BatchCheckLayerAvailability", "InitiateLayerUpload",
                    "UploadLayerPart", "CompleteLayerUpload"}
MAX_CALLS_PER_TARGET = 4


def _ecr(sandbox) -> EcrService:
    return EcrService(sandbox.ecr_repository, region=sandbox.region, endpoint_url=sandbox.ecr_endpoint_url)


async def test_rolling_back_every_target_costs_at_most_four_ecr_calls_each(sandbox):
    ecr = _ecr(sandbox)
    targets = sandbox.targets
    outcomes = await ecr_ops.rollback(ecr, targets)

    assert [o.target for o in outcomes] == list(targets) and all(o.changed and o.verified for o in outcomes)
    assert ecr.stats.total <= MAX_CALLS_PER_TARGET * len(targets), ecr.stats.by_operation
    assert not LAYER_OPERATIONS & set(ecr.stats.by_operation), ecr.stats.by_operation
    assert "PutImage" in ecr.stats.by_operation  # it did move tags, by manifest


class _Operator:
    """GitHub as break-glass meets it: the login is known, everything else is down."""

    async def current_user(self) -> str:
        return "perf-guard"

    async def comparison(self, base: str, head: str):
        raise NetworkError("Cannot reach GitHub.")  # the preview says so in one line and goes on


@pytest.mark.parametrize("targets", [("minimal",), None], ids=["one-target", "all-targets"])
async def test_a_direct_rollback_moves_no_layers_and_lists_ecr_only_to_plan_and_verify(sandbox, tmp_path, targets):
    ecr = _ecr(sandbox)
    ctx = ActionContext(sandbox.settings(), _Operator(), ecr, AuditLog(tmp_path / "audit.jsonl"))
    plan, _ = await rollback_action.plan(ctx, targets)
    assert all("Cannot reach GitHub" in u.note for u in plan.unshipped)
    planned = ecr.stats.total
    result = await rollback_action.execute(ctx, plan, direct=True, reason="perf guard")

    assert all(check.ok for check in result.checks)
    calls = ecr.stats.by_operation
    assert not LAYER_OPERATIONS & set(calls), calls
    listings = calls.get("DescribeImages", 0) + calls.get("ListImages", 0)
    assert listings == 2 * planned  # one listing to plan, one to verify; none per target
    per_target = (ecr.stats.total - listings) / len(plan.steps)
    assert per_target <= MAX_CALLS_PER_TARGET, calls
