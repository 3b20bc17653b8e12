"""Runs a workflow's job graph (workflow_graph) live, like GitHub's scheduler: a job starts once every
job it ``needs`` has finished and its ``if`` holds (``success()`` implied unless a status function
is used), a matrix job runs one leg per value, a job in a ``concurrency`` group waits for the group
(FIFO, like ``queue: max``) BEFORE it asks for review, so a job waiting for approval holds its
group; a job with an environment waits on the simulator's ``gate`` (review). Steps run their
``if`` against ``steps.<id>.outcome``/``outputs``; the hooks perform a step and may set outputs.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.sandbox.expressions import evaluate, interpolate, strip, truthy, uses_status_function
from console.sandbox.pipeline import JobSpec, StepSpec
from console.sandbox.runner import RunClock, StepFailed, new_job
from console.sandbox.state import GitHubState, Job, Run, Step
from console.sandbox.workflow_graph import GraphJob, GraphStep, Workflow

SETUP = StepSpec("Set up job", 2, ("Operating System", "  Ubuntu 24.04.2 LTS"))
COMPLETE = StepSpec("Complete job", 1, ("Cleaning up orphan processes",), when="always")


@dataclass
class Leg:
    """One matrix leg of a job while it runs: its matrix values and what its steps left behind."""

    job: GraphJob
    matrix: dict[str, Any]
    context: dict[str, Any]
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {outcome, conclusion, outputs}
    current: str | None = None  # id of the running step

    @property
    def target(self) -> str | None:
        value = self.matrix.get("target")
        return str(value) if value is not None else None

    def set_output(self, name: str, value: str) -> None:
        if self.current:
            self.steps.setdefault(self.current, {"outputs": {}})["outputs"][name] = value


@dataclass
class JobResult:
    result: str  # success, failure, cancelled, skipped
    outputs: dict[str, str] = field(default_factory=dict)


class GraphHooks(Protocol):
    def hold(self, group: str | None) -> AbstractAsyncContextManager[None]: ...
    def step_spec(self, leg: Leg, step: GraphStep) -> StepSpec: ...
    async def run_step(self, run: Run, job: Job, leg: Leg, action: str, clock: RunClock) -> list[str]: ...
    async def gate(self, run: Run, job: Job, spec: JobSpec, clock: RunClock) -> bool: ...
    def job_done(self, run: Run, job: Job, ok: bool, clock: RunClock) -> None: ...


async def execute_graph(st: GitHubState, clock: RunClock, run: Run, workflow: Workflow, hooks: GraphHooks,
                        context: dict[str, Any], targets: tuple[str, ...],
                        then: Callable[[Run], None] | None = None, kept: dict[str, JobResult] | None = None) -> None:
    """``kept``: results of jobs a re-run of failed jobs does not run again (their jobs stay listed)."""
    await clock.sleep(3)
    async with hooks.hold(_group(workflow.concurrency, context)):
        with st.lock:
            run.status, run.run_started_at, run.updated_at = "in_progress", clock.now(), clock.now()
        results: dict[str, JobResult] = dict(kept or {})
        done = {key: asyncio.Event() for key in workflow.jobs}

        async def job_task(job: GraphJob) -> None:
            if job.key in results:  # kept from the previous attempt
                done[job.key].set()
                return
            try:
                for need in job.needs:
                    await done[need].wait()
                results[job.key] = await _run_job(st, clock, run, job, hooks, context, results, targets)
            finally:
                results.setdefault(job.key, JobResult("cancelled"))
                done[job.key].set()

        await asyncio.gather(*(job_task(j) for j in workflow.jobs.values()))
    failed = any(r.result in ("failure", "cancelled") for r in results.values())
    with st.lock:
        run.status, run.conclusion, run.updated_at = "completed", "failure" if failed else "success", clock.now()
        run.results = dict(results)
        if then is not None:
            then(run)


def _group(template: str | None, context: dict[str, Any]) -> str | None:
    return str(interpolate(template, context)) if template else None


async def _run_job(st: GitHubState, clock: RunClock, run: Run, job: GraphJob, hooks: GraphHooks,
                   context: dict[str, Any], results: dict[str, JobResult], targets: tuple[str, ...]) -> JobResult:
    needs = {n: {"result": results[n].result, "outputs": results[n].outputs} for n in job.needs}
    ctx = {**context, "needs": needs}
    if not _job_runs(job, ctx, needs):
        with st.lock:
            record = new_job(st, run, JobSpec(job.name, ()), clock.now())
            record.key = job.key
            record.status, record.conclusion, record.completed_at = "completed", "skipped", clock.now()
        return JobResult("skipped")
    legs = [Leg(job, m, {**ctx, "matrix": m}) for m in _matrix(job, ctx, targets)]
    oks = await asyncio.gather(*(_run_leg(st, clock, run, leg, hooks) for leg in legs))
    outputs: dict[str, str] = {}
    for leg in legs:  # like GitHub: a matrix job's outputs are those of the leg that set them last
        leg_ctx = {**leg.context, "steps": leg.steps}
        outputs.update({k: str(interpolate(v, leg_ctx) or "") for k, v in job.outputs.items()})
    return JobResult("success" if all(oks) else "failure", outputs)


def _job_runs(job: GraphJob, ctx: dict[str, Any], needs: dict[str, dict]) -> bool:
    results = [n["result"] for n in needs.values()]
    functions = {
        "success": lambda: all(r == "success" for r in results),
        "failure": lambda: any(r == "failure" for r in results),
        "always": lambda: True,
        "cancelled": lambda: False,
    }
    if job.condition is None:
        return functions["success"]()
    condition = job.condition if uses_status_function(job.condition) else f"success() && ({strip(job.condition)})"
    return truthy(evaluate(condition, ctx, functions))


def _matrix(job: GraphJob, ctx: dict[str, Any], targets: tuple[str, ...]) -> list[dict[str, Any]]:
    """The legs: the product of the matrix axes. A literal ``target`` axis is the sandbox's targets
    (the bundled workflow lists its own; the sandbox may run others)."""
    if not job.matrix:
        return [{}]
    axes: dict[str, list[Any]] = {}
    for key, values in job.matrix.items():
        if key in ("include", "exclude"):
            continue
        if isinstance(values, str):
            values = interpolate(values, ctx)
        elif key == "target":
            values = list(targets)
        axes[key] = list(values or [])
    return [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]


def _leg_spec(leg: Leg, hooks: GraphHooks) -> tuple[JobSpec, list[GraphStep | None]]:
    job = leg.job
    name = str(interpolate(job.name, leg.context))
    if job.called_jobs:  # a reusable workflow: GitHub names its jobs "<caller> / <called>"
        name = f"{name} / {job.called_jobs[0]}"
        steps = [GraphStep("Send the notification", uses="notify")]
    else:
        steps = list(job.steps)
    graph_steps: list[GraphStep | None] = [None, *steps, None]  # the runner's set-up and complete steps
    specs = [SETUP, *(hooks.step_spec(leg, s) for s in steps), COMPLETE]
    environment = str(interpolate(job.environment, leg.context)) if job.environment else None
    return JobSpec(name, tuple(specs), environment=environment, deployment=job.deployment, target=leg.target), graph_steps


async def _run_leg(st: GitHubState, clock: RunClock, run: Run, leg: Leg, hooks: GraphHooks) -> bool:
    spec, graph_steps = _leg_spec(leg, hooks)
    with st.lock:
        job = new_job(st, run, spec, clock.now())
        job.status, job.key = "queued", leg.job.key
    async with hooks.hold(_group(leg.job.concurrency, leg.context)):  # held while waiting for review too
        if spec.environment and not await hooks.gate(run, job, spec, clock):
            with st.lock:
                job.status, job.conclusion, job.completed_at, job.steps = "completed", "failure", clock.now(), []
            return False
        await clock.sleep(2)
        with st.lock:
            job.status, job.started_at, job.runner_name = "in_progress", clock.now(), "GitHub Actions 7"
            if not run.pending:  # a run stays "waiting" while any of its jobs waits for review
                run.status = "in_progress"
        failed = False
        for record, sspec, gstep in zip(job.steps, spec.steps, graph_steps):
            failed = await _run_step(st, clock, run, job, leg, hooks, record, sspec, gstep, failed)
        with st.lock:
            job.status, job.conclusion, job.completed_at = "completed", "failure" if failed else "success", clock.now()
            run.updated_at = clock.now()
    hooks.job_done(run, job, not failed, clock)
    return not failed


async def _run_step(st: GitHubState, clock: RunClock, run: Run, job: Job, leg: Leg, hooks: GraphHooks,
                    record: Step, sspec: StepSpec, gstep: GraphStep | None, failed: bool) -> bool:
    """Run one step if its condition holds; returns whether the job has failed so far."""
    if not _step_runs(sspec, gstep, leg, failed):
        with st.lock:
            record.status, record.conclusion = "completed", "skipped"
        if gstep is not None and gstep.id:
            leg.steps[gstep.id] = {"outcome": "skipped", "conclusion": "skipped", "outputs": {}}
        return failed
    with st.lock:
        record.status, record.started_at = "in_progress", clock.now()
    leg.current = gstep.id if gstep is not None and gstep.id else f"__{record.number}"
    leg.steps.setdefault(leg.current, {"outputs": {}})
    await clock.sleep(sspec.seconds)
    lines: list[str] = []
    conclusion = "success"
    try:
        if sspec.action:
            lines = await hooks.run_step(run, job, leg, sspec.action, clock)
    except StepFailed as exc:
        lines, conclusion = lines + exc.lines, "failure"
    except Exception as exc:  # an unexpected error fails the step like a crashing script would
        lines, conclusion = lines + [f"##[error]{type(exc).__name__}: {exc}"], "failure"
    leg.steps[leg.current].update(outcome=conclusion, conclusion=conclusion)
    with st.lock:
        record.output += lines
        record.status, record.conclusion, record.completed_at = "completed", conclusion, clock.now()
    return failed or conclusion == "failure"


def _step_runs(sspec: StepSpec, gstep: GraphStep | None, leg: Leg, failed: bool) -> bool:
    if gstep is None or gstep.condition is None:
        return sspec.when == "always" or not failed
    functions = {"success": lambda: not failed, "failure": lambda: failed, "always": lambda: True,
                 "cancelled": lambda: False}
    condition = gstep.condition if uses_status_function(gstep.condition) else f"success() && ({strip(gstep.condition)})"
    return truthy(evaluate(condition, {**leg.context, "steps": leg.steps}, functions))
