"""The differential tests' fixture: a Differ on the session's moto server (each side of a case resets it)."""

from __future__ import annotations

import pytest

from tests.differential.harness import Differ


@pytest.fixture
def differ(moto_server_url, tmp_path, monkeypatch) -> Differ:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Differ(moto_server_url, tmp_path)
