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

    def make(**overrides) -> ActionContext:
        backend = Backend.from_settings(sandbox.settings(**overrides), ecr_endpoint_url=sandbox.ecr_endpoint_url)
        backends.append(backend)
        return ActionContext.from_backend(backend)

    yield make
    for backend in backends:
        await backend.aclose()


@pytest.fixture
def ctx(make_ctx) -> ActionContext:
    return make_ctx()


SIM_SPEED = 60.0


@pytest.fixture
async def sim_context(sandbox_factory):
    """``sim_context(speed=SIM_SPEED, **sandbox_kwargs) -> (sandbox, ctx)``: an ActionContext whose
    waits (follow polls, rate limits, finding a run) run on the sandbox's simulated clock, so a 60 s
    wait takes a second at most, over real HTTP. Slower than the usual 600x on purpose: the console's
    bounds are counted on that clock, and at 600x a second of a busy machine is ten minutes."""
    from console.services.backend import Backend

    backends = []

    def make(speed: float = SIM_SPEED, **kwargs):
        sb = sandbox_factory(speed=speed, **kwargs)
        backend = Backend.from_settings(sb.settings(), ecr_endpoint_url=sb.ecr_endpoint_url, clock=sb.clock)
        backends.append(backend)
        return sb, ActionContext.from_backend(backend)

    yield make
    for backend in backends:
        await backend.aclose()
