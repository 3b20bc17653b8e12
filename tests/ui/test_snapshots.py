"""Snapshot tests (pytest-textual-snapshot) of every scenario in console/ui/scenarios.py: the same
list the README's screenshots are rendered from, so a screen in the README is a screen under test.

The scenarios' world is frozen (fixed seed, history anchored at FIXED_NOW, the pipeline paused, the
console's clock the sandbox's), so every age, timer and status renders the same on each run; the
scenarios only read, so they share one sandbox per module. Three screens need no sandbox: an empty
repository, a terminal too small and a first load that failed, with doctor's findings (the fakes).
Update after an intended change: ``pytest tests/ui/test_snapshots.py --snapshot-update``, then look
at the SVGs (and run ``python -m console.ui.screenshots`` when a README scenario changed).
"""

from __future__ import annotations

import pytest

from console.errors import AuthError
from console.model.checks import FAIL, OK, WARN, Check
from console.ui.app import GhaecrApp
from console.ui.scenarios import SCENARIOS, SMALL, Scenario
from tests.ui import fakes
from tests.ui.helpers import loaded, settle


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(read_only_scenario_console, snap_compare, scenario: Scenario):
    assert snap_compare(read_only_scenario_console(), terminal_size=scenario.size, run_before=scenario.play)


async def first_refresh(pilot) -> None:
    await loaded(pilot)
    await settle(pilot)


def test_empty_repository(snap_compare):
    app = GhaecrApp(fakes.FakeBackend(fakes.snapshot(empty=True)), fakes.settings(), now=fakes.NOW)
    assert snap_compare(app, terminal_size=SMALL, run_before=first_refresh)


def test_terminal_too_small(snap_compare):
    app = GhaecrApp(fakes.FakeBackend(), fakes.settings(), now=fakes.NOW)
    assert snap_compare(app, terminal_size=(70, 20), run_before=first_refresh)


def test_nothing_loads_with_doctors_findings(snap_compare):
    backend = fakes.FakeBackend(fail_with=AuthError("GitHub rejected the token; run `gh auth login` or set GH_TOKEN."),
                                checks=[Check("github", "GitHub token", FAIL, "GitHub rejected the token", "run `gh auth login`"),
                                        Check("aws", "AWS identity", OK, "account 123456789012"),
                                        Check("ecr", "ECR tag mutability of shop", WARN, "MUTABLE", "set IMMUTABLE_WITH_EXCLUSION")])
    app = GhaecrApp(backend, fakes.settings(), now=fakes.NOW, polls=False)
    assert snap_compare(app, terminal_size=SMALL, run_before=first_refresh)
