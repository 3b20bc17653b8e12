"""How many examples a property test draws: a share of the loaded hypothesis profile's count
(``ci`` by default, ``deep`` with HYPOTHESIS_PROFILE=deep; both are registered in tests/conftest.py)."""

from __future__ import annotations

from hypothesis import settings


def examples(fraction: float) -> int:
    """``fraction`` of the profile's max_examples, at least 2."""
    return max(2, round(settings.default.max_examples * fraction))
