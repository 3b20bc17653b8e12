"""Waiting on a console driven by Textual's Pilot: on what the app and its screen show, never on time.

Used by the scenarios (console/ui/scenarios.py: the README's screenshots and the snapshot tests) and by
the UI tests (through tests/ui/helpers.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from console.ui.dialogs.base import ActionScreen
from console.ui.typed import console_of


async def settle(pilot: Pilot) -> None:
    """Wait for the workers in flight (a failed one counts as finished: the app routes its error; so does
    a cancelled one: the Overview cancels its setup checks once data loads)."""
    try:
        await pilot.app.workers.wait_for_complete()
    except (WorkerFailed, WorkerCancelled):
        pass
    await pilot.pause()
    steady_cursors(pilot.app)


async def loaded(pilot: Pilot) -> None:
    """Wait until the refresh in flight has landed on screen (harlequin's wait_for_workers pattern)."""
    app = console_of(pilot.app)
    for _ in range(200):
        await settle(pilot)
        if not app.data.refreshing and (app.snapshot is not None or app.data.stale_reason):
            return
    raise AssertionError("the console never finished a refresh")


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Poll ``condition`` between frames until it holds; AssertionError (with the status line) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; status: {status(pilot.app)!r}")
        await pilot.pause(0.05)
    await pilot.pause()  # let the layout settle before the next click


def steady_cursors(app: App[object]) -> None:
    """Hold text cursors visible: they blink every 0.5 s, so a screen captured after a slow step
    (a loaded machine) would differ from one captured after a fast one — a snapshot flake seen in
    the prune plan's keep field."""
    for screen in app.screen_stack:
        fields: list[Input | TextArea] = [*screen.query(Input), *screen.query(TextArea)]
        for field in fields:
            field.cursor_blink = False


def status(app: App[object]) -> str:
    """The status line of the topmost screen that has one."""
    screen = next((s for s in reversed(app.screen_stack) if isinstance(s, ActionScreen)), None)
    return screen.status_text if screen else ""
