"""Fixtures for action tests: an ActionContext on the sandbox, a private audit log, fast polling."""

from __future__ import annotations

import pytest

from console.actions import ActionContext
from console.actions.audit import AuditLog


@pytest.fixture(autouse=True)
def _private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")


@pytest.fixture
def audit_log(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "state" / "audit.jsonl")


@pytest.fixture
async def make_ctx(sandbox):
    from console.services.backend import Backend

    backends = []

    def make(clock=None, **overrides) -> ActionContext:
        """``clock=sandbox.clock``: the console's waits run in the sandbox's simulated time."""
        backend = Backend.from_settings(sandbox.settings(**overrides), ecr_endpoint_url=sandbox.ecr_endpoint_url,
                                        clock=clock)
        backends.append(backend)
        return ActionContext.from_backend(backend)

    yield make
    for backend in backends:
        await backend.aclose()


@pytest.fixture
def ctx(make_ctx) -> ActionContext:
    return make_ctx()
