"""Fixtures for the workflow tests: the workflows read, a local ECR (moto's server) that the deploy
scripts reach through the real AWS CLI, stand-ins for aws and gh (helpers in tests/workflows/helpers.py)."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

import boto3
import pytest

from tests.workflows.helpers import FAKE_GH, REPOSITORY, WORKFLOWS, FakeGh, Registry, ScriptResult, load_workflow, run_script


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict]:
    return {p.name: load_workflow(p.name) for p in sorted(WORKFLOWS.glob("*.yml"))}


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def registry(moto_url, tmp_path) -> Registry:
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10)
    client = boto3.client(
        "ecr",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_repository(repositoryName=REPOSITORY)
    return Registry(moto_url, client, tmp_path)


@pytest.fixture
def no_aws(tmp_path) -> Path:
    """A PATH entry whose `aws` records every call and fails: proof that nothing reached ECR."""
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    log = tmp_path / "aws-calls.log"
    shim = shim_dir / "aws"
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexit 99\n')
    shim.chmod(0o755)
    return shim_dir


@pytest.fixture
def run_offline(tmp_path):
    """Run a script that needs no ECR (any AWS call would hit a closed port)."""

    def run(script: str, *, path_prefix: str | None = None, **env: str) -> ScriptResult:
        return run_script(script, tmp_path, "http://127.0.0.1:9", path_prefix=path_prefix, **env)

    return run


@pytest.fixture
def fake_gh(tmp_path) -> FakeGh:
    shim_dir = tmp_path / "gh-shim"
    shim_dir.mkdir()
    gh = shim_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    log = tmp_path / "gh-calls.log"
    env = {"GH_LOG": str(log), "GH_TOKEN": "test-token", "GH_REPO": "acme/shop",
           "GH_STATUSES": str(tmp_path / "statuses.json"), "GH_ISSUES": str(tmp_path / "issues.json")}
    return FakeGh(str(shim_dir), log, env)
