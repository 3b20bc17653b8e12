"""The pipeline simulator: runs behave like the bundled workflows, in simulated time.

``push_main`` -> CI -> (on success) a CD ``workflow_run``; ``push_tag`` -> a CD ``push``; the
dispatches API -> a CD ``workflow_dispatch``. CD runs execute the job graph of the bundled
``cd.yml`` itself (workflow_graph + graph_runner): which jobs run, what they wait for, which
environment reviews they ask for and in which order are the workflow file's. Each step's script is
simulated by cd_steps through ``console.services.ecr_ops`` (promote, stage, rollback, prune).

Runs execute as tasks on the stand-in's event loop. Entry points called from other threads
(``push_main``, ``push_tag``) hop onto that loop; ``review``/``dispatch`` are called by the ASGI app
on the loop itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from console.sandbox import ecr_seed, pipeline, workflow_graph
from console.sandbox.cd_steps import CdSteps
from console.sandbox.clock import SimClock
from console.sandbox.graph_runner import JobResult, execute_graph
from console.sandbox.pipeline import JobSpec
from console.sandbox.reruns import Reruns
from console.sandbox.runner import RunClock, execute
from console.sandbox.seed import AUTHORS, SUBJECTS, add_deployment, finish_deployment
from console.sandbox.state import RUN_ID_BASE, Commit, DeploymentRec, GitHubState, Job, Run
from console.services.registry import Registry

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class Simulator(Reruns, CdSteps):
    def __init__(self, st: GitHubState, clock: SimClock, ecr: Registry, *, seed: int, targets: tuple[str, ...],
                 region: str, repository: str, endpoint_url: str) -> None:
        self.st, self.clock, self.ecr = st, clock, ecr
        self.seed, self.targets = seed, targets
        self.region, self.repository, self.endpoint_url = region, repository, endpoint_url
        self.loop: asyncio.AbstractEventLoop | None = None
        self._rng = random.Random(f"{seed}:live")
        self._tasks: set[asyncio.Task[None]] = set()
        self._reviews: dict[tuple[int, str], asyncio.Future[bool]] = {}  # (run id, environment) -> approved?
        self._run_tasks: dict[int, asyncio.Task[None]] = {}  # live run id -> its task (for cancel)
        self._waiting: dict[tuple[int, str], list[tuple[Job, JobSpec]]] = {}  # (run id, environment) -> jobs
        self.gate_dispatch = False  # dispatched rollback/prune jobs wait for production review too
        self._deployments: dict[int, tuple[DeploymentRec, str | None]] = {}  # job id -> its deployment, target
        self._deployed, self._boto, self._promoted, self._smoke_fails = {}, None, {}, set()  # (see CdSteps)
        self._groups: dict[str, asyncio.Lock] = {}  # concurrency group -> its holder (asyncio.Lock is FIFO)
        self.review_requests: list[tuple[int, str]] = []  # (run id, environment), in the order asked

    # --- entry points from any thread -------------------------------------------------------

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the simulator's loop and return its result (thread-safe)."""
        assert self.loop is not None, "the sandbox is not started"
        try:
            if asyncio.get_running_loop() is self.loop:
                return fn(*args, **kwargs)
        except RuntimeError:
            pass

        async def hop() -> T:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(hop(), self.loop).result(timeout=30)

    def push_main(self, message: str, *, author: str | None = None, ci_fails: bool = False) -> str:
        return self.call(self._push_main, message, author or self.st.user, ci_fails)

    def push_tag(self, version: str, *, smoke_fails: bool = False) -> int:
        return self.call(self._push_tag, version, smoke_fails, None, False).id

    # --- on the loop ---------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:  # a simulator bug, not a run failure
            log.error("sandbox simulator task failed", exc_info=task.exception())

    def _start(self, run: Run, coro: Coroutine[Any, Any, None]) -> None:
        """A live run's task, known by the run's id while it runs (cancel stops it)."""
        task = self._run_tasks[run.id] = self._spawn(coro)
        task.add_done_callback(lambda t: self._run_tasks.get(run.id) is t and self._run_tasks.pop(run.id))

    def start_activity(self, every_s: float) -> None:
        """Keep the demo alive: a commit on main now, then every ``every_s`` simulated seconds."""
        self.call(self._spawn, self._activity(every_s))

    async def _activity(self, every_s: float) -> None:
        rng = random.Random(f"{self.seed}:activity")
        while True:
            self._push_main(rng.choice(SUBJECTS), rng.choice(AUTHORS), rng.random() < 0.15)
            await self.clock.sleep(every_s)

    def _new_run(self, workflow: str, event: str, branch: str, commit: Commit, actor: str, title: str,
                 created_at: datetime | None = None) -> Run:
        now = created_at or self.clock.now()
        run = Run(self.st.new_id(RUN_ID_BASE), workflow, self.st.next_run_number(workflow), event, branch,
                  commit.sha, actor, title, now, now)
        return self.st.add_run(run)

    def _push_main(self, message: str, author: str, ci_fails: bool) -> str:
        with self.st.lock:
            head = self.st.commits[-1] if self.st.commits else None
            commit = Commit(f"{self._rng.getrandbits(160):040x}", message, author, self.clock.now(),
                            head.sha if head else None)
            self.st.commits.append(commit)
            run = self._new_run("ci.yml", "push", "main", commit, author, message)
        self._start(run, self._ci_then_cd(run, commit, ci_fails))
        return commit.sha

    async def _ci_then_cd(self, run: Run, commit: Commit, ci_fails: bool, kept: frozenset[str] = frozenset()) -> None:
        """CI, then (workflow_run on success) CD to staging."""
        def staging(ci: Run) -> None:  # (GitHub also starts CD for a failed CI run; every job skips)
            if ci.conclusion != "success":
                return
            cd = self._new_run("cd.yml", "workflow_run", "main", commit, ci.actor, pipeline.staging_title(ci.display_title))
            self._start(cd, self._run_cd(cd, RunClock(self.clock), workflow_run=ci))

        spec = pipeline.ci(self.targets, commit.sha, test_fails=ci_fails)
        await execute(self.st, RunClock(self.clock), run, spec, self, then=staging, kept=kept)

    def _push_tag(self, version: str, smoke_fails: bool, created_at: datetime | None, fast: bool) -> Run:
        with self.st.lock:
            commit = self.st.commit(self.st.tags.get(version) or self.st.default_branch)
            if commit is None:
                raise ValueError("no commit on main to tag")
            self.st.tags[version] = commit.sha
            run = self._new_run("cd.yml", "push", version, commit, self.st.user, pipeline.release_title(version),
                                created_at)
        if smoke_fails:
            self._smoke_fails.add(run.id)
        self._start(run, self._run_cd(run, RunClock(self.clock, run.created_at, fast)))
        return run

    def start_waiting_release(self, version: str, created_at: datetime) -> Run:
        """The seeded release: already resolved and waiting for production review at start-up."""
        return self._push_tag(version, False, created_at, True)

    def review(self, run: Run, environments: list[str], approve: bool, comment: str) -> list[DeploymentRec]:
        """Approve or reject a run's pending environments (the pending-deployments API)."""
        return self.call(self._review, run, environments, approve, comment)

    def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Run:
        """A workflow_dispatch run (the dispatches API)."""
        return self.call(self._dispatch, workflow, ref, inputs)

    def _review(self, run: Run, environments: list[str], approve: bool, comment: str) -> list[DeploymentRec]:
        """One review releases every job of the run waiting on those environments (like GitHub)."""
        created: list[DeploymentRec] = []
        with self.st.lock:
            run.pending = [e for e in run.pending if e not in environments]
            for env in environments:
                for job, spec in self._waiting.pop((run.id, env), []):
                    if approve and spec.deployment:
                        created.append(self._deploy(run, job, spec, self.clock.now()))
        for env in environments:
            future = self._reviews.pop((run.id, env), None)
            if future is not None and not future.done():
                future.set_result(approve)
        return created

    def _dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Run:
        commit = self.st.commit(ref)
        assert commit is not None
        if workflow == "security.yml":
            run = self._new_run(workflow, "workflow_dispatch", ref, commit, self.st.user, "Security")
            self._start(run, execute(self.st, RunClock(self.clock), run, pipeline.security(), self))
            return run
        run = self._new_run(workflow, "workflow_dispatch", ref, commit, self.st.user, pipeline.dispatch_title(inputs))
        run.inputs = dict(inputs)
        self._start(run, self._run_cd(run, RunClock(self.clock)))
        return run

    def cancel(self, run: Run) -> None:
        """Cancel a run (the cancel API): its task stops where it is; unfinished jobs and steps end
        ``cancelled``, and nothing waits for review any more."""
        self.call(self._cancel, run)

    def _cancel(self, run: Run) -> None:
        task = self._run_tasks.pop(run.id, None)
        if task is not None:
            task.cancel()
        now = self.clock.now()
        with self.st.lock:
            for env in run.pending:
                self._waiting.pop((run.id, env), None)
                future = self._reviews.pop((run.id, env), None)
                if future is not None and not future.done():
                    future.cancel()
            run.pending = []
            for job in run.jobs:
                for step in job.steps:
                    if step.status != "completed":
                        step.status, step.conclusion = "completed", "cancelled"
                if job.status != "completed":
                    job.status, job.conclusion, job.completed_at = "completed", "cancelled", now
            run.status, run.conclusion, run.updated_at = "completed", "cancelled", now

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- runner hooks --------------------------------------------------------------------------

    def _deploy(self, run: Run, job: Job, spec: JobSpec, at: datetime) -> DeploymentRec:
        dep = add_deployment(self.st, job.environment or "", run.head_branch or "main", run.head_sha, at, run, job,
                             run.actor, None, None)
        self._deployments[job.id] = (dep, spec.target)
        return dep

    async def _run_cd(self, run: Run, clock: RunClock, workflow_run: Run | None = None,
                      kept: dict[str, JobResult] | None = None) -> None:
        context = cd_context(self.st, run, workflow_run, self.ecr)
        await execute_graph(self.st, clock, run, workflow_graph.load("cd.yml"), self, context, self.targets, kept=kept)

    @asynccontextmanager
    async def hold(self, group: str | None) -> AsyncIterator[None]:
        """A concurrency group: one holder at a time, the others queue in order (``queue: max``)."""
        if not group:
            yield
            return
        async with self._groups.setdefault(group, asyncio.Lock()):
            yield

    def _gated(self, run: Run, spec: JobSpec) -> bool:
        """Required reviewers and custom protection rules (apps) gate every job that references the
        environment (deployment or not)."""
        env = self.st.environments.get(spec.environment or "")
        if env is None or not (env.reviewers or env.reviewer_teams or env.protection_apps):
            return False
        return self.gate_dispatch if run.event == "workflow_dispatch" else True

    async def gate(self, run: Run, job: Job, spec: JobSpec, clock: RunClock) -> bool:
        if not self._gated(run, spec):
            if spec.deployment:
                with self.st.lock:
                    self._deploy(run, job, spec, clock.now())
            return True
        env = spec.environment or ""
        key = (run.id, env)
        with self.st.lock:
            future = self._reviews.get(key)
            if future is None:
                future = self._reviews[key] = asyncio.get_running_loop().create_future()
                run.pending, run.wait_started_at = [*run.pending, env], clock.now()
                self.review_requests.append(key)
            self._waiting.setdefault(key, []).append((job, spec))
            job.status = "waiting"
            run.status, run.updated_at = "waiting", clock.now()
        approved = await asyncio.shield(future)
        clock.go_live()
        timer = self.st.environments[env].wait_timer
        if approved and timer and run.wait_started_at:  # the wait timer runs from when the job was triggered
            left = run.wait_started_at + timedelta(minutes=timer) - clock.now()
            await clock.sleep(max(left.total_seconds(), 0))
        with self.st.lock:
            if approved:
                run.status = "in_progress"
        return approved

    def job_done(self, run: Run, job: Job, ok: bool, clock: RunClock) -> None:
        dep, target = self._deployments.pop(job.id, (None, None))
        if dep is not None:
            digest = self._deployed.pop((run.id, target), None) if target else None
            where = self.ecr.production if dep.environment == "production" else self.ecr.staging
            url = ecr_seed.image_url(self.region, where.repository, digest) if digest else ""
            finish_deployment(self.st, dep, "success" if ok else "failure", clock.now(), environment_url=url)


