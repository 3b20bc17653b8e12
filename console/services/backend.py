"""One object the UI, the CLI and the actions share: both services plus ``snapshot()``.

``snapshot()`` gathers concurrently: the newest runs of the watched workflows, ONE ECR listing,
deployments with statuses, then the pending approvals of runs that wait. Every GitHub read is a
conditional GET, so repeating it on unchanged data costs no rate limit (all 304s); ECR costs one
listing (ceil(images/1000) calls) per snapshot.

Failure policy: ECR failures and GitHub-wide failures (bad token, rate limit, unreachable, or every
GitHub read failing) raise the typed error, so a caller keeps its last snapshot and shows why.
A failure of one GitHub part (e.g. no permission to read deployments) lands in
``Snapshot.errors`` and the rest is still returned.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from console.config import Settings
from console.errors import AuthError, ConsoleError, NetworkError, RateLimited
from console.model import Deployment, Image, PendingApproval, Snapshot, WorkflowRun
from console.model.attestations import Provenance
from console.model.checks import Check
from console.model.environments import releases_behind_by_tags, tag_digests, target_states
from console.model.images import ambiguous_tags, known_targets
from console.model.rollbacks import rolled_back
from console.model.unique import newest_by_id
from console.services.clock import Clock
from console.services.doctor import run_checks
from console.services.github import GitHubService
from console.services.provenance import ProvenanceReader
from console.services.registry import Registry

RUNS_PER_WORKFLOW = 20
DEPLOYMENTS = 20
_GITHUB_WIDE = (AuthError, RateLimited, NetworkError)


class Backend:
    def __init__(self, settings: Settings, github: GitHubService, ecr: Registry) -> None:
        self.settings = settings
        self.github = github
        self.ecr = ecr
        self.snapshots = 0
        self.provenance = ProvenanceReader(github, settings.repo, settings.workflows.all())

    def __repr__(self) -> str:
        return f"Backend(repo={self.settings.repo!r}, ecr_repository={self.settings.ecr_repository!r})"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        github_transport: httpx.AsyncBaseTransport | None = None,
        ecr_endpoint_url: str | None = None,
        clock: Clock | None = None,
    ) -> Backend:
        """Both services from Settings. ECR's endpoint defaults to boto3's (AWS_ENDPOINT_URL_ECR);
        ``clock``: what GitHub waits go through (the sandbox's simulated clock in tests)."""
        github = GitHubService(settings.repo, settings.token, settings.github_url, transport=github_transport, clock=clock)
        return cls(settings, github, Registry.from_settings(settings, endpoint_url=ecr_endpoint_url))

    async def aclose(self) -> None:
        await self.github.aclose()

    async def doctor(self) -> list[Check]:
        """`ghaecr-console doctor`'s checks of GitHub, the workflows' settings, AWS and ECR (not the
        terminal's): the CLI prints them, the console shows the failed ones when nothing loads."""
        return await run_checks(self.settings, self.github if self.settings.token else None, self.ecr,
                                token_source=self.settings.token_source)

    async def snapshot(self, *, reuse_images: tuple[Image, ...] | None = None, pointers_only: bool = False,
                       summary_only: bool = False) -> Snapshot:
        """``reuse_images``: skip the ECR listing and use these (the console's fast GitHub-only polls
        while a deployment waits for approval; ECR is still listed once per refresh interval).
        ``pointers_only``: the cheap first load: tags plus the pointer-tagged images, enough for the
        states and drift; ``images_complete`` is False and ``with_all_images`` completes it.
        ``summary_only``: no deployments and no attestations (versions, drift, approvals and runs are
        all the Repositories view shows; since/via stay unknown): a few requests per repository."""
        workflows = self.settings.workflows.all()
        if reuse_images is not None:
            ecr_part = _given(list(reuse_images))
        elif pointers_only:  # ``images`` are then (pointer images, tag -> digest)
            ecr_part = self.ecr.pointer_images(self.settings.targets or ())
        else:
            ecr_part = self.ecr.list_images()
        parts: list[Any] = await asyncio.gather(
            ecr_part,
            self._deployments() if not summary_only else _given([]),
            *(self.github.list_runs(w, per_page=RUNS_PER_WORKFLOW) for w in workflows),
            return_exceptions=True,
        )
        cheap = pointers_only and reuse_images is None
        listed = _ok_or_raise(parts[0])
        images, tags = listed if cheap else (listed, tag_digests(listed))
        deployments_part, run_parts = parts[1], parts[2:]
        github_parts = [deployments_part, *run_parts]
        failures = [p for p in github_parts if isinstance(p, BaseException)]
        _raise_unexpected(failures)
        wide = [f for f in failures if isinstance(f, _GITHUB_WIDE)]
        if wide or (failures and len(failures) == len(github_parts)):
            raise (wide or failures)[0]

        runs = sorted(
            newest_by_id((r for p in run_parts if not isinstance(p, BaseException) for r in p),
                         key=lambda r: r.id, fresher=lambda r: r.updated_at),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        deployments: list[Deployment] = [] if isinstance(deployments_part, BaseException) else deployments_part
        (approvals, approval_errors), provenance = await asyncio.gather(
            self._approvals(runs), self._provenance(images) if not summary_only else _given(()))
        targets = known_targets(self.settings.targets, set(tags))
        states = target_states(images, targets, deployments, self.settings.environments, tags)
        self.snapshots += 1
        return Snapshot(
            repo=self.settings.repo,
            ecr_repository=self.settings.ecr_repository,
            fetched_at=datetime.now(UTC),
            targets=targets,
            runs=tuple(runs),
            images=tuple(images),
            states=states,
            approvals=approvals,
            deployments=tuple(deployments),
            rate_limit=self.github.rate_limit,
            errors=tuple(dict.fromkeys([*(str(f) for f in (*failures, *approval_errors)),
                                        *ambiguous_tags(set(tags), targets).values(),
                                        *([self.provenance.denied] if self.provenance.denied else [])])),
            images_complete=not cheap,
            behind=tuple(releases_behind_by_tags(tags, targets).items()),
            production_repository=self.settings.production_repository,
            provenance=provenance,
            rolled_back=rolled_back(states, deployments, runs, tags, targets),
        )

    async def with_all_images(self, snapshot: Snapshot) -> Snapshot:
        """``snapshot`` completed with the full ECR listing (after a ``pointers_only`` first load)."""
        images = await self.ecr.list_images()
        tags = tag_digests(images)
        targets = known_targets(self.settings.targets, set(tags))
        states = target_states(images, targets, snapshot.deployments, self.settings.environments, tags)
        return replace(
            snapshot,
            targets=targets,
            images=tuple(images),
            states=states,
            rolled_back=rolled_back(states, snapshot.deployments, snapshot.runs, tags, targets),
            images_complete=True,
            behind=tuple(releases_behind_by_tags(tags, targets).items()),
            provenance=self._known_provenance(images),  # no GitHub read here: the next snapshot asks
        )

    def _known_provenance(self, images: list[Image]) -> tuple[tuple[str, Provenance, str], ...]:
        known = ((d, self.provenance.known(d)) for d in provenance_digests(images))
        return tuple((d, *verdict) for d, verdict in known if verdict is not None)

    async def _provenance(self, images: list[Image]) -> tuple[tuple[str, Provenance, str], ...]:
        """Attestation verdicts of the images an operator looks at: the pointer- and release-tagged
        ones and the newest builds (at most PROVENANCE_LIMIT; cached per digest, see provenance.py)."""
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        recent = {i.digest for i in images if i.pushed_at >= hour_ago}
        verdicts = await self.provenance.of(provenance_digests(images), recent)
        return tuple((digest, *verdict) for digest, verdict in verdicts.items())

    async def _deployments(self) -> list[Deployment]:
        """The newest deployments of each environment, one copy per id. Per environment, so that a
        busy staging cannot push production's deployments out of the window attribution reads."""
        per_env = await asyncio.gather(
            *(self.github.deployments(environment=e, per_page=DEPLOYMENTS) for e in self.settings.environments))
        listed = sorted((d for part in per_env for d in part), key=lambda d: (d.created_at, d.id), reverse=True)
        return newest_by_id(listed, key=lambda d: d.id, fresher=_last_status_at)

    async def _approvals(
        self, runs: list[WorkflowRun]
    ) -> tuple[tuple[tuple[WorkflowRun, PendingApproval], ...], list[BaseException]]:
        waiting = [r for r in runs if r.is_waiting]
        results = await asyncio.gather(*(self.github.pending_deployments(r.id) for r in waiting), return_exceptions=True)
        pairs: list[tuple[WorkflowRun, PendingApproval]] = []
        errors: list[BaseException] = []
        for run, result in zip(waiting, results):
            if isinstance(result, BaseException):
                _raise_unexpected([result])
                errors.append(result)
                continue
            pairs.extend((run, p) for p in result)
        pairs = newest_by_id(pairs, key=lambda pair: (pair[0].id, pair[1].environment_id), fresher=lambda _: 0)
        return tuple(pairs), errors


def provenance_digests(images: list[Image], limit: int = 100) -> list[str]:
    """Newest first: images carrying more than a build tag, then the newest images."""
    marked = [i.digest for i in images if any(not t.startswith("sha-") for t in i.tags)]
    return list(dict.fromkeys([*marked, *(i.digest for i in images[:limit])]))[:limit]


def _last_status_at(deployment: Deployment) -> datetime:
    return deployment.statuses[0].created_at if deployment.statuses else deployment.created_at


async def _given(value: Any) -> Any:
    return value


def _ok_or_raise(part: Any) -> Any:
    if isinstance(part, BaseException):
        raise part
    return part


def _raise_unexpected(failures: list[BaseException]) -> None:
    """Programming errors are not partial failures: let them surface."""
    for failure in failures:
        if not isinstance(failure, ConsoleError):
            raise failure
