"""Pilot helpers for the UI tests."""

from __future__ import annotations

import io

from rich.console import Console

# The waits are the scenarios' (one implementation); tests import them from here.
from console.ui.pilot_waits import loaded, settle, status, steady_cursors, until
from console.ui.scenarios import FIXED_NOW
from console.ui.scenarios import FROZEN_SPEED as FROZEN

__all__ = ["FIXED_NOW", "FROZEN", "cells", "loaded", "refreshed", "reject_seeded_release", "screen_text", "settle",
           "status", "steady_cursors", "until"]


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


def reject_seeded_release(sb) -> None:
    """Answer the seeded v1.5.0 review: until answered it holds cd.yml's release group, so a new tag would queue."""
    sb.simulator.review(sb.run(sb.pending_run_id), ["production"], False, "not this one")
    sb.wait_run(sb.pending_run_id)
