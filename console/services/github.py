"""GitHub REST through githubkit (async), for github.com and GitHub Enterprise Server alike.

- ``base_url``: ``https://api.github.com`` or ``https://HOST/api/v3``.
- ETag revalidation: every JSON GET carries ``If-None-Match`` from a bounded per-URL cache
  (github_cache.EtagCache) and a 304 is answered with the stored body; a 304 does not count against
  the rate limit. ``stats.not_modified`` counts those; ``stats.counted`` is what the rate limit saw.
- ``rate_limit`` follows the ``x-ratelimit-*`` headers of every response.
- Retries: see github_errors.RetryPolicy (5xx, ``retry-after``; bounded). A POST is never retried
  after an ambiguous answer: it raises UncertainWrite and the caller looks for the effect. The writes
  to runs (review, dispatch, re-run, cancel) are in github_writes.py, the approve preview's release
  reads in github_release.py; both are mixed into GitHubService, the one class the rest imports.
- Waits (finding a dispatched run) go through ``clock`` (services.clock), so tests can simulate them.
- JSON is parsed leniently per item (github_parse); an item that cannot be parsed is skipped and
  counted in ``stats.skipped``, never failing the whole list.
- Errors are console.errors types. The token never appears in a message or repr.
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from console.errors import GitHubError, NotFound
from console.github_host import web_url
from console.model import Deployment, DeploymentStatus, Environment, Job, PendingApproval, RateLimit, WorkflowRun
from console.model.attestations import Attestation, parse_attestation
from console.model.checks import RepositoryAccess
from console.model.compare import Comparison
from console.model.unique import newest_by_id
from console.services import github_parse as gp
from console.services.clock import REAL_CLOCK, Clock
from console.services.github_cache import EtagCache
from console.services.github_client import PooledGitHub, RequestStats, shared_tls
from console.services.github_errors import REPEATABLE, RetryPolicy, map_github_error, reset_time
from console.services.github_release import ReleaseReads
from console.services.github_writes import RunWrites

DEFAULT_BASE_URL = "https://api.github.com"
# A deployment whose newest status is one of these gets no further status (GitHub's auto_inactive
# only turns a *success* into inactive), so its statuses are read once, not on every refresh.
SETTLED_STATES = frozenset({"inactive", "failure", "error"})
SETTLED_KEEP = 500
_ID_RE = re.compile(r"/\d+(?=/|$)")

T = TypeVar("T")


class GitHubService(ReleaseReads, RunWrites):
    def __init__(
        self,
        repo: str,
        token: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        workflow_names: dict[str, str] | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 20.0,
        find_run_timeout: float = 5.0,
        clock: Clock | None = None,
    ) -> None:
        self.repo = repo
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.workflow_names = dict(workflow_names or {})
        self.rate_limit: RateLimit | None = None
        self.stats = RequestStats()
        self.retry = retry or RetryPolicy()
        self.find_run_timeout = find_run_timeout
        self.clock = clock or REAL_CLOCK
        self._user: str | None = None
        self.cache = EtagCache()
        self._settled: dict[int, list[DeploymentStatus]] = {}  # deployment id -> statuses that can no longer change
        self._api_host = httpx.URL(self.base_url).host
        self._gh = PooledGitHub(
            token or None,
            base_url=self.base_url + "/",
            async_transport=transport,
            http_cache=False,  # see github_cache: hishel 1.4's storage grows without bound
            auto_retry=self.retry,
            timeout=timeout,
            async_event_hooks={"response": [self._on_response]},
            ssl_verify=shared_tls(),
        )

    def __repr__(self) -> str:
        return f"GitHubService(repo={self.repo!r}, base_url={self.base_url!r})"

    async def aclose(self) -> None:
        await self._gh.close_shared()
        self.cache.clear()

    # --- plumbing -------------------------------------------------------------------------------

    async def _on_response(self, response: httpx.Response) -> None:
        """Every API response (retries included): count it, track the rate limit."""
        if response.request.url.host != self._api_host:
            return  # a log blob on another host: not the API, not rate-limited
        self.stats.total += 1
        if response.status_code == 304:
            self.stats.not_modified += 1
        route = f"{response.request.method} {_ID_RE.sub('/{id}', response.request.url.path)}"
        self.stats.by_route[route] = self.stats.by_route.get(route, 0) + 1
        headers = response.headers
        if "x-ratelimit-limit" in headers:
            try:
                self.rate_limit = RateLimit(
                    limit=int(headers["x-ratelimit-limit"]),
                    remaining=int(headers.get("x-ratelimit-remaining", 0)),
                    used=int(headers.get("x-ratelimit-used", 0)),
                    reset_at=reset_time(headers),
                    resource=headers.get("x-ratelimit-resource", "core"),
                )
            except ValueError:
                pass

    async def _call(
        self, method: str, path: str, action: str, *, not_found: str | None = None, conditional: bool = False,
        params: dict[str, Any] | None = None, **kwargs: Any,
    ) -> httpx.Response:
        """One request with retries; ``conditional``: a GET revalidated against the ETag cache."""
        key = self.cache.key(path, params) if conditional else ""
        headers = self.cache.conditional_headers(key) if conditional else None
        try:
            response = (await self._gh.arequest(method, path, params=params, headers=headers, **kwargs)).raw_response
        except Exception as exc:
            raise map_github_error(exc, base_url=self.base_url, repo=self.repo, action=action, not_found=not_found,
                                   write=method.upper() not in REPEATABLE) from exc
        if not conditional:
            return response
        if response.status_code == 304:
            cached = self.cache.replay(key, response)
            if cached is not None:
                return cached
            # A 304 we cannot answer (entry evicted meanwhile): ask again without a validator.
            return await self._call(method, path, action, not_found=not_found, params=params, **kwargs)
        self.cache.store(key, response)
        return response

    async def _json(self, path: str, action: str, *, not_found: str | None = None, **params: Any) -> Any:
        response = await self._call("GET", path, action, not_found=not_found, params=_clean(params), conditional=True)
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubError(f"GitHub sent a response that is not JSON ({action}); check --github-url.") from exc

    def _parse(self, items: Any, parse: Callable[[dict[str, Any]], T]) -> list[T]:
        parsed, skipped = gp.parse_items(items, parse)
        self.stats.skipped += skipped
        return parsed

    @property
    def _r(self) -> str:
        return f"/repos/{self.repo}"

    # --- identity and repository ----------------------------------------------------------------

    async def current_user(self) -> str:
        """The token's login (asked once per service)."""
        if self._user is None:
            body = await self._json(
                "/user", "read the authenticated user", not_found=f"GitHub at {self.base_url} has no /user endpoint; check --github-url."
            )
            self._user = gp.login(body) if isinstance(body, dict) else ""
        return self._user

    async def check_repository(self) -> None:
        await self._json(self._r, f"read {self.repo}")

    async def repository_access(self) -> RepositoryAccess:
        """What ``doctor`` needs of the repository: visibility, default branch, whether the token may push,
        and a classic token's scopes (``x-oauth-scopes``; fine-grained tokens send none)."""
        user = await self._call("GET", "/user", "read the authenticated user")
        scopes = user.headers.get("x-oauth-scopes")
        response = await self._call("GET", self._r, f"read {self.repo}", not_found=f"Repository {self.repo} not found, "
                                    "or the token cannot see it; check --repo and the token's repository access.")
        body = response.json()
        return RepositoryAccess(
            private=bool(body.get("private")), default_branch=str(body.get("default_branch") or "main"),
            can_push=bool((body.get("permissions") or {}).get("push")),
            scopes=None if scopes is None else tuple(s.strip() for s in scopes.split(",") if s.strip()),
        )

    async def file_text(self, path: str, ref: str) -> str | None:
        """A file of the repository at ``ref`` (contents API), None when it is not there."""
        try:
            body = await self._json(f"{self._r}/contents/{path}", f"read {path}", not_found="absent", ref=ref)
        except NotFound:
            return None
        if not isinstance(body, dict) or body.get("encoding") != "base64":
            return None
        return base64.b64decode(body.get("content") or "").decode("utf-8", "replace")

    async def environment_protection(self, name: str) -> tuple[Environment, str | None] | None:
        """An environment and its deployment-ref policy (None: any ref may deploy); None when it does not exist."""
        try:
            body = await self._json(f"{self._r}/environments/{name}", f"read environment {name}", not_found="absent")
        except NotFound:
            return None
        return gp.parse_environment(body), gp.deployment_policy(body)

    async def actions_settings(self, kind: str, environment: str | None = None, *, organization: bool = False) -> dict[str, str]:
        """Actions ``variables`` (name -> value) or ``secrets`` (name -> "": GitHub never returns a secret's
        value) of the repository, those its organization shares with it, or one environment's; every page."""
        path = (f"{self._r}/environments/{environment}/{kind}" if environment
                else f"{self._r}/actions/organization-{kind}" if organization else f"{self._r}/actions/{kind}")
        found: dict[str, str] = {}
        for page in range(1, 11):  # 30 a page (GitHub's maximum for variables); 300 is far beyond any setup
            body = await self._json(path, f"list the {kind}", per_page=30, page=page)
            items = body.get(kind) if isinstance(body, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    found[item["name"]] = str(item.get("value") or "")
            total = body.get("total_count") if isinstance(body, dict) else None
            if not items or not isinstance(total, int) or page * 30 >= total:
                break
        return found

    # --- runs, jobs, logs -----------------------------------------------------------------------

    async def list_runs(
        self, workflow: str, *, per_page: int = 30, branch: str | None = None,
        event: str | None = None, status: str | None = None, head_sha: str | None = None,
    ) -> list[WorkflowRun]:
        """The newest runs of one workflow file (first page only: the console shows recent runs),
        optionally of one commit (``head_sha``)."""
        body = await self._json(
            f"{self._r}/actions/workflows/{workflow}/runs", f"list runs of {workflow}",
            not_found=f"Workflow {workflow} not found in {self.repo} (or the repository is not visible to the token).",
            per_page=per_page, branch=branch, event=event, status=status, head_sha=head_sha,
        )
        items = body.get("workflow_runs") if isinstance(body, dict) else None
        return self._parse(items, lambda d: gp.parse_run(d, workflow))

    async def waiting_runs(self, per_page: int = 30) -> list[WorkflowRun]:
        """Runs of any workflow that wait for a review (newest first). One conditional request: while
        no run starts or stops waiting GitHub answers 304, which the rate limit does not count."""
        body = await self._json(f"{self._r}/actions/runs", "list the runs waiting for a review",
                                status="waiting", per_page=per_page)
        items = body.get("workflow_runs") if isinstance(body, dict) else None
        return self._parse(items, gp.parse_run)

    async def get_run(self, run_id: int) -> WorkflowRun:
        body = await self._json(
            f"{self._r}/actions/runs/{run_id}", f"read run {run_id}", not_found=f"Run {run_id} not found in {self.repo}."
        )
        try:
            return gp.parse_run(body)
        except gp.PARSE_ERRORS as exc:
            raise GitHubError(f"GitHub's answer for run {run_id} lacks required fields; cannot show it.") from exc

    async def list_jobs(self, run_id: int) -> list[Job]:
        """Every job of the run's latest attempt, with steps (follows pagination)."""
        jobs: list[Job] = []
        url: str | None = f"{self._r}/actions/runs/{run_id}/jobs"
        params: dict[str, Any] | None = {"per_page": 100, "filter": "latest"}
        for _ in range(20):  # at most 2,000 jobs; a matrix never comes close
            if url is None:
                break
            response = await self._call(
                "GET", url, f"list jobs of run {run_id}", not_found=f"Run {run_id} not found in {self.repo}.",
                params=params, conditional=True,
            )
            body = response.json()
            jobs.extend(self._parse(body.get("jobs") if isinstance(body, dict) else None, gp.parse_job))
            url = response.links.get("next", {}).get("url")
            params = None  # the next link carries the query
            if not url:
                break
        # Pages are read by offset: a job that moved between two reads repeats (a duplicate row key).
        return newest_by_id(jobs, key=lambda j: j.id, fresher=_job_freshness)

    async def job_log(self, job_id: int) -> str:
        """The job's plain-text log (GitHub redirects to a short-lived blob URL; httpx follows)."""
        response = await self._call(
            "GET", f"{self._r}/actions/jobs/{job_id}/logs", f"read the log of job {job_id}",
            not_found=f"The log of job {job_id} is not available (still running, expired, or not visible to the token).",
        )
        return response.text

    # --- approvals ------------------------------------------------------------------------------

    async def pending_deployments(self, run_id: int) -> list[PendingApproval]:
        body = await self._json(
            f"{self._r}/actions/runs/{run_id}/pending_deployments", f"read pending deployments of run {run_id}",
            not_found=f"Run {run_id} not found in {self.repo}.",
        )
        return self._parse(body, lambda d: gp.parse_pending(d, run_id))

    async def run_reviews(self, run_id: int) -> list[gp.RunReview]:
        """Who approved or rejected the run's deployments, with which comment (oldest first)."""
        body = await self._json(
            f"{self._r}/actions/runs/{run_id}/approvals", f"read the reviews of run {run_id}",
            not_found=f"Run {run_id} not found in {self.repo}.",
        )
        return self._parse(body, gp.parse_review)

    # --- environments, deployments, commits -----------------------------------------------------

    async def environments(self) -> list[Environment]:
        body = await self._json(f"{self._r}/environments", "list environments", per_page=100)
        items = body.get("environments") if isinstance(body, dict) else None
        return self._parse(items, gp.parse_environment)

    async def deployments(self, environment: str | None = None, per_page: int = 30) -> list[Deployment]:
        """Newest deployments (optionally of one environment) with their statuses, newest first."""
        body = await self._json(f"{self._r}/deployments", "list deployments", environment=environment, per_page=per_page)
        raw = [d for d in body if isinstance(d, dict)] if isinstance(body, list) else []
        limit = asyncio.Semaphore(8)

        async def with_statuses(d: dict[str, Any]) -> Deployment | None:
            try:
                statuses = self._settled.get(int(d["id"]))
                if statuses is None:
                    async with limit:
                        statuses = await self.deployment_statuses(int(d["id"]))
                    if statuses and statuses[0].state in SETTLED_STATES:
                        self._settled[int(d["id"])] = statuses
                return gp.parse_deployment(d, statuses)
            except gp.PARSE_ERRORS:
                self.stats.skipped += 1
                return None

        deployments = [d for d in await asyncio.gather(*(with_statuses(d) for d in raw)) if d is not None]
        if len(self._settled) > SETTLED_KEEP:  # keep the newest: ids grow
            for old in sorted(self._settled)[: len(self._settled) - SETTLED_KEEP]:
                del self._settled[old]
        return deployments

    async def deployment_statuses(self, deployment_id: int, per_page: int = 10) -> list[DeploymentStatus]:
        try:
            body = await self._json(
                f"{self._r}/deployments/{deployment_id}/statuses", f"list statuses of deployment {deployment_id}",
                per_page=per_page,
            )
        except NotFound:
            return []  # deleted between the two calls
        return self._parse(body, gp.parse_status)

    async def compare(self, base: str, head: str) -> list[tuple[str, str, str]]:
        """Commits in ``base...head``, oldest first, as (sha, first message line, author)."""
        return list((await self.comparison(base, head)).commits)

    async def comparison(self, base: str, head: str) -> Comparison:
        """``base...head`` with GitHub's count (it lists at most 250 commits) and the compare page on
        this repository's GitHub (github.com, or the Enterprise host the API lives on)."""
        body = await self._json(
            f"{self._r}/compare/{base}...{head}", f"compare {base}...{head}",
            not_found=f"Cannot compare {base}...{head} in {self.repo}: one of them does not exist.",
        )
        body = body if isinstance(body, dict) else {}
        commits = tuple(self._parse(body.get("commits"), gp.parse_commit))
        total = body.get("total_commits")
        html = body.get("html_url")  # GitHub's own link (its host: github.com or the Enterprise server)
        if not (isinstance(html, str) and html.startswith(("https://", "http://"))):
            html = f"{web_url(self.base_url)}/{self.repo}/compare/{base}...{head}"
        return Comparison(base, head, commits, total if isinstance(total, int) and total >= 0 else len(commits), html)

    async def attestations(self, digest: str) -> list[Attestation]:
        """Artifact attestations stored in this repository for ``digest`` (GitHub answers 404 when
        there are none: that is [], not an error). Fine-grained tokens need attestations:read."""
        try:
            body = await self._json(f"{self._r}/attestations/{digest}", f"read the attestations of {digest[:19]}")
        except NotFound:
            return []
        return self._parse(body.get("attestations") if isinstance(body, dict) else None, parse_attestation)


def _job_freshness(job: Job) -> tuple[bool, float]:
    """Of two copies of a job, the completed one, then the one that started or ended later."""
    moment = job.completed_at or job.started_at
    return job.completed_at is not None, moment.timestamp() if moment else 0.0


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}

