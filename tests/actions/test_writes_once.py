"""A write that took effect and then answered 502 is never sent again: the console finds its effect
(the run with its request id; the run's recorded review) and carries on. One run, the right outcome
in the result and in the audit record. All over loopback HTTP against the sandbox."""

from __future__ import annotations

import json

import pytest

from console.actions import approve, rollback
from console.cli import main
from tests.actions.helpers import dispatched_runs, dispatches, ecr_tags, writes


async def test_a_dispatch_that_took_effect_then_answered_502_is_followed_not_repeated(sim_context, audit_log):
    sandbox, ctx = sim_context()
    before = ecr_tags(sandbox)
    plan, _ = await rollback.plan(ctx, ["minimal"])
    sandbox.faults.write_then_5xx = {"dispatch"}
    progress = []

    result = await rollback.execute(ctx, plan, report=progress.append)

    (run,) = dispatched_runs(sandbox)
    assert dispatches(sandbox) == 1
    assert result.run.run.id == run.id and result.run.succeeded and all(c.ok for c in result.checks)
    assert ecr_tags(sandbox)["latest-minimal"] == before["previous-minimal"]
    (record,) = audit_log.read()
    assert (record.outcome, record.run_id, record.request_id) == ("succeeded", run.id, run.inputs["request_id"])
    said = [p.message for p in progress]
    assert any("GitHub answered 502" in m and f"looking for run [{record.request_id}]" in m for m in said), said


@pytest.mark.parametrize("approving", [True, False], ids=["approve", "reject"])
async def test_a_review_that_took_effect_then_answered_502_is_followed_not_repeated(sim_context, audit_log, approving):
    sandbox, ctx = sim_context()
    before = ecr_tags(sandbox)
    preview = await approve.preview(ctx, sandbox.pending_run_id)
    sandbox.faults.write_then_5xx = {"review"}
    progress = []

    result = await approve.review(ctx, preview, approve=approving, comment="checked", report=progress.append)

    reviews = [path for method, path in writes(sandbox) if path.endswith("/pending_deployments")]
    assert len(reviews) == 1  # sent once, never again
    assert [(r.state, r.comment) for r in sandbox.run(sandbox.pending_run_id).reviews] == [
        ("approved" if approving else "rejected", "checked")]
    after = ecr_tags(sandbox)
    release = {r.target: r.digest for r in preview.targets}
    for target, digest in release.items():
        assert after[f"latest-{target}"] == (digest if approving else before[f"latest-{target}"])
    assert result.run.succeeded is approving
    (record,) = audit_log.read()
    assert (record.action, record.outcome) == ("approve" if approving else "reject", "succeeded")
    assert any("GitHub answered 502" in p.message and "instead of sending it again" in p.message for p in progress)


def test_the_cli_rollback_after_a_lost_dispatch_answer_follows_its_one_run(sandbox, capsys):
    before = ecr_tags(sandbox)
    sandbox.faults.write_then_5xx = {"dispatch"}

    assert main(["rollback", "runtime", "--yes"]) == 0

    (run,) = dispatched_runs(sandbox)
    assert (run.status, run.conclusion) == ("completed", "success")
    assert ecr_tags(sandbox)["latest-runtime"] == before["previous-runtime"]
    shown = capsys.readouterr()
    assert "instead of dispatching again" in shown.out and "Traceback" not in shown.err
    assert main(["audit", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["action"], record["outcome"], record["run_id"]) == ("rollback", "succeeded", run.id)


async def test_a_dispatch_that_timed_out_but_reached_github_is_found_not_repeated(sandbox):
    """The console gives up waiting for the answer; GitHub carries the dispatch out anyway."""
    from console.actions.dispatch import cd_inputs, dispatch_cd
    from console.services.github import GitHubService

    # Wall-clock waits here: the stand-in's latency is real time, not simulated.
    github = GitHubService(sandbox.repo, sandbox.token, sandbox.github_url, timeout=0.3)
    sandbox.faults.latency_s = 0.6  # every answer comes after the console stopped waiting
    progress = []

    def report(p):
        progress.append(p)
        if "looking for run" in p.message:
            sandbox.faults.latency_s = 0.0  # GitHub answers again while the console looks

    try:
        dispatched = await dispatch_cd(github, sandbox.settings(), cd_inputs("rollback", "timeout", targets="minimal"), report)
    finally:
        await github.aclose()

    (run,) = dispatched_runs(sandbox)
    assert dispatches(sandbox) == 1 and dispatched.run_id == run.id
    assert any("did not answer in time" in p.message for p in progress)
