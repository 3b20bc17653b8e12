"""Re-run and cancel from the TUI through Pilot on the sandbox (real HTTP): keys F / R / X in run
detail and the Runs view drive the same operations as the CLI, with the same confirmation."""

from __future__ import annotations

from textual.widgets import Input, Static

from console.ui.dialogs import ConfirmModal, RunControlScreen
from tests.actions.helpers import writes
from tests.ui.helpers import DIALOG_SIZE, click, loaded, screen_text, status, until

SIZE = DIALOG_SIZE


async def open_control(pilot, run_id: int, key: str) -> RunControlScreen:
    app = pilot.app
    await loaded(pilot)
    app.open_run(run_id)
    await pilot.pause()
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, RunControlScreen) and app.screen.operation is not None)
    return app.screen


async def test_rerun_failed_jobs_from_run_detail_runs_attempt_two(console_app, audit_log):
    app, sb = console_app()
    run = next(r for r in sb.runs_for(sb.push_main("Flaky", ci_fails=True)) if r.workflow == "ci.yml")
    sb.wait_run(run.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_control(pilot, run.id, "F")
        assert "Tests" in screen_text(app)  # the failed job is named before anything is sent
        await click(pilot, "#execute")
        assert isinstance(app.screen, ConfirmModal) and app.screen.require is None
        await click(pilot, "#confirm")
        await until(pilot, lambda: "attempt 2 ended success" in status(app) and not screen.running)
    assert (sb.run(run.id).run_attempt, sb.run(run.id).conclusion) == (2, "success")
    assert [(r.action, r.outcome) for r in audit_log.read_all().records] == [("rerun", "intent"), ("rerun", "succeeded")]


async def test_cancelling_the_production_release_needs_the_typed_word(console_app, audit_log):
    app, sb = console_app()
    run_id = sb.pending_run_id
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_control(pilot, run_id, "X")
        await click(pilot, "#execute")
        modal = app.screen
        assert isinstance(modal, ConfirmModal) and modal.require == "production"
        assert app.focused is modal.query_one("#cancel")  # Cancel is the default
        field = modal.query_one("#confirm-input", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"yes", "enter")  # not the word: nothing happens
        await pilot.pause()
        assert app.screen is modal and "does not match" in str(modal.query_one("#confirm-hint", Static).render())
        assert writes(sb) == []
        field.value = ""
        await pilot.press(*"production", "enter")
        await until(pilot, lambda: "ended cancelled" in status(app) and not screen.running)
    assert (sb.run(run_id).status, sb.run(run_id).conclusion) == ("completed", "cancelled")
    assert [(r.action, r.outcome) for r in audit_log.read_all().records] == [("cancel", "intent"), ("cancel", "succeeded")]


async def test_rerun_of_a_run_still_going_is_refused_on_screen(console_app):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_control(pilot, sb.pending_run_id, "R")
        assert "still waiting" in status(app)
        assert screen.query_one("#execute").disabled
    assert writes(sb) == []