def cd_context(st: GitHubState, run: Run, workflow_run: Run | None, ecr: Registry) -> dict[str, Any]:
    """The expression contexts a CD run sees (github, inputs, vars) on the event that started it."""
    ref = {"push": f"refs/tags/{run.head_branch}"}.get(run.event, f"refs/heads/{run.head_branch or 'main'}")
    event: dict[str, Any] = {}
    if workflow_run is not None:
        event["workflow_run"] = {
            "id": workflow_run.id, "conclusion": workflow_run.conclusion, "event": workflow_run.event,
            "head_branch": workflow_run.head_branch, "head_sha": workflow_run.head_sha,
            "display_title": workflow_run.display_title, "head_repository": {"full_name": st.full_name},
        }
    github = {"event_name": run.event, "ref": ref, "ref_name": run.head_branch, "sha": run.head_sha,
              "repository": st.full_name, "run_id": run.id, "event": event}
    production = ecr.production.repository if ecr.split else ""
    variables = {"ECR_REPOSITORY": ecr.staging.repository, "PRODUCTION_REPOSITORY": production,
                 "PRODUCTION_REGISTRY_ID": "", "AWS_REGION": ecr.region or ""}
    return {"github": github, "inputs": dict(run.inputs), "vars": variables, "secrets": {}, "env": {}}
