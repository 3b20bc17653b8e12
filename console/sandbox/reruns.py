"""Re-runs in the simulator (``POST .../runs/{id}/rerun`` and ``/rerun-failed-jobs``): a new attempt
of the same run id, ``run_attempt`` + 1, like GitHub.

Re-run all: every job runs again. Re-run failed: the jobs that succeeded stay listed with their
earlier results; the failed, cancelled and skipped ones (those that needed a failed job) run again.
A matrix job runs all its legs again if any leg failed (GitHub re-runs only the failed legs).
A flaky failure the simulator injected (a CI test, a production smoke test) passes on the re-run,
which is what an operator re-running a flaky job hopes for."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from console.sandbox import pipeline
from console.sandbox.clock import SimClock
from console.sandbox.pipeline import JobSpec
from console.sandbox.runner import RunClock, execute
from console.sandbox.state import Commit, GitHubState, Job, Run

if TYPE_CHECKING:
    from console.sandbox.graph_runner import JobResult

P = ParamSpec("P")
T = TypeVar("T")


class Reruns:
    """Mixed into the Simulator (uses its state, clock, tasks and run starters)."""

    st: GitHubState
    clock: SimClock
    _smoke_fails: set[int]

    if TYPE_CHECKING:  # the Simulator's own
        def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T: ...
        def _start(self, run: Run, coro: Coroutine[Any, Any, None]) -> None: ...
        async def _ci_then_cd(self, run: Run, commit: Commit, ci_fails: bool, kept: frozenset[str] = ...) -> None: ...
        async def gate(self, run: Run, job: Job, spec: JobSpec, clock: RunClock) -> bool: ...
        def job_done(self, run: Run, job: Job, ok: bool, clock: RunClock) -> None: ...
        async def _run_cd(self, run: Run, clock: RunClock, workflow_run: Run | None = None,
                          kept: dict[str, JobResult] | None = None) -> None: ...

    def rerun(self, run: Run, failed_only: bool) -> None:
        self.call(self._rerun, run, failed_only)

    def _rerun(self, run: Run, failed_only: bool) -> None:
        now = self.clock.now()
        with self.st.lock:
            kept_jobs = [j for j in run.jobs if failed_only and j.conclusion == "success"]
            kept_results = {k: r for k, r in run.results.items() if failed_only and r.result == "success"}
            if run.workflow == "cd.yml":  # a matrix job's legs share a key: keep only whole successes
                kept_jobs = [j for j in kept_jobs if j.key in kept_results]
            run.jobs = kept_jobs  # earlier attempts' jobs stay readable by id (their logs)
            run.run_attempt += 1
            run.status, run.conclusion, run.updated_at, run.run_started_at = "queued", None, now, now
            run.pending = []
        self._smoke_fails.discard(run.id)
        self._start(run, self._attempt(run, frozenset(j.name for j in kept_jobs), kept_results))

    def _attempt(self, run: Run, kept_names: frozenset[str],
                 kept_results: dict[str, JobResult]) -> Coroutine[Any, Any, None]:
        commit = self.st.commit(run.head_sha)
        if run.workflow == "ci.yml":
            assert commit is not None, "a CI run is always for a commit on main"
            return self._ci_then_cd(run, commit, False, kept_names)
        if run.workflow == "cd.yml":
            return self._run_cd(run, RunClock(self.clock), self._triggering_ci(run), kept_results)
        return execute(self.st, RunClock(self.clock), run, pipeline.security(), self, kept=kept_names)

    def _triggering_ci(self, run: Run) -> Run | None:
        """The CI run a staging CD run followed (its workflow_run event), newest first."""
        if run.event != "workflow_run":
            return None
        ci = [r for r in self.st.runs.values() if r.workflow == "ci.yml" and r.head_sha == run.head_sha]
        return max(ci, key=lambda r: r.created_at, default=None)
