"""Snapshot tests of the main screens at 80x24 and a large size (pytest-textual-snapshot).

The sandbox runs frozen (fixed seed, history anchored at FIXED_NOW, simulated time barely moving) and
the console's clock is the sandbox's, so every age, timer and status renders the same on each run.
Update after an intended change: ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from console.ui.app import GhaecrApp
from console.ui.widgets.log_view import LogView
from tests.ui import fakes
from tests.ui.helpers import loaded, settle, until

SMALL = (80, 24)
LARGE = (132, 36)


async def open_failed_run_log(pilot) -> None:
    await loaded(pilot)
    await pilot.press("2", "slash", *"status:failure workflow:ci", "enter", "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    # The log arrives by message and scrolls to the failed step after a refresh: wait for what the
    # screen shows, not for time (under load the capture came before the scroll).
    await until(pilot, lambda: log_at_failed_step(pilot.app), timeout=60)
    await settle(pilot)


def log_at_failed_step(app) -> bool:
    logs = app.screen.query(LogView)
    if not logs:
        return False
    log = logs.first()
    if not log.lines or log.marked is None:
        return False
    return round(log.scroll_y) == min(max(log.marked - 1, 0), round(log.max_scroll_y))


def view(*keys: str):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "large"])
@pytest.mark.parametrize("name, run_before", [
    ("overview", view()),
    ("runs", view("2")),
    ("images", view("3")),
    ("environments", view("4")),
    ("approvals", view("5")),
    ("run_detail_log", open_failed_run_log),
])
def test_main_screens(console_app, snap_compare, name, run_before, size):
    app, _ = console_app(frozen=True)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_images_filtered(console_app, snap_compare):
    app, _ = console_app(frozen=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=view("3", "slash", *"runtime v1."))


def test_empty_repository(snap_compare):
    app = GhaecrApp(fakes.FakeBackend(fakes.snapshot(empty=True)), fakes.settings(), now=fakes.NOW)
    assert snap_compare(app, terminal_size=SMALL, run_before=view())


def test_terminal_too_small(snap_compare):
    app = GhaecrApp(fakes.FakeBackend(), fakes.settings(), now=fakes.NOW)
    assert snap_compare(app, terminal_size=(70, 20), run_before=view())
