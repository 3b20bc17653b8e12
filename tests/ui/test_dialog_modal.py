"""The action dialogs are modals over the console: a box sized to its content with the console dimmed
behind it; the console's poll waits while one is open and runs once an action has finished; once done,
the result (runs named as GitHub names them, progress stamped) and Close only."""

from __future__ import annotations

import re

import pytest
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RichLog

from console.ui.dialogs import ApproveScreen
from console.ui.format import run_label
from tests.actions.helpers import ecr_tags
from tests.ui.helpers import click, confirm_typing, loaded, open_rollback, screen_text, shown_buttons, status, until


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


async def test_when_done_the_dialog_names_runs_as_github_does_stamps_its_progress_and_offers_close_only(console_app):
    app, sb = console_app()
    async with app.run_test(size=(132, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApproveScreen) and app.screen.preview is not None)
        screen = app.screen
        label = run_label(app.find_run(sb.pending_run_id))  # "CD #38"
        assert f"Review deployment of {label}" in screen_text(app)
        screen.query_one("#comment", Input).value = "ship it"
        await click(pilot, "#approve")
        assert label in str(app.screen.query_one("#confirm-title", Label).render())  # the question names it too
        await confirm_typing(pilot, "production")
        await until(pilot, lambda: "Approved" in status(app) and not screen.running, timeout=30)

        assert shown_buttons(screen) == ["close"] and not screen.query_one("#comment").display
        assert app.focused is screen.query_one("#close")
        lines = [strip.text for strip in screen.query_one("#progress", RichLog).lines]
        stamped = r"\d\d:\d\d:\d\d +\+ *\S+ +\S+ |\s{20}"  # time, elapsed, stage; a long line wraps under itself
        assert lines and all(re.match(stamped, line) for line in lines), lines
        shown = "\n".join(lines) + status(app)
        assert label in shown and str(sb.pending_run_id) not in shown.replace(f"approve {sb.pending_run_id}", "")
        await pilot.press("escape")
        assert app.screen is app._main()
