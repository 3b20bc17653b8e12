"""Backend.snapshot against the GitHub stand-in and moto over loopback: content and idle cost."""

from __future__ import annotations

import pytest

from console.config import Settings
from console.errors import AuthError
from console.services.backend import Backend
from console.services.ecr import EcrService
from console.services.github import GitHubService
from console.services.registry import Registry
from tests.services.helpers import REGION, REPO, push


@pytest.fixture
async def backend(stand_in, ecr_endpoint):
    settings = Settings(repo="acme/shop", ecr_repository=REPO, github_url=stand_in.url, token="sandbox-token", region=REGION)
    b = Backend(settings, GitHubService(settings.repo, settings.token, stand_in.url),
                Registry(EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint)))
    yield b
    await b.aclose()


async def test_snapshot_gathers_everything(backend, ecr_endpoint):
    prod = push(ecr_endpoint, "p", "v1.1.0-runtime", "latest-runtime")
    push(ecr_endpoint, "s", "sha-" + "b" * 40 + "-runtime", "staging-runtime")

    snap = await backend.snapshot()

    assert snap.targets == ("runtime",)
    assert {r.workflow for r in snap.runs} == {"ci.yml", "cd.yml"}
    assert snap.runs == tuple(sorted(snap.runs, key=lambda r: r.created_at, reverse=True))
    assert [(run.id, a.environment) for run, a in snap.approvals] == [(500, "production")]
    production = snap.state("production", "runtime")
    assert production.digest == prod and production.version == "v1.1.0"
    assert snap.deployments[0].ref == "v1.1.0" and snap.rate_limit is not None
    assert snap.errors == ()


async def test_idle_snapshots_cost_no_rate_limit_and_one_ecr_listing(backend, ecr_endpoint, stand_in):
    push(ecr_endpoint, "p", "v1.1.0-runtime", "latest-runtime")
    await backend.snapshot()
    counted, ecr_calls = stand_in.counted(), backend.ecr.stats.total

    for _ in range(3):
        await backend.snapshot()

    assert stand_in.counted() == counted  # every GitHub read was a 304
    assert backend.ecr.stats.total - ecr_calls == 3  # one DescribeImages per snapshot
    assert backend.github.stats.counted == counted


async def test_github_wide_failure_raises(backend, stand_in):
    stand_in.faults.unauthorized = True
    with pytest.raises(AuthError):
        await backend.snapshot()
