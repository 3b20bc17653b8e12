"""Rollback context in the console (Pilot on the sandbox): the rollback preview lists what it un-ships,
the Overview says which target is rolled back until the next release, and the approve preview names
the rolled-back targets a release moves forward again."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from console.actions import rollback as rollback_action
from console.actions.context import ActionContext
from console.services.backend import Backend
from console.ui.dialogs import ApproveScreen
from tests.actions.helpers import ecr_tags
from tests.ui.helpers import DIALOG_SIZE, click, confirm_typing, loaded, open_rollback, refreshed, screen_text, status, until

SIZE = DIALOG_SIZE


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")


def approve_on_github(sb, run_id: int) -> None:
    """Another reviewer approves on GitHub (the pending-deployments API of the stand-in)."""
    sb.simulator.review(sb.run(run_id), ["production"], True, "ship it")
    sb.wait_run(run_id)


def banner(app) -> str:
    widget = app.screen.query_one("#rolled-back", Static)
    return str(widget.render()) if widget.display else ""


async def test_the_rollback_preview_lists_the_unshipped_commits_and_the_compare_link(console_app):
    app, sb = console_app()
    state = sb.state
    first, last = state.commit_index(state.tags["v1.3.0"]), state.commit_index(state.tags["v1.4.0"])
    unshipped = state.commits[first + 1: last + 1]
    async with app.run_test(size=SIZE) as pilot:
        await open_rollback(pilot, "runtime")
        text = screen_text(app)
    assert f"un-ships (runtime): {len(unshipped)} commits v1.3.0...v1.4.0" in text
    for commit in unshipped:
        assert f"{commit.sha[:7]} {commit.message}" in text
    assert f"github.com/{sb.repo}/compare/v1.3.0...v1.4.0" in text


@pytest.mark.slow
async def test_rolled_back_banner_from_the_rollback_until_the_next_release(console_app):
    app, sb = console_app()
    approve_on_github(sb, sb.pending_run_id)  # production runs v1.5.0
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert banner(app) == ""
        screen = await open_rollback(pilot, "runtime")
        screen.query_one("#reason", Input).value = "5xx after v1.5.0"
        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: "Rolled back" in status(app) and not screen.running)
        await pilot.press("escape")
        await until(pilot, lambda: "runtime" in banner(app))
        line = banner(app)
        assert line.startswith("↩ runtime rolled back from v1.5.0 at ") and line.endswith(f"by {sb.user}: 5xx after v1.5.0")
        assert "minimal" not in line  # that target was not rolled back

        sb.push_main("Fix the 5xx")
        sb.wait_idle()
        release = sb.push_tag("v1.6.0")
        await sb.await_run(release, "waiting")
        await refreshed(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApproveScreen) and app.screen.preview is not None)
        text = screen_text(app)
        assert "moves runtime forward again: rolled back from v1.5.0" in text
        assert "moves minimal forward again" not in text
        app.screen.query_one("#comment", Input).value = "5xx fixed in v1.6.0"
        await click(pilot, "#approve")
        await confirm_typing(pilot, "production")
        await until(pilot, lambda: "Approved" in status(app), timeout=30)
        await pilot.press("escape")
        await until(pilot, lambda: banner(app) == "")
    assert ecr_tags(sb)["latest-runtime"] == ecr_tags(sb)["v1.6.0-runtime"]


async def test_a_direct_rollback_shows_from_this_machines_audit_log(console_app):
    """Break-glass leaves no deployment on GitHub; the audit log of this machine names it."""
    app, sb = console_app()
    settings = sb.settings()
    ctx = ActionContext.from_backend(Backend.from_settings(settings), settings)
    plan, _ = await rollback_action.plan(ctx, ["minimal"])
    await rollback_action.execute(ctx, plan, direct=True, reason="GitHub Actions is down")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: "minimal" in banner(app))
        line = banner(app)
    assert line.startswith("↩ minimal rolled back directly from v1.4.0 at ") and line.endswith(": GitHub Actions is down")
    assert "runtime" not in line
