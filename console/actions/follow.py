"""Follow a workflow run to its end, reporting job and step progress; dig out a failing step's log.

Following happens after a write took effect, so it does not give up on the first bad answer: a 404
right after the dispatch, rate limits and network blips are waited out (actions.patience) with the
reason reported; a run that stays unreadable, or runs past ``timeout``, ends OutcomeUnknown
(audited ``unknown``), never a failure of a run that may still be going.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from console.actions.patience import NEW_RUN_GRACE, Patience, clock_of
from console.actions.progress import Progress, ProgressFn
from console.errors import GitHubError, NetworkError, OutcomeUnknown
from console.model import Job, WorkflowRun
from console.services.ports import GitHubPort

# Polls start fast (a dispatched run often finishes in seconds) and back off to a bound, so a long
# run costs a request every MAX_POLL seconds. GHAECR_CONSOLE_POLL_SECONDS shortens the start (tests).
DEFAULT_START_POLL = 1.0
MAX_POLL = 10.0
DEFAULT_TIMEOUT = 45 * 60.0


def start_poll() -> float:
    try:
        return max(0.01, float(os.environ.get("GHAECR_CONSOLE_POLL_SECONDS", DEFAULT_START_POLL)))
    except ValueError:
        return DEFAULT_START_POLL


@dataclass(frozen=True)
class FollowResult:
    run: WorkflowRun
    jobs: tuple[Job, ...]

    @property
    def succeeded(self) -> bool:
        return self.run.conclusion == "success"


async def follow_run(
    github: GitHubPort,
    run_id: int,
    report: ProgressFn,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    poll_seconds: float | None = None,
    patience: Patience | None = None,
) -> FollowResult:
    """Poll run ``run_id`` until it completes. Raises OutcomeUnknown when GitHub stays unreadable
    past the patience bound or the run is still going after ``timeout`` seconds."""
    clock = clock_of(github)
    patience = patience or Patience(clock, report, not_found_grace=NEW_RUN_GRACE)
    start = poll_seconds if poll_seconds is not None else start_poll()
    interval = start
    deadline = clock.monotonic() + timeout
    last_seen: tuple[WorkflowRun, tuple[Job, ...]] | None = None
    where = f"run {run_id} may still be going: check it on GitHub (ghaecr-console shows it in Runs)"
    while True:
        run = await patience.read(f"read run {run_id}", lambda: github.get_run(run_id), lost=where)
        jobs = tuple(await patience.read(f"list the jobs of run {run_id}", lambda: github.list_jobs(run_id), lost=where))
        lines = changes(last_seen, run, jobs)
        if lines:
            last_seen = (run, jobs)
            interval = start
            for line in lines:  # one line per change: readable in a terminal and a log widget
                report(Progress("follow", line, run=run, jobs=jobs))
        if run.status == "completed":
            return FollowResult(run, jobs)
        if clock.monotonic() > deadline:
            at = f" at {run.html_url}" if run.html_url else ""
            raise OutcomeUnknown(f"Run {run_id} is still {run.status} after {int(timeout)}s; follow it{at}.")
        await clock.sleep(interval)
        interval = min(interval * 1.5, MAX_POLL)


def changes(before: tuple[WorkflowRun, tuple[Job, ...]] | None, run: WorkflowRun, jobs: tuple[Job, ...]) -> list[str]:
    """What changed since the last poll: the run's state, then each job whose state or step moved."""
    old_run, old_jobs = before if before else (None, ())
    lines = []
    if old_run is None or (old_run.status, old_run.conclusion) != (run.status, run.conclusion):
        line = f"run {run.id} {run.outcome}"
        if run.status == "waiting":
            # cd.yml's rollback/prune jobs run in the production environment: its reviewers must approve.
            line += f" (waiting for an environment reviewer: ghaecr-console approve {run.id} --comment ..., or key a)"
        lines.append(line)
    previous = {j.id: _job_state(j) for j in old_jobs}
    for job in jobs:
        state = _job_state(job)
        if previous.get(job.id) != state:
            lines.append(f"  {job.name}: {state[0]}" + (f" — {state[1]}" if state[1] else ""))
    return lines


def _job_state(job: Job) -> tuple[str, str | None]:
    running = next((s.name for s in job.steps if s.status == "in_progress"), None)
    failed = job.failed_step
    return job.conclusion or job.status, running or (f"failed at {failed.name}" if failed else None)


async def failure_excerpt(github: GitHubPort, jobs: tuple[Job, ...], lines: int = 20) -> str:
    """The failing job/step and the end of its log (or of the error lines), for the operator."""
    failed = next((j for j in jobs if j.conclusion in ("failure", "timed_out")), None)
    if failed is None:
        return ""
    step = failed.failed_step
    title = f"job '{failed.name}' failed" + (f" at step '{step.name}'" if step else "")
    try:
        log = await github.job_log(failed.id)
    except (GitHubError, NetworkError) as exc:
        return f"{title} (log unavailable: {exc})"
    return title + "\n" + log_tail(log, lines)


def log_tail(log: str, lines: int = 20) -> str:
    """The lines around the last ``##[error]`` marker, or the last lines of the log."""
    rows = [r for r in log.splitlines() if r.strip()]
    errors = [i for i, r in enumerate(rows) if "##[error]" in r]
    if errors:
        end = errors[-1] + 1
        return "\n".join(rows[max(0, end - lines) : end])
    return "\n".join(rows[-lines:])
