"""The action registry (console/ui/keys.py) against the running console: every documented key, in every
place it applies, does something a user can see or says why not; the README's table is the registry."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from console.ui.app import GhaecrApp
from console.ui.dialogs import ConfirmModal, RollbackScreen
from console.ui.keys import DIALOG, LISTS, REGISTRY, RUN, VIEWS, readme_table
from console.ui.screens.main import MainScreen
from console.ui.screens.run_detail import RunDetailScreen
from console.ui.widgets.log_view import LogView
from console.ui.widgets.virtual_table import VirtualTable
from tests.ui import fakes
from tests.ui.helpers import loaded, open_rollback, screen_text, settle, until

SIZE = (132, 36)
README = Path(__file__).resolve().parents[2] / "README.md"
# Moving up needs room above the cursor, moving down room below it.
UPWARD = {"list.up", "list.page_up", "list.top"}


def test_the_readme_key_table_is_the_registry():
    text = README.read_text()
    table = re.search(r"<!-- keys:[^\n]*-->\n(.*?)\n<!-- /keys -->", text, re.S)
    assert table is not None, "README.md lost its generated key table markers"
    assert table.group(1) == readme_table(), "README key table differs: run `python -m console.ui.keys`"
    for key in REGISTRY:
        assert f"`{key.id}`" in table.group(1)


def failed_ci_run(app):
    """A run with jobs, a log and a failed step."""
    return next(r for r in app.snapshot.runs if r.conclusion == "failure" and r.workflow == "ci.yml")


# --- the walk ----------------------------------------------------------------------------------


def focused_list(app):
    focused = app.focused
    return focused if isinstance(focused, (DataTable, VirtualTable, LogView)) else None


def cursor_of(widget) -> object:
    if isinstance(widget, DataTable):
        return widget.cursor_coordinate
    if isinstance(widget, VirtualTable):
        return widget.cursor
    if isinstance(widget, LogView):
        return round(widget.scroll_y)
    return None


def observe(app) -> tuple:
    """What a user could notice after a key: screen, view, focus, cursor, status line, a poll, the picture."""
    main = app._main()
    focused = app.focused
    return (app.screen, len(app.screen_stack), main.active_name if main else None, focused,
            cursor_of(focused), app.data.hint, app._refresh_worker, getattr(app.screen, "status_text", None),
            plan_identity(app.screen), screen_text(app))


def plan_identity(screen) -> tuple:
    """A dialog's plan by identity: a re-plan builds a new one even when nothing in ECR changed."""
    plan = getattr(screen, "plan", None)
    return (id(plan), plan) if plan is not None else ()


# Keys whose effect does not depend on the place they are pressed in (a view switch, help, the palette,
# a refresh, the audit log, the prune plan; a list's movement on the same list class) are seen doing
# something once per screen kind and list class; in every other place the walk checks that a press
# would reach that same binding, enabled (nothing there shadows or disables it): a third fewer presses.
_APP_WIDE = ("view.overview", "view.runs", "view.images", "view.environments", "view.approvals",
             "view.repositories", "help", "palette", "refresh", "audit", "prune")
_LIST_MOVES = ("list.up", "list.down", "list.page_up", "list.page_down", "list.top", "list.bottom")
PRESSED_IN: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_APP_WIDE, (VIEWS[0], RUN, DIALOG)),
    **dict.fromkeys(_LIST_MOVES, ("runs", "images", RUN)),  # RowTable, VirtualTable, run detail
}


def applies(key, place: str) -> bool:
    if place in key.where:
        return key.id != f"view.{place}"  # a view's own key there is "stay here", like k9s
    return LISTS in key.where and place != DIALOG


