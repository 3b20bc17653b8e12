"""GitHub REST through githubkit (async). CONTRACT STUB: the services helper implements it."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from console.model import Deployment, Environment, Job, PendingApproval, RateLimit, WorkflowRun


@dataclass(frozen=True)
class DispatchResult:
    run_id: int | None
    html_url: str | None


@dataclass
class RequestStats:
    """Counts for regression guards and the bench: a 304 does not count against the rate limit."""

    total: int = 0
    not_modified: int = 0
    by_route: dict[str, int] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        return self.total - self.not_modified


class GitHubService:
    def __init__(
        self,
        repo: str,
        token: str | None,
        base_url: str = "https://api.github.com",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        workflow_names: dict[str, str] | None = None,
    ) -> None:
        raise NotImplementedError

    rate_limit: RateLimit | None
    stats: RequestStats

    async def aclose(self) -> None: ...
    async def current_user(self) -> str: ...
    async def check_repository(self) -> None: ...
    async def list_runs(self, workflow: str, *, per_page: int = 30, branch: str | None = None,
                        event: str | None = None, status: str | None = None) -> list[WorkflowRun]: ...
    async def get_run(self, run_id: int) -> WorkflowRun: ...
    async def list_jobs(self, run_id: int) -> list[Job]: ...
    async def job_log(self, job_id: int) -> str: ...
    async def pending_deployments(self, run_id: int) -> list[PendingApproval]: ...
    async def review_pending(self, run_id: int, environment_ids: list[int], approve: bool, comment: str) -> None: ...
    async def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> DispatchResult: ...
    async def environments(self) -> list[Environment]: ...
    async def deployments(self, environment: str | None = None, per_page: int = 30) -> list[Deployment]: ...
