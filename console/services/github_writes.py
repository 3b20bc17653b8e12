"""The writes GitHubService makes to workflow runs (mixed into it): approve or reject a waiting
deployment, dispatch a workflow (and find the run it started), re-run, cancel. Each is one POST that
is never resent after an ambiguous answer (github_errors: it raises UncertainWrite and the caller
looks for the effect); the reads of what they change stay in github.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from console.errors import GitHubError
from console.model import WorkflowRun
from console.services import github_parse as gp
from console.services.clock import Clock

DISPATCH_PAGE = 20  # newest workflow_dispatch runs read to find a dispatched run or an active one


@dataclass(frozen=True)
class DispatchResult:
    run_id: int | None
    html_url: str | None


class RunWrites:
    """Needs GitHubService's ``_call``, ``_r``, ``list_runs`` and its ``repo``, ``clock`` and ``find_run_timeout``."""

    repo: str
    clock: Clock
    find_run_timeout: float

    if TYPE_CHECKING:
        @property
        def _r(self) -> str: ...
        async def _call(self, method: str, path: str, action: str, *, not_found: str | None = None, conditional: bool = False,
                        params: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response: ...
        async def list_runs(self, workflow: str, *, per_page: int = 30, branch: str | None = None, event: str | None = None,
                            status: str | None = None, head_sha: str | None = None) -> list[WorkflowRun]: ...

    async def review_pending(self, run_id: int, environment_ids: list[int], approve: bool, comment: str) -> None:
        verb = "approve" if approve else "reject"
        await self._call(
            "POST", f"{self._r}/actions/runs/{run_id}/pending_deployments", f"{verb} the deployment of run {run_id}",
            not_found=f"Run {run_id} not found in {self.repo}.",
            json={"environment_ids": list(environment_ids), "state": "approved" if approve else "rejected", "comment": comment},
        )

    # --- dispatch ---------------------------------------------------------------------------------

    async def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> DispatchResult:
        """workflow_dispatch asking for the run id; on servers that cannot tell, find it by request_id."""
        path = f"{self._r}/actions/workflows/{workflow}/dispatches"
        action = f"dispatch {workflow}"
        missing = f"Workflow {workflow} not found in {self.repo} (or the token cannot see it)."
        body = {"ref": ref, "inputs": dict(inputs)}
        try:
            response = await self._call("POST", path, action, not_found=missing, json={**body, "return_run_details": True})
        except GitHubError as exc:
            if "return_run_details" not in exc.message:
                raise
            response = await self._call("POST", path, action, not_found=missing, json=body)  # older server
        if response.status_code == 200:
            try:
                details = response.json()
                return DispatchResult(int(details["workflow_run_id"]), details.get("html_url"))
            except (ValueError, KeyError, TypeError):
                pass
        request_id = inputs.get("request_id")
        run = await self.find_dispatched(workflow, request_id) if request_id else None
        return DispatchResult(run.id, run.html_url) if run else DispatchResult(None, None)

    async def recent_dispatches(self, workflow: str) -> list[WorkflowRun]:
        """The newest workflow_dispatch runs of ``workflow`` (one conditional request; the same URL
        for every caller, so repeating it is often a free 304)."""
        return await self.list_runs(workflow, per_page=DISPATCH_PAGE, event="workflow_dispatch")

    async def find_dispatched(self, workflow: str, request_id: str, *, timeout: float | None = None) -> WorkflowRun | None:
        """The dispatched run whose title carries ``[request_id]`` (it may take a moment to appear);
        None after ``timeout`` seconds (default ``find_run_timeout``)."""
        deadline = self.clock.monotonic() + (self.find_run_timeout if timeout is None else timeout)
        while True:
            run = gp.dispatched_run(await self.recent_dispatches(workflow), request_id)
            if run is not None:
                return run
            if self.clock.monotonic() >= deadline:
                return None
            await self.clock.sleep(0.5)

    async def rerun(self, run_id: int, *, failed_only: bool = False) -> None:
        """Start a new attempt of a completed run: every job, or (``failed_only``) the failed jobs
        and those that need them. Never resent after an ambiguous answer (UncertainWrite)."""
        which = "rerun-failed-jobs" if failed_only else "rerun"
        await self._call(
            "POST", f"{self._r}/actions/runs/{run_id}/{which}", f"re-run {'the failed jobs of ' if failed_only else ''}run {run_id}",
            not_found=f"Run {run_id} not found in {self.repo}.", json={},
        )

    async def cancel_run(self, run_id: int) -> None:
        await self._call(
            "POST", f"{self._r}/actions/runs/{run_id}/cancel", f"cancel run {run_id}",
            not_found=f"Run {run_id} not found in {self.repo}.",
        )

