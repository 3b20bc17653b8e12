"""The pipeline simulator: runs behave like the bundled workflows, in simulated time.

``push_main`` -> CI -> (on success) CD ``workflow_run`` that pushes ``sha-<sha>-<t>`` and moves
``staging-<t>``; ``push_tag`` -> CD ``push`` whose production job waits for review, then promotes by
digest (``console.services.ecr_ops.promote``), smoke-tests, and rolls back automatically on a smoke
failure; dispatched ``rollback``/``prune`` runs call ``ecr_ops.rollback``/``ecr_ops.prune``.

Runs execute as tasks on the stand-in's event loop. Entry points called from other threads
(``push_main``, ``push_tag``) hop onto that loop; ``review``/``dispatch`` are called by the ASGI app
on the loop itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta

from console.errors import ConsoleError
from console.model.plans import plan_prune
from console.sandbox import ecr_seed, pipeline
from console.sandbox.clock import SimClock
from console.sandbox.dispatch_rules import validate_inputs
from console.sandbox.ecr_seed import ImageSeed
from console.sandbox.pipeline import JobSpec
from console.sandbox.runner import RunClock, StepFailed, execute
from console.sandbox.seed import AUTHORS, SUBJECTS, add_deployment, finish_deployment
from console.sandbox.state import RUN_ID_BASE, Commit, DeploymentRec, GitHubState, Job, Run
from console.services import ecr_ops
from console.services.registry import Registry


log = logging.getLogger(__name__)
CLEANUP_KEEP = 10  # cd.yml KEEP_RELEASES


class Simulator:
    def __init__(self, st: GitHubState, clock: SimClock, ecr: Registry, *, seed: int, targets: tuple[str, ...],
                 region: str, repository: str, endpoint_url: str) -> None:
        self.st, self.clock, self.ecr = st, clock, ecr
        self.seed, self.targets = seed, targets
        self.region, self.repository, self.endpoint_url = region, repository, endpoint_url
        self.loop: asyncio.AbstractEventLoop | None = None
        self._rng = random.Random(f"{seed}:live")
        self._tasks: set[asyncio.Task] = set()
        self._reviews: dict[tuple[int, str], asyncio.Future] = {}  # (run id, environment) -> approved?
        self._run_tasks: dict[int, asyncio.Task] = {}  # dispatched run id -> its task (for cancel)
        self._waiting: dict[tuple[int, str], list] = {}  # (run id, environment) -> [(job, JobSpec)]
        self.gate_dispatch = False  # dispatched rollback/prune jobs wait for production review too
        self._deployments: dict[int, tuple[DeploymentRec, str | None]] = {}  # job id -> its deployment, target
        # (run id, target) -> the digest that leg's last deploy step left the environment on (the
        # scripts' image_url output, which cd.yml makes the job's environment url).
        self._deployed: dict[tuple[int, str], str] = {}
        self._boto = None
        self._promoted: dict[tuple[int, str], ecr_ops.PromoteOutcome] = {}  # (run id, target) -> its promotion

    # --- entry points from any thread -------------------------------------------------------

    def call(self, fn, *args, **kwargs):
        """Run ``fn`` on the simulator's loop and return its result (thread-safe)."""
        assert self.loop is not None, "the sandbox is not started"
        try:
            if asyncio.get_running_loop() is self.loop:
                return fn(*args, **kwargs)
        except RuntimeError:
            pass

        async def hop():
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(hop(), self.loop).result(timeout=30)

    def push_main(self, message: str, *, author: str | None = None, ci_fails: bool = False) -> str:
        return self.call(self._push_main, message, author or self.st.user, ci_fails)

    def push_tag(self, version: str, *, smoke_fails: bool = False) -> int:
        return self.call(self._push_tag, version, smoke_fails, None, False).id

    # --- on the loop ---------------------------------------------------------------------------

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:  # a simulator bug, not a run failure
            log.error("sandbox simulator task failed", exc_info=task.exception())

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
            commit = Commit("%040x" % self._rng.getrandbits(160), message, author, self.clock.now(),
                            head.sha if head else None)
            self.st.commits.append(commit)
            run = self._new_run("ci.yml", "push", "main", commit, author, message)
        self._spawn(self._ci_then_cd(run, commit, ci_fails))
        return commit.sha

    async def _ci_then_cd(self, run: Run, commit: Commit, ci_fails: bool) -> None:
        """CI, then (workflow_run on success) CD to staging."""
        def staging(ci: Run) -> None:
            if ci.conclusion == "success":
                cd = self._new_run("cd.yml", "workflow_run", "main", commit, ci.actor, pipeline.staging_title(ci.display_title))
                self._spawn(execute(self.st, RunClock(self.clock), cd, pipeline.cd_staging(self.targets, commit.sha), self))

        spec = pipeline.ci(self.targets, commit.sha, test_fails=ci_fails)
        await execute(self.st, RunClock(self.clock), run, spec, self, then=staging)

    def _push_tag(self, version: str, smoke_fails: bool, created_at: datetime | None, fast: bool) -> Run:
        with self.st.lock:
            commit = self.st.commit(self.st.tags.get(version) or self.st.default_branch)
            if commit is None:
                raise ValueError("no commit on main to tag")
            self.st.tags[version] = commit.sha
            run = self._new_run("cd.yml", "push", version, commit, self.st.user, pipeline.release_title(version),
                                created_at)
        spec = pipeline.cd_release(self.targets, version, smoke_fails=smoke_fails)
        self._spawn(execute(self.st, RunClock(self.clock, run.created_at, fast), run, spec, self))
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
            self._spawn(execute(self.st, RunClock(self.clock), run, pipeline.security(), self))
            return run
        run = self._new_run(workflow, "workflow_dispatch", ref, commit, self.st.user, pipeline.dispatch_title(inputs))
        run.inputs = dict(inputs)
        targets = self._dispatch_targets(inputs)
        self._run_tasks[run.id] = self._spawn(execute(self.st, RunClock(self.clock), run, pipeline.cd_dispatch(targets, inputs), self))
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

    def _dispatch_targets(self, inputs: dict[str, str]) -> tuple[str, ...]:
        named = pipeline.split_list(inputs.get("targets"))
        return self.targets if named in ([], ["all"]) else tuple(named)

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

    def _gated(self, run: Run, spec: JobSpec) -> bool:
        env = self.st.environments.get(spec.environment or "")
        if env is None or not (env.reviewers or env.reviewer_teams):
            return False
        if run.event == "workflow_dispatch":
            return self.gate_dispatch
        return spec.deployment  # see DIVERGENCES in the README notes: deployment:false jobs are not gated

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

    async def act(self, run: Run, job: Job, action: str, clock: RunClock) -> list[str]:
        kind, _, arg = action.partition(":")
        handler = getattr(self, f"_do_{kind}")
        return await handler(run, arg, clock)

    # --- step actions (ECR through the services, like the workflows' scripts) ------------------

    async def _do_push_image(self, run: Run, target: str, clock: RunClock) -> list[str]:
        manifest, digest, size = ecr_seed.make_manifest(self.seed, run.head_sha, target, self.targets.index(target))
        image = ImageSeed(target, run.head_sha, manifest, digest, size, clock.now(), [f"sha-{run.head_sha}-{target}"])
        if self._boto is None:
            self._boto = ecr_seed.client(self.endpoint_url, self.region)
        try:
            await asyncio.to_thread(ecr_seed.push, self._boto, self.repository, self.region, image)
        except self._boto.exceptions.ImageAlreadyExistsException:
            pass  # a re-run of the same commit: the build is already there (ECR answers the same)
        return [f"{image.tags[0]}: digest: {digest} size: {size}"]

    async def _do_move_staging(self, run: Run, target: str, clock: RunClock) -> list[str]:
        try:
            result = await ecr_ops.stage(self.ecr, target, run.head_sha, self.st.is_ancestor)
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None
        self._record_deployed(run, {target: result.digest})
        if result.skipped:
            return [f"##[notice]{result.skipped}"]
        return [f"staging-{target} -> {result.digest}" + ("" if result.moved else " (unchanged)")]

    async def _do_resolve(self, run: Run, target: str, clock: RunClock) -> list[str]:
        ref = f"sha-{run.head_sha}-{target}"
        found = await self.ecr.get_manifests([ref])
        if ref not in found:
            raise StepFailed(f"##[error]{ref} is not in ECR: staging never tested {run.head_sha[:12]} for {target}.")
        return [f"staging/{target} tested {ref} ({found[ref].digest})"]

    async def _do_promote(self, run: Run, target: str, clock: RunClock) -> list[str]:
        version = run.head_branch or ""
        try:
            outcomes = await ecr_ops.promote(self.ecr, [target], version, lambda t: f"sha-{run.head_sha}-{t}")
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None
        self._record_deployed(run, {o.target: o.digest for o in outcomes})
        self._promoted.update({(run.id, o.target): o for o in outcomes})
        return [f"previous-{o.target} := {o.previous_digest or '-'}; {version}-{o.target} and latest-{o.target} := "
                f"{o.digest}" for o in outcomes]

    async def _do_auto_rollback(self, run: Run, target: str, clock: RunClock) -> list[str]:
        """rollback.sh after a failed smoke test: undo this run's promotion, never go further back."""
        promoted = self._promoted.pop((run.id, target), None)
        if promoted is None:
            return [f"##[notice]{target}: this run promoted nothing; nothing to roll back"]
        try:
            outcome = await ecr_ops.undo_promotion(self.ecr, target, promoted.digest, promoted.previous_digest)
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None
        if outcome is None:
            return [f"##[notice]latest-{target} already ran {promoted.digest} before this release; not rolling back"]
        self._record_deployed(run, {target: outcome.to_digest})
        return [f"latest-{target}: {outcome.from_digest or '-'} -> {outcome.to_digest} ({outcome.to_ref})"]

    async def _rollback(self, run: Run, targets, to_version: str | None) -> list[str]:
        try:
            outcomes = await ecr_ops.rollback(self.ecr, list(targets), to_version or None)
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None
        self._record_deployed(run, {o.target: o.to_digest for o in outcomes})
        return [f"latest-{o.target}: {o.from_digest or '-'} -> {o.to_digest} ({o.to_ref})"
                + ("" if o.changed else " (already there)") for o in outcomes]

    async def _do_cleanup(self, run: Run, _: str, clock: RunClock) -> list[str]:
        """cleanup.sh: keep the newest KEEP_RELEASES releases per target, never a protected image."""
        images = await self.ecr.list_images()
        plan = plan_prune(images, self.targets, CLEANUP_KEEP)
        if not plan.digests:
            return [f"nothing to delete beyond the newest {CLEANUP_KEEP} releases"]
        return await self._prune(list(plan.digests))

    async def _do_validate(self, run: Run, _: str, clock: RunClock) -> list[str]:
        problem = validate_inputs(run.inputs, self.targets, run.head_branch or "")
        if problem:
            raise StepFailed(f"##[error]{problem}")
        what = run.inputs.get("targets") if run.inputs.get("operation") == "rollback" else "digests"
        return [f"{run.inputs.get('operation')}: {what} [{run.inputs.get('request_id') or 'no request id'}]"]

    async def _do_rollback(self, run: Run, target: str, clock: RunClock) -> list[str]:
        return await self._rollback(run, [target], run.inputs.get("to_version"))

    def _record_deployed(self, run: Run, digests: dict[str, str]) -> None:
        for target, digest in digests.items():
            self._deployed[(run.id, target)] = digest

    async def _do_prune(self, run: Run, _: str, clock: RunClock) -> list[str]:
        return await self._prune(pipeline.split_list(run.inputs.get("digests")))

    async def _prune(self, digests: list[str]) -> list[str]:
        try:
            result = await ecr_ops.prune(self.ecr, digests, self.targets)
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None
        lines = [f"deleted {d}" for d in result.deleted]
        lines += [f"kept {d}: {why}" for d, why in result.kept]
        lines += [f"already gone {d}" for d in result.gone]
        lines += [f"##[error]failed {d}: {why}" for d, why in result.failed]
        lines.append(f"{len(result.deleted)} deleted, {len(result.kept)} kept, {len(result.failed)} failed")
        if result.failed:
            raise StepFailed(*lines)
        return lines

    async def _do_verify(self, run: Run, _: str, clock: RunClock) -> list[str]:
        """ci-summary.sh: fail when any job of the operation failed."""
        with self.st.lock:
            failed = [j.name for j in run.jobs if j.conclusion == "failure"]
        if failed:
            raise StepFailed(f"##[error]{run.inputs.get('operation')} failed: {', '.join(failed)}")
        return [f"{run.inputs.get('operation')}: every job succeeded"]
