"""Following a run does not give up: a 404 right after the dispatch and GitHub's 60 s secondary rate
limit are waited out (the reason reported) and the rollback ends ``succeeded``; a run that stays
unreadable past the bound ends ``unknown`` — never ``failed`` while it may still be going.

The console runs on the sandbox's clock (simulated seconds), so a 60 s wait takes a fraction of a
second; every request still goes over loopback HTTP."""

from __future__ import annotations

import pytest

from console.actions import rollback
from console.errors import OutcomeUnknown
from tests.actions.helpers import dispatched_runs, ecr_tags


def refused_reads(sb, status: int) -> int:
    with sb.state.lock:
        return sum(1 for r in sb.state.requests if r.method == "GET" and r.status == status)


async def roll_back_minimal(sb, ctx, progress):
    plan, _ = await rollback.plan(ctx, ["minimal"])
    return await rollback.execute(ctx, plan, report=progress.append)


async def test_a_404_right_after_the_dispatch_is_waited_out(sim_context, audit_log):
    sandbox, ctx = sim_context()
    before = ecr_tags(sandbox)
    sandbox.faults.new_run_404_reads = 3  # GitHub cannot read the new run at first
    progress = []

    result = await roll_back_minimal(sandbox, ctx, progress)

    assert result.run.succeeded and refused_reads(sandbox, 404) == 3
    assert ecr_tags(sandbox)["latest-minimal"] == before["previous-minimal"]
    assert [r.outcome for r in audit_log.read()] == ["succeeded"]
    assert any(p.stage == "wait" and "does not show it yet" in p.message for p in progress)


async def test_a_60_second_secondary_rate_limit_while_following_is_waited_out(sim_context, audit_log):
    sandbox, ctx = sim_context()
    before = ecr_tags(sandbox)
    sandbox.faults.secondary_limit_on_run_read = 60  # the first read of the run: retry-after 60
    progress = []

    result = await roll_back_minimal(sandbox, ctx, progress)

    assert result.run.succeeded and refused_reads(sandbox, 403) >= 1
    assert ecr_tags(sandbox)["latest-minimal"] == before["previous-minimal"]
    (record,) = audit_log.read()
    assert (record.outcome, record.run_id) == ("succeeded", result.run.run.id)
    waits = [p.message for p in progress if p.stage == "wait"]
    assert any("secondary rate limit" in m and "asking again in 60 s" in m for m in waits), waits


@pytest.mark.parametrize("fault", ["not_found", "rate_limited"])
async def test_a_run_unreadable_past_the_bound_is_unknown_not_failed(sim_context, audit_log, fault):
    sandbox, ctx = sim_context(speed=600)  # reaching the bound sooner is all a busy machine can do here
    if fault == "not_found":
        sandbox.faults.new_run_404_reads = 10**6
    progress = []

    def limit_from_now_on(p):  # once following has begun, every request is refused, for good
        progress.append(p)
        if fault == "rate_limited" and p.stage == "follow":
            sandbox.faults.secondary_rate_limit = 60

    plan, _ = await rollback.plan(ctx, ["minimal"])
    with pytest.raises(OutcomeUnknown) as raised:
        await rollback.execute(ctx, plan, report=limit_from_now_on)

    (run,) = dispatched_runs(sandbox)
    assert f"run {run.id} may still be going" in str(raised.value)
    (record,) = audit_log.read()
    assert (record.outcome, record.run_id) == ("unknown", run.id)
    sandbox.faults.reset()
    sandbox.wait_run(run.id)  # the run went on regardless
    assert sandbox.run(run.id).conclusion == "success"


async def test_a_storm_of_502s_while_following_is_waited_out(sim_context, audit_log):
    sandbox, ctx = sim_context()
    ctx.github.retry.backoff = 0.001  # githubkit's own retries (wall time) stay short
    progress = []

    def storm_once_following(p):
        progress.append(p)
        if p.stage == "follow" and not any(q.stage == "follow" for q in progress[:-1]):
            sandbox.faults.fail_next_5xx = 12  # three reads in a row fail even after their retries

    plan, _ = await rollback.plan(ctx, ["minimal"])
    result = await rollback.execute(ctx, plan, report=storm_once_following)

    assert result.run.succeeded and refused_reads(sandbox, 502) == 12
    assert [r.outcome for r in audit_log.read()] == ["succeeded"]
    assert sum(1 for p in progress if p.stage == "wait" and "answered 502" in p.message) == 3
