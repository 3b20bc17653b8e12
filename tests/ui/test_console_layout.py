"""Shapes the sandbox cannot cheaply make: tiny terminals, an empty repository, 10,000 images,
remapped keys, read-only mode, a modal over the refresh loop. Hand-built Snapshots (tests/ui/fakes.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual.widgets import DataTable

from console.errors import NetworkError
from console.ui.app import GhaecrApp
from console.ui.screens.help import HelpScreen
from console.ui.screens.too_small import TooSmallScreen
from console.ui.widgets.virtual_table import VirtualTable
from tests.ui import fakes
from tests.ui.helpers import loaded, screen_text, settle


def make(snapshot=None, **settings) -> GhaecrApp:
    backend = fakes.FakeBackend(snapshot or fakes.snapshot())
    return GhaecrApp(backend, fakes.settings(**settings), now=fakes.NOW)


async def images_table(pilot) -> VirtualTable:
    """Once the console has loaded, the images view's table."""
    await loaded(pilot)
    await pilot.press("3")
    return pilot.app.screen.query_one("#images-table", VirtualTable)


async def test_a_terminal_smaller_than_80x24_says_so_and_recovers_when_enlarged():
    app = make()
    async with app.run_test(size=(70, 20)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "needs 80×24" in screen_text(app) and "70×20" in screen_text(app)
        await pilot.resize_terminal(40, 10)  # the message itself fits, every line whole
        await pilot.pause()
        text = screen_text(app)
        for line in ("ghaecr-console needs 80×24;", "this terminal is 40×10.", "Enlarge it or reduce the font size.",
                     "q quits."):
            assert line in text, (line, text)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        assert "PENDING APPROVAL" in screen_text(app)


async def test_an_empty_back_end_says_what_to_do():
    app = make(fakes.snapshot(empty=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "Push a commit to main" in text.replace("\n", " ") or "Push a commit" in text
        assert "GHAECR_REPO" in text.replace("\n", " ")
        await pilot.press("3")
        assert "No images in ECR repository 'shop'" in screen_text(app).replace("\n│ ", " ")


async def test_a_first_load_failure_explains_itself():
    app = make()
    app.backend.fail_with = NetworkError("GitHub could not be reached at http://github.test; check the network.")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        text = screen_text(app).replace("\n", " ")
        assert "Could not load anything yet" in text and "could not be reached" in text


async def test_the_images_table_paints_only_visible_rows_on_10000_images():
    """Regression guard for key-to-repaint latency (issue 6): painting cost follows the viewport."""
    app = make(fakes.snapshot(image_count=5000))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await images_table(pilot)
        table.focus()
        await pilot.pause()
        assert table.row_count == 10_000
        height = table.size.height
        table.lines_rendered = 0
        for _ in range(5):
            await pilot.press("down")
        await pilot.press("pagedown")
        await pilot.pause()
        assert 0 < table.lines_rendered <= 7 * height
        table.lines_rendered = 0
        await pilot.press("slash", *"v1.")
        await pilot.pause()
        # Four keys, about one viewport each (five since the registry's list keys: a filter typed
        # after paging down repaints once more); bounded by the viewport, never by the 10,000 rows.
        assert 0 < table.row_count < 10_000 and table.lines_rendered <= 5 * height


async def test_help_lists_every_key_after_remapping():
    app = make(keys={"refresh": "f5", "approve": "ctrl+a", "refersh": "f6"})
    async with app.run_test(size=(120, 60)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for expected in ("f5", "ctrl+a", "Refresh now", "Approve or reject", "Roll back", "Prune", "audit log",
                         "Command palette", "Open the selected", "Copy the selected", "Quit"):
            assert expected in text, expected
        await pilot.press("escape")
        await loaded(pilot)
        before = app.backend.calls
        await pilot.press("f5")
        await loaded(pilot)
        assert app.backend.calls > before  # the remapped key refreshes (a timed poll may add one under load)
        assert any("Unknown key binding id(s) in the config file: refersh" in n.message for n in app._notifications)


async def test_read_only_mode_explains_disabled_write_keys():
    app = make(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key in ("a", "b", "P"):
            app.data = replace(app.data, hint=None)
            await pilot.press(key)
            assert "Read-only mode" in app.data.hint, key  # on the status line, above the footer
            assert app.screen is app._main()  # and no dialog opened
        assert "READ-ONLY" in screen_text(app)


async def test_refresh_waits_while_a_modal_is_open_and_never_overlaps():
    app = make()
    gate = asyncio.Event()
    served = app.backend.snapshot

    async def slow_snapshot(**kwargs):
        await gate.wait()
        return await served(**kwargs)

    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.backend.snapshot = slow_snapshot
        await pilot.press("question_mark")
        app._due()  # the timer fires while help is open
        await pilot.pause()
        assert app.data.paused and not app.data.refreshing and app.backend.calls == 1
        await pilot.press("escape")
        app._due()
        app.refresh_now()  # a second request while one is in flight is dropped
        await pilot.pause()
        assert app.data.refreshing and len(app.workers) == 1
        gate.set()
        await loaded(pilot)
        assert app.backend.calls == 2


async def test_number_keys_switch_views_and_enter_opens_a_run():
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        for key, marker in (("2", "Runs (4)"), ("3", "Images (8)"), ("4", "Deployment history"),
                            ("5", "Pending approvals"), ("1", "PENDING APPROVAL")):
            await pilot.press(key)
            assert marker in screen_text(app), key
        await pilot.press("2", "down", "enter")
        await loaded(pilot)
        assert "CI #41" in screen_text(app) and app.selected_run_id == 1041


async def test_the_command_palette_offers_the_consoles_own_commands():
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("colon", *"Go to Images")
        await settle(pilot)  # the palette searches in a worker of its own
        await pilot.press("enter")
        await pilot.pause()
        assert app._main().active_name == "images"


async def test_open_and_copy_use_the_selected_row():
    app = make()
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)
    app.browser_available = lambda: True  # no real browser may open from a test
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "down", "o")
        assert opened == ["http://github.test/acme/shop/actions/runs/1041"]
        assert app.data.hint == f"Opening {opened[0]}"
        await pilot.press("3", "down", "c", "o")
        image = app.screen.query_one("#images-table", VirtualTable).cursor_row
        assert copied == [image.key] and image.key.startswith("sha256:")
        assert opened[-1].startswith("http://github.test/acme/shop/commit/")


async def test_open_without_a_browser_says_so_and_shows_the_url():
    app = make()
    app.browser_available = lambda: False  # what webbrowser.get() says on a headless machine
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "down", "o")
        assert app.data.hint == ("No web browser found here (set $BROWSER, or c copies it): "
                                 "http://github.test/acme/shop/actions/runs/1041")
        assert "No web browser found here" in screen_text(app)


async def test_the_theme_comes_from_the_settings_and_a_wrong_one_is_explained():
    app = make(theme="nord")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.theme == "nord"
    app = make(theme="no-such-theme")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert any("Unknown theme 'no-such-theme'" in n.message for n in app._notifications)


async def test_escape_leaves_the_filter_and_keeps_it_applied():
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"failure", "escape")
        table = app.screen.query_one("#runs-table", DataTable)
        assert table.has_focus and table.row_count == 1


async def test_narrowing_and_widening_a_filter_gives_the_same_rows_as_a_fresh_search():
    app = make(fakes.snapshot(image_count=60))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await images_table(pilot)
        every = [r for r in table.visible_rows if not r.header]

        def fresh(query: str) -> list[str]:
            terms = query.lower().split()
            return [r.key for r in every if all(t in r.search for t in terms)]

        await pilot.press("slash")
        typed = ""
        for key in [*"v1.1", "backspace", "backspace", *" runtime", "backspace", "backspace"]:
            await pilot.press(key)
            typed = typed[:-1] if key == "backspace" else typed + key
            shown = [r.key for r in table.visible_rows if not r.header]
            assert shown == fresh(typed) and table.row_count == len(shown), typed
