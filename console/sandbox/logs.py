"""Job logs in GitHub's plain-text format: timestamped lines, ``##[group]`` per step, ``##[error]``."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.sandbox.state import Job, Run

FRAME_STEPS = ("Set up job", "Complete job")  # the runner's own steps: no ##[group]


def _stamp(dt: datetime | None, offset_ms: int) -> str:
    base = (dt or datetime(1970, 1, 1)) + timedelta(milliseconds=offset_ms)
    return base.strftime("%Y-%m-%dT%H:%M:%S.") + f"{base.microsecond:06d}0Z"


def render_job_log(run: Run, job: Job) -> str:
    """The log of a job as far as it has run (steps not started yet print nothing)."""
    lines: list[str] = []

    def add(dt: datetime | None, text: str) -> None:
        lines.append(f"{_stamp(dt, len(lines))} {text}")

    add(job.started_at, "Current runner version: '2.321.0'")
    add(job.started_at, f"Runner name: '{job.runner_name or 'GitHub Actions 7'}'")
    add(job.started_at, f"Job: {job.name} (run {run.id}, attempt {run.run_attempt})")
    for step in job.steps:
        if step.status == "queued" or step.conclusion == "skipped":
            continue
        if step.name not in FRAME_STEPS:  # GitHub groups each step under the command it runs
            add(step.started_at, "##[group]" + (step.name if step.name.startswith("Run ") else f"Run {step.name}"))
            add(step.started_at, f"  {step.name}")
            add(step.started_at, "##[endgroup]")
        for text in step.output:
            add(step.started_at, text)
        if step.conclusion == "failure":
            add(step.completed_at, "##[error]Process completed with exit code 1.")
    return "\n".join(lines) + "\n"
