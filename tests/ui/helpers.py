"""Pilot helpers for the UI tests."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

from rich.console import Console
from textual.worker import WorkerFailed

# A fixed instant for the sandbox's history and the console's clock: screens that show ages and
# timers render the same on every run.
FIXED_NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
FROZEN = 0.001  # simulated seconds per wall second: data that does not move during a test


async def loaded(pilot) -> None:
    """Wait until the refresh in flight has landed on screen (harlequin's wait_for_workers pattern)."""
    app = pilot.app
    for _ in range(200):
        await settle(pilot)
        if not app.data.refreshing and (app.snapshot is not None or app.data.stale_reason):
            return
    raise AssertionError("the console never finished a refresh")


async def settle(pilot) -> None:
    """Wait for the workers in flight (a failed one counts as finished: the app routes its error)."""
    try:
        await pilot.app.workers.wait_for_complete()
    except WorkerFailed:
        pass
    await pilot.pause()
    steady_cursors(pilot.app)


def steady_cursors(app) -> None:
    """Hold text cursors visible: they blink every 0.5 s, so a screen captured after a slow step
    (a loaded machine) would differ from one captured after a fast one — a snapshot flake seen in
    the prune plan's keep field."""
    for screen in app.screen_stack:
        for field in screen.query("Input, TextArea"):
            field.cursor_blink = False


async def refreshed(pilot) -> None:
    """Refresh now and wait for it to land."""
    pilot.app.refresh_now()
    await loaded(pilot)


def screen_text(app) -> str:
    """What the terminal shows, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def cells(table) -> list[list[str]]:
    """A DataTable's rows as plain strings."""
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def until(pilot, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; status: {status(pilot.app)!r}")
        await pilot.pause(0.05)
    await pilot.pause()  # let the layout settle before the next click


def status(app) -> str:
    screen = next((s for s in reversed(app.screen_stack) if hasattr(s, "status_text")), None)
    return screen.status_text if screen else ""


def reject_seeded_release(sb) -> None:
    """Answer the seeded v1.5.0 review: until answered it holds cd.yml's release group, so a new tag would queue."""
    sb.simulator.review(sb.run(sb.pending_run_id), ["production"], False, "not this one")
    sb.wait_run(sb.pending_run_id)
