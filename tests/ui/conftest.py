"""UI fixtures: a console on the sandbox, driven through Pilot (helpers in tests/ui/helpers.py)."""

from __future__ import annotations

import pytest

from console.actions.audit import AUDIT_FILE, AuditLog
from console.config import state_dir
from console.services.backend import Backend
from console.ui.app import GhaecrApp
from console.ui.scenarios import console_for, stage, stage_audit
from tests.shared_sandbox import SharedSandbox, frozen_sandbox, lend
from tests.ui.helpers import FIXED_NOW, FROZEN


@pytest.fixture
def console_app(sandbox_factory):
    """``console_app(**settings_overrides)`` -> (app, sandbox); the sandbox runs at test speed.

    ``frozen=True``: fixed clock, paused runs and no timed polls (r and the tests still refresh), so a
    captured screen is the same however slow the machine is."""

    def make(*, frozen: bool = False, sandbox_kwargs: dict | None = None, **overrides):
        kwargs = dict(sandbox_kwargs or {})
        if frozen:
            kwargs.update(speed=FROZEN, now=FIXED_NOW)
        sb = sandbox_factory(**kwargs)
        if frozen:
            sb.pause()  # runs stay exactly where they are while the screen is captured
        settings = sb.settings(**overrides)
        backend = Backend.from_settings(settings)
        return GhaecrApp(backend, settings, now=sb.clock.now, polls=not frozen), sb

    yield make



@pytest.fixture
def read_only_console_app(read_only_sandbox):
    """``console_app(frozen=True)`` on the module's shared frozen sandbox, for a test that only reads
    (a write fails the test: tests/shared_sandbox.py). ``read_only_console_app(**settings_overrides)``
    -> (app, sandbox)."""
    sb = read_only_sandbox

    def make(**overrides):
        settings = sb.settings(**overrides)
        return GhaecrApp(Backend.from_settings(settings), settings, now=sb.clock.now, polls=False), sb

    return make


@pytest.fixture(scope="module")
def shared_scenario_sandbox():
    """The scenarios' world (console/ui/scenarios.py: frozen, staged mid-release), one per module."""
    shared = SharedSandbox(frozen_sandbox, stage=stage)
    yield shared
    shared.retire()


@pytest.fixture
def read_only_scenario_console(shared_scenario_sandbox, monkeypatch):
    """``read_only_scenario_console()`` -> a console in the scenarios' world (with their sample audit
    records in this test's state dir), on the module's shared sandbox: for scenarios, which only read."""
    with lend(shared_scenario_sandbox, monkeypatch) as sb:
        stage_audit(sb.settings())
        yield lambda: console_for(sb)


@pytest.fixture
def repositories_app(sandboxes_factory):
    """``repositories_app(repos=...)`` -> (app, sandboxes): the console over several sandbox
    repositories (one GitHub stand-in, one ECR), opening on the Repositories view."""
    from console.services.fleet import Fleet
    from console.ui.repositories import RepositoriesApp

    def make(repos=("acme/shop", "acme/cart", "acme/search"), **sandbox_kwargs):
        sbs = sandboxes_factory(list(repos), **sandbox_kwargs)
        return RepositoriesApp(Fleet.from_settings(sbs.settings(), Backend.from_settings)), sbs

    yield make


@pytest.fixture
def audit_log() -> AuditLog:
    """The test's private audit log (tests/conftest.py points GHAECR_CONSOLE_STATE_DIR at a temp dir)."""
    return AuditLog(state_dir() / AUDIT_FILE)
