"""Keys typed ahead: a view key and Enter that arrive together (one terminal read over a slow link, or
keys typed while a busy machine catches up) act on the view the first key opened, as typed slowly.

Found through the property tour (tests/properties): under load its "2 Enter" left the run detail
unopened, because the view switch focused its table a tick later and Enter went to the last view's."""

from __future__ import annotations

from textual import events

from console.ui.screens.main import MainScreen
from console.ui.screens.run_detail import RunDetailScreen
from tests.ui.helpers import loaded, settle


async def typed_at_once(pilot, *keys: tuple[str, str | None]) -> None:
    """Queue every key before the app handles the first, as a terminal read of several keys does."""
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)


async def test_a_view_key_and_enter_typed_at_once_open_the_new_views_row(read_only_console_app):
    app, sb = read_only_console_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        await pilot.press("3")  # the Images view (its Enter opens no screen)
        await settle(pilot)

        await typed_at_once(pilot, ("2", "2"), ("enter", "\r"))
        assert isinstance(app.screen, RunDetailScreen)
        runs = main.query_one("#view-runs")
        assert app.screen.run.id == runs.selected_run_id()

        await pilot.press("escape")
        await settle(pilot)
        await typed_at_once(pilot, ("3", "3"), ("enter", "\r"))  # from Runs: Enter is the Images view's now
        assert app.screen is main and main.active_name == "images"
        assert app.focused is main.query_one("#images-table")