async def go_to(pilot, place: str, run_id: int) -> None:
    """Back to ``place`` with nothing else open and the status line clear."""
    app = pilot.app
    while len(app.screen_stack) > 2 or not isinstance(app.screen, (MainScreen, RunDetailScreen, RollbackScreen)):
        app.pop_screen()
        await pilot.pause()
    if place in VIEWS:
        if not isinstance(app.screen, MainScreen):
            app.pop_screen()
        app.action_view(place)
    elif place == RUN and not isinstance(app.screen, RunDetailScreen):
        app.open_run(run_id)
    elif place == DIALOG and not isinstance(app.screen, RollbackScreen):
        app.rollback_target("runtime")
        await until(pilot, lambda: isinstance(app.screen, RollbackScreen) and app.screen.plan is not None)
    await settle(pilot)
    await until(pilot, lambda: not app.polling and not app.data.refreshing)  # r starts a poll only then
    app.data = replace(app.data, hint=None)


async def press_and_see(pilot, place: str, key, name: str) -> bool:
    app = pilot.app
    if key.id.startswith("list.") and key.action:
        # A list with room to move (Tab would get there), the cursor at the end it moves away from.
        roomy = [w for w in app.screen.query("DataTable, VirtualTable") if w.display and w.row_count >= 2]
        if not roomy:
            return False
        roomy[0].focus()
        await pilot.pause()
        await pilot.press("end" if key.id in UPWARD else "home")
        await pilot.pause()
    before = observe(app)
    await pilot.press(name)
    await pilot.pause()
    await pilot.pause()
    if key.id == "quit":
        assert app.return_code is not None, f"q did not quit in {place}"
        return True
    after = observe(app)
    assert after != before, f"{name} ({key.id}) did nothing visible in {place} and did not say why"
    return True


async def reaches_its_binding(pilot, place: str, key, name: str) -> bool:
    """A press of ``name`` here would run ``key``'s binding (by id), enabled; a list key on a list with rows."""
    app = pilot.app
    if key.id.startswith("list."):
        roomy = [w for w in app.screen.query("DataTable, VirtualTable") if w.display and w.row_count >= 2]
        if not roomy:
            return False
        roomy[0].focus()
        await pilot.pause()
    active = app.screen.active_bindings.get(name)
    assert active is not None and active.binding.id == key.id, \
        f"{name} ({key.id}) in {place} reaches {active.binding.id if active else 'nothing'}"
    assert active.enabled, f"{name} ({key.id}) is disabled in {place}"
    return True


@pytest.mark.slow
@pytest.mark.parametrize("place", [*VIEWS, RUN, DIALOG])
async def test_every_documented_key_does_something_or_says_why(read_only_console_app, place):
    app, sb = read_only_console_app()
    app.browser_available = lambda: False  # o then says so (no browser may open from a test)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        failed_ci = failed_ci_run(app)
        keys = [k for k in REGISTRY if applies(k, place)]
        keys.sort(key=lambda k: k.id == "quit")  # quit last
        walked = []
        pressed = True  # a press may have left the place (a screen, a view, a filter): go back first
        for key in keys:
            for name in key.keys.split(","):
                see = press_and_see if place in PRESSED_IN.get(key.id, (place,)) else reaches_its_binding
                if pressed:
                    await go_to(pilot, place, failed_ci.id)
                pressed = see is press_and_see
                if await see(pilot, place, key, name):
                    walked.append(name)
        # Approvals holds one row in the seeded sandbox: its j/k are in the test below (two approvals).
        assert len(walked) >= len(keys) - (6 if place == "approvals" else 0)


# --- the items of issue 11, one by one ---------------------------------------------------------


@pytest.mark.parametrize("key", ["ctrl+p", "colon"])
async def test_ctrl_p_and_colon_open_the_palette(read_only_console_app, key):
    app, _ = read_only_console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_j_and_k_move_in_every_view(console_app):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # Approvals holds the seeded sandbox's one waiting run: nowhere to move there (its list is the
        # same RowTable with the same bindings as the others).
        for view in [v for v in VIEWS if v != "approvals"]:
            app.action_view(view)
            await settle(pilot)
            widget = focused_list(app)
            assert widget is not None, view
            if widget.row_count < 2:  # the overview's one approval: Tab to the next list, as a person would
                await pilot.press("tab")
                widget = focused_list(app)
            start = cursor_of(widget)
            await pilot.press("j")
            assert cursor_of(widget) != start, f"j did not move in {view}"
            await pilot.press("k")
            assert cursor_of(widget) == start, f"k did not move back in {view}"
        # And what b acts on follows the cursor: runtime after j on the overview's targets.
        app.action_view("environments")
        await pilot.press("g", "j")
        assert app.selected_target == "runtime"


