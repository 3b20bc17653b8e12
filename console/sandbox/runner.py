"""Turns a :class:`RunSpec` into job and step records: all at once for seeded history, or live.

Live runs progress queued -> in_progress -> completed step by step in simulated time; a job gated by
an environment waits (run and job status ``waiting``) until the simulator's review releases it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from console.sandbox.clock import SimClock
from console.sandbox.pipeline import JobSpec, RunSpec
from console.sandbox.state import JOB_ID_BASE, GitHubState, Job, Run, Step


class StepFailed(Exception):
    """A live step failed; ``lines`` go to the job log (the last should say why)."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[-1] if lines else "step failed")
        self.lines = list(lines)


def new_job(st: GitHubState, run: Run, spec: JobSpec, at: datetime) -> Job:
    job = Job(
        id=st.new_id(JOB_ID_BASE),
        run_id=run.id,
        name=spec.name,
        steps=[Step(i + 1, s.name, s.seconds, list(s.output)) for i, s in enumerate(spec.steps)],
        created_at=at,
        started_at=at,
        environment=spec.environment,
    )
    return st.add_job(run, job)


def _skip(st: GitHubState, run: Run, spec: JobSpec, at: datetime) -> None:
    job = new_job(st, run, spec, at)
    job.steps = []
    job.status, job.conclusion, job.completed_at = "completed", "skipped", at


def runs_when(when: str, failed: set[str]) -> bool:
    """A job's or step's condition (see pipeline) given the names of what failed before it."""
    if when == "always":
        return True
    if when.startswith("failure:"):
        return when.partition(":")[2] in failed
    return (when == "failure") == bool(failed)


def _should_run(spec: JobSpec, failed: set[str]) -> bool:
    return runs_when(spec.when, failed)


# --- seeded history ----------------------------------------------------------------------------


def materialize(
    st: GitHubState, run: Run, spec: RunSpec, outputs: Callable[[str], list[str]], runner: str = "GitHub Actions 7"
) -> None:
    """Fill ``run`` with completed jobs as if it had run from ``run.created_at`` (its conclusion follows)."""
    t = run.created_at + timedelta(seconds=4)
    failed: set[str] = set()
    for stage in spec.stages:
        end = t
        stage_failed: set[str] = set()
        for js in stage:
            if not _should_run(js, failed):
                _skip(st, run, js, t)
                continue
            job = new_job(st, run, js, t)
            job.runner_name = runner
            clock = t + timedelta(seconds=3)
            failed_steps: set[str] = set()
            for step, sspec in zip(job.steps, js.steps):
                if not runs_when(sspec.when, failed_steps):
                    step.status, step.conclusion = "completed", "skipped"
                    continue
                step.started_at = clock
                clock += timedelta(seconds=sspec.seconds)
                step.completed_at = clock
                if sspec.action:
                    step.output += outputs(sspec.action)
                step.status = "completed"
                step.conclusion = "failure" if js.fails_on == step.name else "success"
                if step.conclusion == "failure":
                    failed_steps.add(step.name)
            job_failed = bool(failed_steps)
            job.status, job.conclusion, job.completed_at = "completed", "failure" if job_failed else "success", clock
            if job_failed:
                stage_failed.add(js.name)
            end = max(end, clock)
        failed |= stage_failed
        t = end + timedelta(seconds=2)
    run.status, run.conclusion = "completed", "failure" if failed else "success"
    run.run_started_at = run.created_at
    run.updated_at = t


# --- live --------------------------------------------------------------------------------------


class RunClock:
    """A run's clock: ``fast`` replays already-elapsed time instantly from ``start`` (the seeded
    release that is already waiting at start-up), then :meth:`go_live` follows the simulated clock."""

    def __init__(self, clock: SimClock, start: datetime | None = None, fast: bool = False) -> None:
        self.clock, self.fast = clock, fast
        self.cursor = start or clock.now()

    def now(self) -> datetime:
        return self.cursor if self.fast else self.clock.now()

    async def sleep(self, seconds: float) -> None:
        if self.fast:
            self.cursor += timedelta(seconds=seconds)
        else:
            await self.clock.sleep(seconds)

    def go_live(self) -> None:
        self.fast = False


class Hooks(Protocol):
    """What a live linear run (CI, Security) asks of the simulator. Their steps only print: the steps
    that change ECR belong to CD, which the graph runner runs (graph_runner.GraphHooks)."""

    async def gate(self, run: Run, job: Job, spec: JobSpec, clock: RunClock) -> bool:
        """Wait for the job's environment (review, deployment); False: rejected."""

    def job_done(self, run: Run, job: Job, ok: bool, clock: RunClock) -> None: ...


async def execute(st: GitHubState, clock: RunClock, run: Run, spec: RunSpec, hooks: Hooks,
                  then: Callable[[Run], None] | None = None, kept: frozenset[str] = frozenset()) -> None:
    """Run ``spec`` live: stages in order, a stage's jobs concurrently. ``then(run)`` runs under the
    state lock as the run completes, so a run it triggers appears in the same instant. ``kept``:
    names of jobs that succeeded in the previous attempt and a re-run of failed jobs keeps."""
    await clock.sleep(3)
    with st.lock:
        run.status, run.run_started_at, run.updated_at = "in_progress", clock.now(), clock.now()
    failed: set[str] = set()
    for jobs in spec.stages:
        stage = [js for js in jobs if js.name not in kept]
        results = await asyncio.gather(*(_run_job(st, clock, run, js, failed, hooks) for js in stage))
        failed |= {js.name for js, ok in zip(stage, results) if not ok}
    with st.lock:
        run.status, run.conclusion, run.updated_at = "completed", "failure" if failed else "success", clock.now()
        if then is not None:
            then(run)


async def _run_job(st: GitHubState, clock: RunClock, run: Run, js: JobSpec, failed: set[str], hooks: Hooks) -> bool:
    with st.lock:
        if not _should_run(js, failed):
            _skip(st, run, js, clock.now())
            return True
        job = new_job(st, run, js, clock.now())
    if js.environment and not await hooks.gate(run, job, js, clock):
        with st.lock:
            now = clock.now()
            job.status, job.conclusion, job.completed_at, job.steps = "completed", "failure", now, []
            run.updated_at = now
        return False
    await clock.sleep(2)
    with st.lock:
        job.status, job.started_at, job.runner_name = "in_progress", clock.now(), "GitHub Actions 7"
        run.status = "in_progress"
    failed_steps: set[str] = set()
    for step, sspec in zip(job.steps, js.steps):
        if not runs_when(sspec.when, failed_steps):
            with st.lock:
                step.status, step.conclusion = "completed", "skipped"
            continue
        with st.lock:
            step.status, step.started_at = "in_progress", clock.now()
            run.updated_at = clock.now()
        await clock.sleep(sspec.seconds)
        # A seeded failure: its output is already in the step.
        conclusion = "failure" if js.fails_on == step.name else "success"
        if conclusion == "failure":
            failed_steps.add(step.name)
        with st.lock:
            step.status, step.conclusion, step.completed_at = "completed", conclusion, clock.now()
    ok = not failed_steps
    with st.lock:
        job.status, job.conclusion, job.completed_at = "completed", "success" if ok else "failure", clock.now()
        run.updated_at = clock.now()
    hooks.job_done(run, job, ok, clock)
    return ok
