"""The console against the sandbox over real HTTP, driven like an operator would."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from console.ui.widgets.log_view import LogView
from console.ui.widgets.virtual_table import VirtualTable
from tests.ui.helpers import cells, loaded, refreshed, reject_seeded_release, screen_text, until


async def test_overview_lists_environments_targets_and_the_pending_approval(console_app):
    app, sb = console_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        targets = cells(app.screen.query_one("#targets", DataTable))
        assert [row[0] for row in targets] == list(sb.targets)
        # Production runs a release for every target; staging runs something too.
        assert all(row[2] != "nothing deployed" and row[1] != "nothing deployed" for row in targets)
        pending = app.screen.query_one("#pending", DataTable)
        assert pending.display and pending.row_count == 1
        run = sb.run(sb.pending_run_id)
        row = cells(pending)[0]
        assert f"#{run.run_number}" in row[0] and row[1] == "production" and "can approve" in row[4]
        text = screen_text(app)
        assert "PENDING APPROVAL (1)" in text and "Latest runs" in text
        for workflow in ("CI", "CD", "Security"):
            assert f"\n│ {workflow}" in text


async def test_a_failed_run_opens_on_its_failed_job_and_its_log_at_the_failed_step(console_app):
    app, sb = console_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"status:failure workflow:ci", "enter")
        runs = app.screen.query_one("#runs-table", DataTable)
        assert runs.row_count >= 1 and all("failure" in row[0] for row in cells(runs))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        jobs = app.screen.query_one("#jobs", DataTable)
        job = app.screen.selected_job()
        assert job is not None and job.conclusion == "failure"  # the cursor starts on the failed job
        steps = cells(app.screen.query_one("#steps", DataTable))
        assert any("failure" in row[2] for row in steps) and jobs.row_count >= 1
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        log = app.screen.query_one("#log", LogView)
        assert log.lines and log.marked is not None
        assert job.failed_step.name in log.lines[log.marked]
        assert "##[error]" in "\n".join(log.lines[log.marked:])
        assert f"failed step '{job.failed_step.name}'" in str(log.border_title)
        await pilot.press("slash", *"exit code", "enter")
        assert log.matches and log.lines[log.matches[log.match_index]].lower().count("exit code")
        await pilot.press("escape", "escape")
        assert app.screen.query_one("#runs-table", DataTable)  # back on the runs view


async def test_typing_a_filter_narrows_the_images(console_app):
    app, sb = console_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("3")
        table = app.screen.query_one("#images-table", VirtualTable)
        everything = table.row_count
        await pilot.press("slash", *"v1.3.0")
        assert app.screen.query_one("#images-filter", Input).has_focus
        assert 0 < table.row_count < everything
        assert all("v1.3.0" in row.search for row in table.visible_rows if not row.header)
        assert f"{table.row_count:,} of {everything:,}" in str(table.border_title)
        await pilot.press(*" runtime")
        assert table.row_count == 1 and {r.group for r in table.visible_rows} == {"runtime"}
        await pilot.press("enter", "c")  # back to the table; copy the digest under the cursor
        digest = table.cursor_row.key
        assert digest.startswith("sha256:") and digest in app.data.hint


async def test_a_failing_back_end_marks_the_data_stale_and_recovers_by_itself(console_app):
    app, sb = console_app(refresh_seconds=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        sb.faults.unauthorized = True
        await refreshed(pilot)
        reason = app.data.stale_reason
        assert reason and "token" in reason.lower()
        text = screen_text(app)
        assert "STALE" in text and reason.split(";")[0][:40] in text.replace("\n ", " ")
        assert app.screen.query_one("#targets", DataTable).row_count == len(sb.targets)  # last data kept
        sb.faults.unauthorized = False
        for _ in range(100):  # the loop retries on its own timer (no key pressed)
            await pilot.pause(0.05)
            if app.data.stale_reason is None and not app.data.refreshing:
                break
        assert app.data.stale_reason is None
        assert "● live" in screen_text(app)


async def test_a_new_pending_approval_notifies_and_rings(console_app):
    app, sb = console_app()
    rings = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert not rings  # what was already waiting at start is on screen, not news
        reject_seeded_release(sb)  # until answered, it holds cd.yml's release group: v1.6.0 would queue
        run_id = sb.push_tag("v1.6.0")
        await sb.await_run(run_id, "waiting")
        await refreshed(pilot)
        run = sb.run(run_id)
        news = [n for n in app._notifications if "waits for approval" in n.message]
        assert len(news) == 1 and f"#{run.run_number}" in news[0].message and "v1.6.0" in news[0].message
        assert rings == [1]
        assert app.screen.query_one("#pending", DataTable).row_count == 1
        await refreshed(pilot)
        assert rings == [1]  # the same approval does not ring twice


async def test_no_bell_when_the_settings_say_so(console_app):
    app, sb = console_app(bell=False)
    rings = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        reject_seeded_release(sb)
        run_id = sb.push_tag("v1.6.0")
        await sb.await_run(run_id, "waiting")
        await refreshed(pilot)
        assert any("waits for approval" in n.message for n in app._notifications) and not rings


async def test_a_on_the_overview_reviews_the_pending_deployment(console_app):
    app, sb = console_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.selected_run_id == sb.pending_run_id
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "ApproveScreen"
        assert str(sb.pending_run_id) in screen_text(app)


async def test_a_waiting_approval_polls_github_fast_but_lists_ecr_once_per_interval(console_app):
    """Regression guard (issue 6, figure 4) for the console's own loop: no wall time involved."""
    # An interval no loaded machine outlasts: the four polls below are inside one interval however slow
    # they are (with 30 s, a slow run crossed into the next interval and rightly listed ECR once more).
    app, sb = console_app(refresh_seconds=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        sb.wait_idle()
        sb.pause()  # only the approval is left waiting: the loop stays fast
        await refreshed(pilot)
        # The approval watch's first look is a 200 (no ETag yet), the one request of it that counts.
        await until(pilot, lambda: app.approval_watch.looks >= 1)
        assert not any(r.is_active and not r.is_waiting for r in app.snapshot.runs) and app.snapshot.approvals
        listings = app.backend.ecr.stats.total
        counted = sb.state.ratelimit_used
        for _ in range(4):  # four fast polls (the timer firing), inside one refresh interval
            app._due()
            await loaded(pilot)
        assert app.backend.ecr.stats.total == listings
        assert sb.state.ratelimit_used == counted  # GitHub answered 304s: no rate limit spent
        assert app.data.stale_reason is None and len(app.snapshot.images) > 0
        await refreshed(pilot)  # r: a full refresh lists ECR again
        assert app.backend.ecr.stats.total > listings

