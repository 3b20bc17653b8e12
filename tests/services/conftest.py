"""Fixtures for the service tests: a real moto ECR server on loopback, and image seeding helpers."""

from __future__ import annotations

import urllib.request

import pytest

from tests.services.helpers import REGION, REPO, client


@pytest.fixture(scope="session")
def moto_endpoint(moto_server_url):
    return moto_server_url  # tests/conftest.py


@pytest.fixture
def aws_env(monkeypatch):
    """Dummy credentials only; nothing leaves 127.0.0.1."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never probe 169.254.169.254


@pytest.fixture
def ecr_endpoint(moto_endpoint, aws_env):
    """A clean moto server with an empty ``shop`` repository."""
    _reset(moto_endpoint)
    client(moto_endpoint).create_repository(repositoryName=REPO)
    yield moto_endpoint
    # moto keeps state per process: leave nothing behind for other tests' servers.
    _reset(moto_endpoint)


def _reset(endpoint: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).read()



@pytest.fixture
def stand_in():
    """The sandbox's GitHub stand-in over loopback HTTP (see gh_stand_in.py)."""
    from gh_stand_in import StandIn

    server = StandIn().start()
    yield server
    server.stop()


@pytest.fixture
async def gh(stand_in):
    from console.services.github import GitHubService
    from console.services.github_errors import RetryPolicy

    service = GitHubService("acme/shop", "sandbox-token", stand_in.url, retry=RetryPolicy(backoff=0.01), find_run_timeout=2)
    yield service
    await service.aclose()
