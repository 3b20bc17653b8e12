"""The GitHub service parses anything GitHub's description allows, and what real answers add.

Every read goes over HTTP (githubkit with an httpx.ASGITransport) to an app that answers with
bodies drawn from the vendored OpenAPI schemas (strict) or loosened ones (missing required fields,
nulls, unknown enum values, huge and hostile strings, repeated ids). A list read returns only items
it could parse (never raises); a single-object read returns it or raises one typed GitHubError.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given, settings

from console.errors import GitHubError
from console.model import Deployment, Environment, Job, PendingApproval, WorkflowRun
from console.model.release import CommitStatus
from console.services.github import GitHubService
from console.services.github_errors import RetryPolicy
from tests.properties.github_world import REPO, GeneratedGitHub, worlds
from tests.properties.profile import examples

LOOSE = pytest.mark.parametrize("loose", [False, True], ids=["as-documented", "loosened"])


async def read_everything(world) -> dict:
    server = GeneratedGitHub(world)
    service = GitHubService(REPO, "t0ken", "https://github.example", transport=httpx.ASGITransport(server),
                            retry=RetryPolicy(max_5xx=0, backoff=0.0))
    try:
        out = {
            "user": await service.current_user(),
            "runs": await service.list_runs("cd.yml"),
            "jobs": await service.list_jobs(7),
            "pending": await service.pending_deployments(7),
            "environments": await service.environments(),
            "deployments": await service.deployments(),
            "compare": await service.compare("v1.0.0", "v1.1.0"),
            "comparison": await service.comparison("v1.0.0", "v1.1.0"),
            "commit_statuses": await service.commit_statuses("a" * 40),
            "deployment_created": await service.deployment_created("production", "a" * 40, datetime.min.replace(tzinfo=UTC)),
        }
        try:  # an environment without an id or a name: its reviewers are unknown (one line, not a crash)
            out["gate"] = await service.environment_gate("production")
        except GitHubError as exc:
            assert "\n" not in exc.message and "Traceback" not in exc.message
            out["gate"] = None
        try:
            out["run"] = await service.get_run(7)
        except GitHubError as exc:  # a run without an id or a creation time cannot be shown
            assert "\n" not in exc.message and "Traceback" not in exc.message
            out["run"] = None
        return out
    finally:
        await service.aclose()


@LOOSE
def test_every_read_survives_generated_bodies(loose):
    @settings(max_examples=examples(1))
    @given(worlds(loose=loose, digests=("sha256:" + "1" * 64,)))
    def check(world):
        out = asyncio.run(read_everything(world))
        assert isinstance(out["user"], str)
        kinds = {"runs": WorkflowRun, "jobs": Job, "pending": PendingApproval, "environments": Environment,
                 "deployments": Deployment}
        for name, kind in kinds.items():
            assert all(isinstance(item, kind) for item in out[name]), name
        assert all(isinstance(c, tuple) and len(c) == 3 for c in out["compare"])
        assert all(isinstance(s, CommitStatus) for s in out["commit_statuses"])
        assert out["gate"] is None or all(isinstance(a, str) and a for a in out["gate"].apps)
        assert out["deployment_created"] is None or isinstance(out["deployment_created"], datetime)
        comparison = out["comparison"]  # the rollback preview's count and link, whatever GitHub sent
        assert comparison.total >= 0 and comparison.html_url.startswith(("https://", "http://"))
        assert out["run"] is None or isinstance(out["run"], WorkflowRun)
        if not loose:  # as documented: every item is complete, so none may be dropped
            assert len(out["runs"]) == len(world["runs"]["workflow_runs"])
            # a job repeated across pages comes back once (the run detail keys its table by job id)
            assert len(out["jobs"]) == len({job["id"] for job in world["jobs"]["jobs"]})
            assert len(out["deployments"]) == len(world["deployments"])
            assert len(out["commit_statuses"]) == len(world["combined_status"]["statuses"])
            rules = world["protection_rules"].get("custom_deployment_protection_rules") or []
            assert len(out["gate"].apps) == sum(1 for r in rules if r["enabled"])

    check()
