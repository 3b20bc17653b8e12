"""The differential tests' fixtures: a Differ on the session's moto server (each side of a case resets
it) and a small git history (the release rules' staging check)."""

from __future__ import annotations

import pytest

from tests.differential.harness import Differ
from tests.workflows.helpers import git_history


@pytest.fixture
def differ(moto_server_url, tmp_path, monkeypatch) -> Differ:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Differ(moto_server_url, tmp_path)


@pytest.fixture
def history(tmp_path) -> dict[str, str]:
    return git_history(tmp_path)
