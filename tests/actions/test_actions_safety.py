"""Safety and bad input: single flight, read-only, refusals with one clear sentence and no change."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from console.actions import approve, prune, rollback
from console.actions.guard import AlreadyRunning
from console.errors import ActionError, PlanError, ReadOnlyError
from tests.actions.helpers import delete_tag, dispatches, ecr_digests, ecr_tags, writes


async def test_a_double_press_dispatches_once(sandbox, ctx, audit_log):
    plan, _ = await rollback.plan(ctx, ["runtime"])

    results = await asyncio.gather(rollback.execute(ctx, plan), rollback.execute(ctx, plan), return_exceptions=True)

    assert sum(isinstance(r, AlreadyRunning) for r in results) == 1
    assert sum(isinstance(r, rollback.RollbackResult) for r in results) == 1
    assert dispatches(sandbox) == 1
    assert sorted(r.outcome for r in audit_log.read()) == ["refused", "succeeded"]


async def test_read_only_mode_makes_no_write_request(sandbox, make_ctx, audit_log):
    ctx = make_ctx(read_only=True)
    rollback_plan, _ = await rollback.plan(ctx, ["runtime"])  # reading is allowed
    prune_plan, _ = await prune.plan(ctx, 2)
    preview = await approve.preview(ctx, sandbox.pending_run_id)
    tags, github_requests, ecr_calls = ecr_tags(sandbox), len(sandbox.state.requests), ctx.ecr.stats.total

    for attempt in (
        rollback.execute(ctx, rollback_plan),
        rollback.execute(ctx, rollback_plan, direct=True),
        prune.execute(ctx, prune_plan),
        prune.execute(ctx, prune_plan, direct=True),
        approve.review(ctx, preview, approve=True, comment="ship"),
    ):
        with pytest.raises(ReadOnlyError, match="read-only mode: .* is disabled; drop --read-only"):
            await attempt

    assert len(sandbox.state.requests) == github_requests
    assert ctx.ecr.stats.total == ecr_calls
    assert ecr_tags(sandbox) == tags
    assert {r.outcome for r in audit_log.read()} == {"refused"} and len(audit_log.read()) == 5


async def test_approving_a_run_with_nothing_pending_says_so(sandbox, ctx):
    done = next(r for r in sandbox.state.runs_newest_first() if r.status == "completed")
    with pytest.raises(PlanError, match=f"Run {done.id} has no deployment waiting for review"):
        await approve.preview(ctx, done.id)
    assert writes(sandbox) == []


async def test_a_review_needs_a_comment_and_the_right_to_review(sandbox, ctx):
    preview = await approve.preview(ctx, sandbox.pending_run_id)
    with pytest.raises(PlanError, match="A comment is required"):
        await approve.review(ctx, preview, approve=True, comment="  ")
    barred = dataclasses.replace(
        preview, pending=tuple(dataclasses.replace(p, current_user_can_approve=False) for p in preview.pending))
    assert "is not a required reviewer of production" in barred.why_not
    with pytest.raises(PlanError, match="not a required reviewer"):
        await approve.review(ctx, barred, approve=True, comment="ship")
    assert writes(sandbox) == []


async def test_rollback_without_a_previous_image_or_to_a_missing_version_is_refused(sandbox, ctx):
    delete_tag(sandbox, "previous-minimal")
    with pytest.raises(PlanError, match="'minimal' has no previous image"):
        await rollback.plan(ctx, ["minimal"])
    with pytest.raises(PlanError, match="Version 'v9.9.9' does not exist for 'runtime'"):
        await rollback.plan(ctx, ["runtime"], "v9.9.9")
    with pytest.raises(PlanError, match="Unknown target 'nope'"):
        await rollback.plan(ctx, ["nope"])
    assert writes(sandbox) == []


async def test_keep_below_one_is_refused_before_any_request(sandbox, ctx):
    with pytest.raises(PlanError, match="Keep count must be at least 1"):
        await prune.plan(ctx, 0)
    assert ctx.ecr.stats.total == 0


async def test_a_dispatch_the_server_rejects_changes_nothing(sandbox, make_ctx, audit_log):
    ctx = make_ctx(dispatch_ref="no-such-branch")
    plan, _ = await rollback.plan(ctx, ["runtime"])
    tags = ecr_tags(sandbox)

    with pytest.raises(ActionError, match="GitHub refused to start cd.yml .*nothing was changed"):
        await rollback.execute(ctx, plan)

    assert ecr_tags(sandbox) == tags
    (record,) = audit_log.read()
    assert record.outcome == "failed" and "refused" in record.error and record.run_id is None


async def test_a_failed_run_reports_the_failing_step_log(sandbox, ctx, audit_log):
    plan, _ = await rollback.plan(ctx, ["runtime"])
    delete_tag(sandbox, "previous-runtime")  # gone between preview and execution
    tags = ecr_tags(sandbox)

    with pytest.raises(ActionError) as caught:
        await rollback.execute(ctx, plan)

    message = str(caught.value)
    assert "ended failure" in message and "job 'rollback (runtime)' failed" in message
    assert "previous-runtime does not exist" in message  # the step's ##[error] line
    assert ecr_tags(sandbox)["latest-runtime"] == tags["latest-runtime"]
    assert audit_log.read()[0].outcome == "failed"


async def test_nothing_selected_is_not_a_prune(sandbox, ctx):
    plan, _ = await prune.plan(ctx, 2)
    digests = ecr_digests(sandbox)
    with pytest.raises(PlanError, match="Nothing is selected"):
        await prune.execute(ctx, plan.only(set()))
    assert ecr_digests(sandbox) == digests and dispatches(sandbox) == 0
