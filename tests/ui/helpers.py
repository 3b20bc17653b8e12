"""Pilot helpers for the UI tests."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Button, Input

from console.ui.dialogs import ConfirmModal, PruneScreen, RollbackScreen

# The waits are the scenarios' (one implementation); tests import them from here.
from console.ui.pilot_waits import loaded, settle, status, steady_cursors, until
from console.ui.scenarios import FIXED_NOW
from console.ui.scenarios import FROZEN_SPEED as FROZEN

__all__ = [
    "DIALOG_SIZE",
    "FIXED_NOW",
    "FROZEN",
    "cells",
    "click",
    "confirm_typing",
    "loaded",
    "open_prune",
    "open_rollback",
    "refreshed",
    "reject_seeded_release",
    "screen_text",
    "settle",
    "status",
    "steady_cursors",
    "until",
]

DIALOG_SIZE = (160, 50)  # the action dialogs' tests: room for every column


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


# --- the action dialogs ---------------------------------------------------------------------------


async def click(pilot, selector: str) -> None:
    await pilot.pause()  # the layout must be current, or the click lands where the button was
    # A Button ignores clicks during its 0.2 s press animation (a person never clicks that fast).
    await until(pilot, lambda: not pilot.app.screen.query_one(selector).has_class("-active"))
    assert await pilot.click(selector), f"{selector} is not on screen"
    await pilot.pause()  # a pushed modal appears on the next tick


async def confirm_typing(pilot, text: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, ConfirmModal), (modal, status(pilot.app), getattr(modal, "running", None), pilot.app.screen_stack)
    assert pilot.app.focused is modal.query_one("#cancel", Button)  # Cancel is the default
    field = modal.query_one("#confirm-input", Input)
    field.focus()
    await pilot.pause()  # focus moves on the next tick
    await pilot.press(*text)
    assert field.value == text
    await pilot.press("enter")
    await pilot.pause()


def shown_buttons(screen) -> list[str]:
    return [b.id for b in screen.query(".buttons Button") if b.display]


async def open_rollback(pilot, target: str | None) -> RollbackScreen:
    """Once the console has loaded, the rollback screen for ``target`` with its plan on screen."""
    await loaded(pilot)
    pilot.app.rollback_target(target)
    await until(pilot, lambda: isinstance(pilot.app.screen, RollbackScreen) and pilot.app.screen.plan is not None)
    return pilot.app.screen


async def open_prune(pilot) -> PruneScreen:
    """Press P and wait for the prune plan."""
    app = pilot.app
    await pilot.press("P")
    await until(pilot, lambda: isinstance(app.screen, PruneScreen) and app.screen.plan is not None)
    return app.screen
