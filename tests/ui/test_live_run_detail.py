"""Run detail follows a run that is still going, on a real sandbox run (not frozen): jobs and steps
change in place, the cursor stays on the job on screen, and that job's log loads by itself when it
finishes (GitHub serves no log of a running job; the panel says so meanwhile)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from console.ui.screens.run_detail import RunDetailScreen
from console.ui.widgets.log_view import LogView
from tests.ui.helpers import cells, loaded, refreshed, until

SECURITY = "Security scan (secrets, dependencies)"  # CI's shortest first-stage job


def _job_running(sb, run_id: int, name: str) -> bool:
    with sb.state.lock:
        return any(j.name == name and j.status == "in_progress" for j in sb.run(run_id).jobs)


def _done_steps(screen) -> int:
    return sum("success" in row[2] for row in cells(screen.query_one("#steps", DataTable)))


@pytest.mark.slow
async def test_a_running_ci_run_updates_in_place_and_loads_the_finished_jobs_log_by_itself(console_app, monkeypatch):
    monkeypatch.setattr(RunDetailScreen, "POLL_SECONDS", 0.2)  # the screen's own timer, only sooner
    app, sb = console_app(sandbox_kwargs={"speed": 20})  # a CI run takes ~10 s of wall time
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        sha = sb.push_main("Live change")
        run_id = sb.runs_for(sha)[0].id
        await until(pilot, lambda: _job_running(sb, run_id, SECURITY))
        sb.pause()  # the run stands still while the screen opens on it
        await refreshed(pilot)
        app.open_run(run_id)
        screen = app.screen
        assert isinstance(screen, RunDetailScreen)
        await until(pilot, lambda: SECURITY in [j.name for j in screen.jobs.values()])
        jobs = screen.query_one("#jobs", DataTable)
        first_jobs = jobs.row_count
        while screen.selected_job().name != SECURITY:
            await pilot.press("j")  # moving the highlight; nothing asks for a log
        await pilot.pause()

        # Running: the step in progress, its time counted from its start, the summary's status, and
        # where the log will be, why it is not there yet and what to do.
        steps = cells(screen.query_one("#steps", DataTable))
        running = [row for row in steps if "in progress" in row[2]]
        assert len(running) == 1 and running[0][3] != "-"
        assert "in progress" in str(screen.query_one("#run-summary", Static).render())
        log = screen.query_one("#log", LogView)
        assert "appears when the job finishes" in str(log.border_title)
        assert "o opens it on github.com" in str(log.border_title)
        assert not any(line.startswith("Job: ") for line in log.lines)
        done_before = _done_steps(screen)

        sb.resume()
        await until(pilot, lambda: _done_steps(screen) > done_before)  # steps progress on their own
        # The job ends: its log loads without a key press, the cursor and the focus stay on the jobs.
        await until(pilot, lambda: any(line.startswith(f"Job: {SECURITY}") for line in log.lines))
        assert "lines" in str(log.border_title) and "appears when" not in str(log.border_title)
        assert screen.selected_job().name == SECURITY and jobs.has_focus
        assert all("success" in row[2] or "skipped" in row[2] for row in cells(screen.query_one("#steps", DataTable)))

        # Later stages add jobs in place; when the run ends the summary says so and polling stops.
        await until(pilot, lambda: screen.run.status == "completed", timeout=60)
        await pilot.pause()
        assert jobs.row_count > first_jobs
        assert screen.selected_job().name == SECURITY
        assert "success" in str(screen.query_one("#run-summary", Static).render())
        assert screen._timer is None
