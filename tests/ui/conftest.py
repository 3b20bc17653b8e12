"""UI fixtures: a console on the sandbox, driven through Pilot (helpers in tests/ui/helpers.py)."""

from __future__ import annotations

import pytest

from console.services.backend import Backend
from console.ui.app import GhaecrApp
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

