"""Approve, reject, rollback and prune end to end on the sandbox (GitHub stand-in + moto over HTTP)."""

from __future__ import annotations

import pytest

from console.actions import approve, prune, rollback
from tests.actions.helpers import dispatched_runs, ecr_digests, ecr_tags

TARGETS = ("minimal", "runtime")


async def test_approve_moves_latest_and_keeps_previous(sandbox, ctx, audit_log):
    before = ecr_tags(sandbox)
    preview = await approve.preview(ctx, sandbox.pending_run_id)
    assert preview.version == "v1.5.0" and preview.approvable and preview.why_not is None
    release = {r.target: r.digest for r in preview.targets}
    assert release == {t: before[f"sha-{preview.commit}-{t}"] for t in TARGETS}

    result = await approve.review(ctx, preview, approve=True, comment="ship it")

    after = ecr_tags(sandbox)
    for t in TARGETS:
        assert after[f"latest-{t}"] == release[t]
        assert after[f"previous-{t}"] == before[f"latest-{t}"]
        assert after[f"v1.5.0-{t}"] == release[t]
    assert result.run.succeeded
    (record,) = audit_log.read()
    assert (record.action, record.outcome, record.run_id, record.user) == ("approve", "succeeded", sandbox.pending_run_id, sandbox.user)
    assert record.comment == "ship it"


async def test_reject_moves_nothing(sandbox, ctx, audit_log):
    before = ecr_tags(sandbox)
    preview = await approve.preview(ctx, sandbox.pending_run_id)

    result = await approve.review(ctx, preview, approve=False, comment="not today")

    assert ecr_tags(sandbox) == before
    assert not result.approved and result.run.run.conclusion != "success"
    assert [(r.action, r.outcome) for r in audit_log.read()] == [("reject", "succeeded")]


async def test_rollback_one_target_then_again_to_a_chosen_version(sandbox, ctx, audit_log):
    before = ecr_tags(sandbox)
    plan, _ = await rollback.plan(ctx, ["runtime"])
    assert plan.steps[0].to_digest == before["previous-runtime"]

    first = await rollback.execute(ctx, plan)

    after = ecr_tags(sandbox)
    assert after["latest-runtime"] == before["previous-runtime"]
    assert after["latest-minimal"] == before["latest-minimal"]  # other target untouched
    assert first.run.succeeded and all(c.ok for c in first.checks)

    second_plan, _ = await rollback.plan(ctx, ["runtime"], "v1.2.0")
    await rollback.execute(ctx, second_plan)

    assert ecr_tags(sandbox)["latest-runtime"] == before["v1.2.0-runtime"]
    records = audit_log.read()
    assert [(r.action, r.outcome, r.mode) for r in records] == [("rollback", "succeeded", "workflow")] * 2
    assert records[0].changes[0]["to"] == before["v1.2.0-runtime"] and records[0].run_id
    assert records[1].changes[0] == {"target": "runtime", "from": before["latest-runtime"], "to": before["previous-runtime"],
                                     "from_version": plan.steps[0].from_version,
                                     "to_ref": "previous-runtime", "to_version": plan.steps[0].to_version}


async def test_rollback_all_targets_applies_each_targets_own_digest(sandbox, ctx):
    before = ecr_tags(sandbox)
    plan, _ = await rollback.plan(ctx, None)
    assert plan.targets == TARGETS

    await rollback.execute(ctx, plan)

    after = ecr_tags(sandbox)
    for t in TARGETS:
        assert after[f"latest-{t}"] == before[f"previous-{t}"]


async def test_prune_deletes_exactly_the_checked_digests(sandbox, ctx, audit_log):
    plan, _ = await prune.plan(ctx, 3)
    assert len(plan.delete) > 3
    unchecked = plan.delete[0].image.digest
    chosen = plan.only(set(plan.digests) - {unchecked})
    present = ecr_digests(sandbox)

    result = await prune.execute(ctx, chosen)

    assert ecr_digests(sandbox) == present - set(chosen.digests)
    assert unchecked in ecr_digests(sandbox)
    assert set(result.deleted) == set(chosen.digests) and result.refused == ()
    (record,) = audit_log.read()
    assert record.action == "prune" and record.digests == list(chosen.digests) and record.outcome == "succeeded"


async def test_direct_mode_rolls_back_and_prunes_without_a_workflow_run(sandbox, ctx, audit_log):
    before = ecr_tags(sandbox)
    runs_before = len(dispatched_runs(sandbox))

    plan, _ = await rollback.plan(ctx, None)
    await rollback.execute(ctx, plan, direct=True)
    pruning, _ = await prune.plan(ctx, 2)
    present = ecr_digests(sandbox)
    result = await prune.execute(ctx, pruning, direct=True)

    after = ecr_tags(sandbox)
    for t in TARGETS:
        assert after[f"latest-{t}"] == before[f"previous-{t}"]
    assert ecr_digests(sandbox) == present - set(pruning.digests)
    assert set(result.deleted) == set(pruning.digests)
    assert len(dispatched_runs(sandbox)) == runs_before
    assert [(r.action, r.mode, r.outcome, r.run_id) for r in audit_log.read()] == [
        ("prune", "direct", "succeeded", None), ("rollback", "direct", "succeeded", None)]


@pytest.mark.parametrize("direct", [False, True], ids=["workflow", "direct"])
async def test_image_protected_after_preview_is_not_deleted(sandbox, ctx, direct):
    from tests.actions.helpers import put_tag

    plan, _ = await prune.plan(ctx, 3)
    victim = plan.delete[0]
    put_tag(sandbox, f"staging-{victim.target}", victim.image.digest)  # staging moved meanwhile

    result = await prune.execute(ctx, plan, direct=direct)

    assert victim.image.digest in ecr_digests(sandbox)
    assert dict(result.refused)[victim.image.digest].startswith("protected now: carries staging-")
    assert set(result.deleted) == set(plan.digests) - {victim.image.digest}
