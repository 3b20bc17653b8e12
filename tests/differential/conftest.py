"""The differential tests' moto server (one per session; each side of a case resets it)."""

from __future__ import annotations

import pytest

from tests.differential.harness import Differ


@pytest.fixture(scope="session")
def moto_server_url():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def differ(moto_server_url, tmp_path, monkeypatch) -> Differ:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Differ(moto_server_url, tmp_path)
