"""The action dialogs are modals over the console: a box sized to its content with the console dimmed
behind it; the console's poll waits while one is open and runs once an action has finished."""

from __future__ import annotations

import pytest
from textual.screen import ModalScreen

from tests.actions.helpers import ecr_tags
from tests.ui.helpers import loaded, screen_text, status, until
from tests.ui.test_actions_screens import click, confirm_typing, open_rollback


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")  # the action follows its run quickly


def production(app, target: str) -> str | None:
    return next(s.digest for s in app.snapshot.states if s.environment == "production" and s.target == target)


async def test_a_dialog_is_a_box_over_the_console_and_the_lists_are_fresh_after_its_action(console_app):
    app, sb = console_app()
    before = ecr_tags(sb)
    async with app.run_test(size=(132, 36)) as pilot:
        screen = await open_rollback(pilot, "runtime")
        box = screen.query_one("#dialog")
        assert isinstance(screen, ModalScreen) and app.modal_open
        assert box.region.width < 132 and box.region.height < 35  # sized to the plan, not the terminal
        assert "1 Overview" in screen_text(app)  # the console shows behind it
        polls = app.backend.snapshots
        app._due()  # the poll timer fires while the dialog is open: it waits
        await pilot.pause()
        assert app.data.paused and app.backend.snapshots == polls

        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: "Rolled back" in status(app) and not screen.running)
        # The action's end refreshed the console behind the dialog (the dialog is still open).
        await until(pilot, lambda: app.backend.snapshots > polls and not app.data.refreshing)
        assert app.screen is screen
        await loaded(pilot)
        assert production(app, "runtime") == before["previous-runtime"]
