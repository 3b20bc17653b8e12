"""reconcile: when the console died between a write's intent and its outcome, the next start reads
GitHub and records what became of it (here a re-run and a cancel; approve, rollback and prune in
test_write_ahead_signals.py)."""

from __future__ import annotations

from console.actions.audit import AuditRecord
from console.actions.reconcile import reconcile


async def test_reconcile_finds_what_became_of_an_open_rerun_and_cancel(sandbox, ctx, audit_log):
    """The console died after the intent: the next start reads the run and records the outcome."""
    sha = sandbox.push_main("Reconcile me")
    run = next(r for r in sandbox.runs_for(sha) if r.workflow == "ci.yml")
    await sandbox.await_run(run.id)
    audit_log.append(AuditRecord(action="rerun", repository=sandbox.repo, mode="api", run_id=run.id,
                                 request_id="r-1", outcome="intent", result={"attempt_before": 1}))
    audit_log.append(AuditRecord(action="cancel", repository=sandbox.repo, mode="api", environment="production",
                                 run_id=sandbox.pending_run_id, request_id="c-1", outcome="intent"))

    lines = await reconcile(ctx)

    assert len(lines) == 2 and "still going on" in lines[1]  # the release still waits: checked again later
    records = audit_log.read_all().records
    assert (records[-1].action, records[-1].outcome) == ("rerun", "failed")  # never sent: still attempt 1
    assert "still at attempt 1" in records[-1].error
    assert await reconcile(ctx) == [lines[1]]  # the cancel stays open until the run has ended
