"""The property tests' AWS side: the session's moto server (reset by every seeding) and dummy credentials."""

from __future__ import annotations

import pytest


@pytest.fixture
def aws(moto_server_url, monkeypatch):
    """Dummy credentials and the moto endpoint for boto3 (and the CLI) in this process."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_ECR": moto_server_url,
                        "AWS_CONFIG_FILE": "/nonexistent/aws-config", "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials"}.items():
        monkeypatch.setenv(name, value)
    return moto_server_url