async def test_j_and_k_move_in_the_approvals_list():
    """Two deployments waiting (the sandbox's seed has one; a second tag would queue behind it): j
    moves to the second, k back, and a acts on the row the cursor is on."""
    base = fakes.snapshot()
    first_run, first = base.approvals[0]
    second_run = fakes.run(1043, "cd.yml", "waiting", None, "v1.6.1", 5, "Release v1.6.1")
    second = replace(first, run_id=second_run.id)
    snapshot = replace(base, runs=(second_run, *base.runs), approvals=((first_run, first), (second_run, second)))
    app = GhaecrApp(fakes.FakeBackend(snapshot), fakes.settings(), now=fakes.NOW)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.action_view("approvals")
        await settle(pilot)
        widget = focused_list(app)
        assert widget is not None and widget.row_count == 2
        start = cursor_of(widget)
        await pilot.press("j")
        assert cursor_of(widget) != start and app.selected_run_id == second_run.id
        await pilot.press("k")
        assert cursor_of(widget) == start and app.selected_run_id == first_run.id


async def test_enter_leaves_the_log_search_so_n_goes_to_the_next_match(read_only_console_app):
    app, sb = read_only_console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        failed_ci = failed_ci_run(app)
        app.open_run(failed_ci.id)
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        log = app.screen.query_one("#log", LogView)
        await pilot.press("slash", *"run")
        total = len(log.matches)
        assert total >= 3 and log.border_subtitle == f"{total} matches"
        await pilot.press("enter")
        first = log.match_index  # the first match from where the log is (it opened at the failed step)
        assert log.has_focus and log.border_subtitle == f"{first + 1}/{total}"
        await pilot.press("n")
        assert app.screen.query_one("#log-search", Input).value == "run"  # n did not go into the query
        second = (first + 1) % total
        assert log.border_subtitle == f"{second + 1}/{total}" and "run" in log.lines[log.matches[second]].lower()
        await pilot.press("N")
        assert log.border_subtitle == f"{first + 1}/{total}"
        assert not any(line.startswith("##[endgroup]") for line in log.lines)  # hidden like GitHub does


async def test_a_on_a_run_that_is_not_waiting_says_why_and_opens_nothing(read_only_console_app):
    app, _ = read_only_console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2", "j", "a")  # the second run: CD #37, a success
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.data.hint.startswith("a approves a waiting deployment; CD #37 is not waiting (success).")
        assert "CD #37 is not waiting" in screen_text(app)


async def test_q_while_a_rollback_runs_asks_first_and_says_the_run_goes_on(console_app):
    app, sb = console_app(sandbox_kwargs={"gate_dispatch": True})  # the dispatched run waits: still running
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, "runtime")
        screen.query_one("#execute").press()
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press(*"runtime", "enter")
        await until(pilot, lambda: screen.running)
        screen.query_one("#reason").blur()
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert app.return_code is None and "goes on on GitHub" in screen_text(app)
        await pilot.press("enter")  # Cancel has the focus: the console stays
        await pilot.pause()
        assert app.return_code is None and app.screen is screen and screen.running
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        app.screen.query_one("#confirm").press()
        await until(pilot, lambda: app.return_code is not None)


async def test_tab_in_the_rollback_dialog_goes_target_version_reason_with_no_hidden_stop(read_only_console_app):
    app, _ = read_only_console_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, "runtime")
        screen.query_one("#target").focus()
        await pilot.pause()
        order = [app.focused.id]
        for _ in range(3):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["target", "version", "reason", "execute"]
        await pilot.press("shift+tab", *"rr")  # typing r in the reason types r, it does not re-plan
        assert screen.query_one("#reason", Input).value == "rr" and screen.plan is not None
        texts = [str(o[0]) for o in screen.query_one("#target")._options]
        assert "loading…" not in texts and texts[:2] == ["minimal", "runtime"]
