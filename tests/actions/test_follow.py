"""What following a run prints, and which log lines a failure shows."""

from __future__ import annotations

from datetime import UTC, datetime

from console.actions.follow import changes, log_tail
from console.model import Job, Step, WorkflowRun

T = datetime(2026, 11, 27, tzinfo=UTC)


def run(status: str, conclusion: str | None = None) -> WorkflowRun:
    return WorkflowRun(42, "cd.yml", "CD", 1, "workflow_dispatch", status, conclusion, "main", "a" * 40, "me", T, T)


def job(status: str, conclusion: str | None = None, step: str | None = None) -> Job:
    steps = (Step(1, step, "in_progress"),) if step else ()
    return Job(7, 42, "rollback (runtime)", status, conclusion, steps=steps)


def test_one_line_per_change_and_nothing_when_nothing_moved():
    first = changes(None, run("queued"), ())
    assert first == ["run 42 queued"]
    moving = (job("in_progress", step="Move latest-runtime"),)
    assert changes((run("queued"), ()), run("in_progress"), moving) == [
        "run 42 in_progress", "  rollback (runtime): in_progress — Move latest-runtime"]
    assert changes((run("in_progress"), moving), run("in_progress"), moving) == []


def test_a_waiting_run_says_who_must_act():
    (line,) = changes(None, run("waiting"), ())
    assert "waiting for an environment reviewer: ghaecr-console approve 42" in line


def test_log_tail_shows_the_lines_up_to_the_last_error():
    log = "\n".join([f"line {i}" for i in range(50)] + ["##[error]previous-runtime does not exist", "cleanup"])
    tail = log_tail(log, lines=5)
    assert tail.splitlines()[-1] == "##[error]previous-runtime does not exist"
    assert len(tail.splitlines()) == 5 and "cleanup" not in tail
    assert log_tail("a\nb\nc", lines=2) == "b\nc"
