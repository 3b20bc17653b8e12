"""`ghaecr-console rerun|cancel` on the sandbox over HTTP: the new attempt or the cancellation is
seen on the stand-in, audited (intent, then outcome), and a production CD run needs the typed word."""

from __future__ import annotations

import json

import pytest

from console.cli import main
from console.commands import operate as commands
from tests.actions.helpers import writes
from tests.cli.helpers import ci_run


def audit_lines(audit_log) -> list[tuple[str, str]]:
    """Every line of the log, oldest first (the intent and the outcome of one attempt are two)."""
    return [(r.action, r.outcome) for r in audit_log.read_all().records]


def posts_to(sb, suffix: str) -> int:
    return sum(1 for method, path in writes(sb) if method == "POST" and path.endswith(suffix))


def answer_with(monkeypatch, answer: str) -> list[str]:
    monkeypatch.setattr(commands, "_is_tty", lambda: True)
    asked: list[str] = []

    async def ask(prompt: str) -> str:
        asked.append(prompt)
        return answer

    monkeypatch.setattr(commands, "_ask", ask)
    return asked


def test_rerun_failed_jobs_runs_a_second_attempt_keeping_the_jobs_that_passed(sandbox, capsys, audit_log):
    run = ci_run(sandbox, sandbox.push_main("Flaky test", ci_fails=True))
    sandbox.wait_run(run.id)
    assert run.conclusion == "failure"
    passed = {j.name: j.id for j in run.jobs if j.conclusion == "success"}
    assert passed

    assert main(["rerun", str(run.id), "--failed", "--yes"]) == 0

    out = capsys.readouterr().out
    assert "Failed jobs" in out and "Tests" in out  # the preview named what fails
    after = sandbox.run(run.id)
    assert (after.run_attempt, after.conclusion) == (2, "success")
    assert {j.name: j.id for j in after.jobs if j.name in passed} == passed  # kept, not run again
    assert posts_to(sandbox, "/rerun-failed-jobs") == 1 and posts_to(sandbox, "/rerun") == 0
    assert audit_lines(audit_log) == [("rerun", "intent"), ("rerun", "succeeded")]
    record = audit_log.read_all().records[-1]
    assert (record.run_id, record.result["attempt"], record.result["failed_only"]) == (run.id, 2, True)


def test_rerun_all_after_a_lost_answer_is_sent_once(sandbox, capsys, audit_log):
    run = ci_run(sandbox, sandbox.push_main("Green already"))
    sandbox.wait_run(run.id)
    jobs_before = {j.id for j in run.jobs}
    sandbox.faults.write_then_5xx = {"rerun"}

    assert main(["rerun", str(run.id), "--yes"]) == 0

    after = sandbox.run(run.id)
    assert after.run_attempt == 2 and after.conclusion == "success"
    assert not jobs_before & {j.id for j in after.jobs}  # every job ran again
    assert posts_to(sandbox, "/rerun") == 1
    assert "instead of sending it again" in capsys.readouterr().out
    assert audit_lines(audit_log)[-1] == ("rerun", "succeeded")


def test_a_run_still_going_is_not_rerun_and_a_finished_one_not_cancelled(sandbox, capsys, audit_log):
    waiting = sandbox.pending_run_id  # the seeded release, waiting for production review
    assert main(["rerun", str(waiting), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "still waiting; wait for it to end" in err and len(err.strip().splitlines()) == 1

    done = next(r for r in sandbox.state.runs_newest_first() if r.status == "completed")
    assert main(["cancel", str(done.id), "--yes"]) == 1
    assert "already ended" in capsys.readouterr().err
    assert writes(sandbox) == []
    assert audit_lines(audit_log) == [("rerun", "refused"), ("cancel", "refused")]


@pytest.mark.parametrize("answer", ["", "y", "yes", "Production"])
def test_cancelling_a_production_release_needs_the_typed_word(sandbox, capsys, monkeypatch, audit_log, answer):
    asked = answer_with(monkeypatch, answer)
    run_id = sandbox.pending_run_id

    assert main(["cancel", str(run_id)]) == 1

    assert "Type 'production' to confirm" in asked[0]
    assert "Cancelled" in capsys.readouterr().err
    assert sandbox.run(run_id).status == "waiting" and writes(sandbox) == []
    assert audit_lines(audit_log) == [("cancel", "cancelled")]


def test_cancelling_a_production_release_with_the_word_cancels_and_audits(sandbox, capsys, monkeypatch, audit_log):
    answer_with(monkeypatch, "production")
    run_id = sandbox.pending_run_id

    assert main(["cancel", str(run_id)]) == 0

    run = sandbox.run(run_id)
    assert (run.status, run.conclusion, run.pending) == ("completed", "cancelled", [])
    assert "ended cancelled" in capsys.readouterr().out
    assert audit_lines(audit_log) == [("cancel", "intent"), ("cancel", "succeeded")]
    record = audit_log.read_all().records[-1]
    assert (record.environment, record.run_id) == ("production", run_id)
    assert sandbox.token not in json.dumps(record.result)


def test_cancel_without_a_terminal_needs_yes(sandbox, capsys, monkeypatch, audit_log):
    monkeypatch.setattr(commands, "_is_tty", lambda: False)
    assert main(["cancel", str(sandbox.pending_run_id)]) == 1
    assert "pass --yes" in capsys.readouterr().err
    assert sandbox.run(sandbox.pending_run_id).status == "waiting"
    assert audit_lines(audit_log) == [("cancel", "refused")]
