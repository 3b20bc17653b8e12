"""No data crashes a screen: a run id served twice is shown once, an exception inside a view becomes
that view's error panel (the console keeps running), and only a fatal error ends the console — with
status 1, one line naming the crash report, and no token anywhere."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual.widgets import DataTable

from console.cli import tui_exit_code
from console.config import state_dir
from console.ui.app import GhaecrApp
from tests.ui import fakes
from tests.ui.helpers import loaded, screen_text, until

TOKEN = "ghp_" + "T0kenThatMustNeverBeShown" + "x" * 11


def reports() -> list:
    return sorted(state_dir().glob("crash-*.txt")) if state_dir().exists() else []


def assert_report_is_clean(path) -> str:
    text = path.read_text()
    assert "Traceback (most recent call last)" in text and "textual " in text and "python: " in text
    assert TOKEN not in text and "T0kenThatMustNeverBeShown" not in text
    return text


async def test_a_run_id_served_twice_is_listed_once_and_the_console_keeps_running(console_app):
    app, sb = console_app()
    sb.faults.repeat_items = 2  # every list page repeats its first two items, as offset pagination can
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#runs-table", DataTable)
        shown = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert len(shown) == len(set(shown)) == len({r.id for r in app.snapshot.runs}) > 0
        await pilot.press("enter")  # the run's jobs repeat too
        await until(pilot, lambda: app.screen.query_one("#jobs", DataTable).row_count > 0)
        jobs = app.screen.query_one("#jobs", DataTable)
        assert jobs.row_count == len(app.screen.jobs)
        assert not app.query(".view-error") and app.is_running and reports() == []


async def test_an_exception_inside_a_view_shows_its_error_panel_and_the_console_lives_on():
    snapshot = fakes.snapshot()
    broken = replace(snapshot, runs=snapshot.runs + snapshot.runs[1:2])  # bypasses the back end's de-dup
    app = GhaecrApp(fakes.FakeBackend(broken), fakes.settings(token=TOKEN), now=fakes.NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        runs = app.screen.query_one("#view-runs")
        assert runs.query(".view-error"), screen_text(app)
        text = screen_text(app)
        assert "This view failed: DuplicateKey" in text and "crash report: " in text and "press r to retry" in text
        [report] = reports()
        assert "the Runs view" in assert_report_is_clean(report)

        await pilot.press("slash", "f", "i", "x")  # a handler of the view raises again: still its panel
        await pilot.pause()
        assert app.is_running and runs.query(".view-error")
        await pilot.press("escape", "1")  # the other views are unaffected
        await pilot.pause()
        assert "PENDING APPROVAL" in screen_text(app) and not app.screen.query_one("#view-overview").query(
            ".view-error")
        assert app.is_running and TOKEN not in screen_text(app)


async def test_a_fatal_error_exits_non_zero_and_names_the_crash_report(monkeypatch, capsys):
    broken = False
    notify = GhaecrApp._notify_new_approvals

    def bug(self, snapshot):  # stands in for a bug in the app itself (nothing real fails here on purpose)
        if broken:
            raise RuntimeError(f"approval bookkeeping broke near {TOKEN}")
        notify(self, snapshot)

    monkeypatch.setattr(GhaecrApp, "_notify_new_approvals", bug)
    app = GhaecrApp(fakes.FakeBackend(), fakes.settings(token=TOKEN), now=fakes.NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        broken = True
        await pilot.press("r")  # the next snapshot meets the bug
        for _ in range(400):  # no pilot.pause(): it waits for a screen that has gone
            if app.fatal is not None and not app.is_running:
                break
            await asyncio.sleep(0.05)
    assert app.fatal is not None and not app.is_running
    assert tui_exit_code(app) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    [report] = reports()
    assert "unexpected error (RuntimeError: approval bookkeeping broke near [redacted])" in line
    assert f"crash report: {report}" in line and TOKEN not in line
    assert "approval bookkeeping broke" in assert_report_is_clean(report)
