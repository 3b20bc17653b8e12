"""A change that stops halfway is recorded per target: which moved, which did not."""

from __future__ import annotations

import pytest

from console.actions import rollback
from console.errors import ActionError, AwsError
from console.model.images import short_digest
from tests.actions.helpers import ecr_tags


async def test_a_direct_rollback_that_stops_halfway_says_which_target_moved(sandbox, ctx, audit_log, monkeypatch):
    """AWS fails the second target's tag move (throttled, a dropped connection: moto cannot be made
    to fail one call of many, so that one call is replaced)."""
    plan, _ = await rollback.plan(ctx, None)
    first, second = plan.steps
    real_put_tag = ctx.ecr.put_tag

    async def put_tag(image, tag, **kwargs):
        if tag == f"latest-{second.target}":
            raise AwsError("ECR throttled the request (ThrottlingException); try again in a minute.")
        return await real_put_tag(image, tag, **kwargs)

    monkeypatch.setattr(ctx.ecr, "put_tag", put_tag)
    with pytest.raises(ActionError, match=f"{first.target} moved to .*; {second.target} not moved"):
        await rollback.execute(ctx, plan, direct=True)
    tags = ecr_tags(sandbox)
    assert tags[f"latest-{first.target}"] == first.to_digest
    assert tags[f"latest-{second.target}"] == second.from_digest
    record = audit_log.read()[0]
    assert (record.outcome, record.mode) == ("failed", "direct")
    assert record.result["targets"] == {
        first.target: f"moved to {short_digest(first.to_digest)}",
        second.target: f"not moved (still {short_digest(second.from_digest)})",
    }
