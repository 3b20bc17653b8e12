"""The reads behind the approve preview's release context (mixed into GitHubService): the commit
statuses of the tagged commit (its CI run comes from ``list_runs(..., head_sha=)``), the environment's
protection (reviewers, prevent_self_review, custom deployment protection rules) and when the waiting
deployment was created."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from console.errors import GitHubError, NotFound
from console.model.release import CommitStatus, EnvironmentGate
from console.services import github_parse as gp

T = TypeVar("T")


class ReleaseReads:
    """Needs GitHubService's ``_json``, ``_parse`` and ``_r``."""

    if TYPE_CHECKING:
        @property
        def _r(self) -> str: ...
        async def _json(self, path: str, action: str, *, not_found: str | None = None, **params: Any) -> Any: ...
        def _parse(self, items: Any, parse: Callable[[dict[str, Any]], T]) -> list[T]: ...

    async def commit_statuses(self, ref: str) -> list[CommitStatus]:
        """The newest status of each context on ``ref`` (the combined status; up to 100 contexts)."""
        body = await self._json(f"{self._r}/commits/{ref}/status", f"read the commit statuses of {ref[:12]}",
                                not_found=f"Commit {ref[:12]} not found.", per_page=100)
        return self._parse(body.get("statuses") if isinstance(body, dict) else None, gp.parse_commit_status)

    async def environment_gate(self, name: str) -> EnvironmentGate | None:
        """Who may release a deployment to ``name``: its reviewers, prevent_self_review, and the apps of
        its custom deployment protection rules. None when the environment does not exist."""
        try:
            body = await self._json(f"{self._r}/environments/{name}", f"read environment {name}", not_found="absent")
        except NotFound:
            return None
        try:
            environment = gp.parse_environment(body)
        except gp.PARSE_ERRORS as exc:
            raise GitHubError(f"GitHub's answer for environment {name} lacks required fields; its reviewers are unknown.") from exc
        try:
            rules = await self._json(f"{self._r}/environments/{name}/deployment_protection_rules",
                                     f"read the deployment protection rules of {name}", not_found="absent")
        except NotFound:  # a GitHub Enterprise Server without custom deployment protection rules
            rules = {}
        apps = self._parse(rules.get("custom_deployment_protection_rules") if isinstance(rules, dict) else None,
                           gp.protection_app)
        return EnvironmentGate(name, environment.reviewers, environment.prevent_self_review,
                               tuple(a for a in apps if a))

    async def deployment_created(self, environment: str, sha: str, since: datetime) -> datetime | None:
        """When the deployment of ``sha`` to ``environment`` was created, if one was created at or after
        ``since`` (the run's start): the start of its 30 days of waiting."""
        body = await self._json(f"{self._r}/deployments", f"list deployments of {sha[:7]} to {environment}",
                                environment=environment, sha=sha, per_page=10)
        created = [t for d in (body if isinstance(body, list) else []) if isinstance(d, dict)
                   if (t := gp.ts(d.get("created_at"))) is not None and t >= since]
        return min(created, default=None)
