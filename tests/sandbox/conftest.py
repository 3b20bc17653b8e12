"""Fixtures for the sandbox's own tests: an authenticated HTTP client (helpers in tests/sandbox/helpers.py)."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def gh(sandbox):
    with httpx.Client(base_url=sandbox.github_url, headers={"Authorization": f"Bearer {sandbox.token}"},
                      follow_redirects=True, timeout=10) as client:
        yield client
