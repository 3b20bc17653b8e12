"""How many examples a property test draws: a share of the loaded hypothesis profile's count
(``ci`` by default, ``deep`` with HYPOTHESIS_PROFILE=deep; both are registered in tests/conftest.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def examples(fraction: float) -> int:
    """``fraction`` of the profile's max_examples, at least 2."""
    return max(2, round(settings.default.max_examples * fraction))


def with_fixtures(**overrides) -> settings:
    """Settings for a test that also takes pytest fixtures (a server it resets itself per example)."""
    return settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], **overrides)
