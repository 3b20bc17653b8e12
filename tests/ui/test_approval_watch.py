"""Time to notice: a new pending approval reaches the screen between two polls of an idle console,
through the approval watch (a conditional request every few seconds), not the next refresh."""

from __future__ import annotations

from textual.widgets import DataTable

from console.ui.approval_watch import changed
from tests.ui.helpers import loaded, refreshed, reject_seeded_release, until


def test_the_watch_refreshes_when_the_waiting_runs_change():
    assert changed(frozenset({2}), None, frozenset({1}))  # first look: a run the screen does not show
    assert not changed(frozenset({1}), None, frozenset({1}))
    assert changed(frozenset({1, 2}), frozenset({1}), frozenset({1}))  # one more waits
    assert changed(frozenset(), frozenset({1}), frozenset({1}))  # approved or rejected elsewhere
    assert not changed(frozenset({1}), frozenset({1}), frozenset())  # seen already: not again


async def test_a_new_pending_approval_appears_long_before_the_next_poll(console_app):
    app, sb = console_app(refresh_seconds=3600)  # the idle poll would come in an hour
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        reject_seeded_release(sb)
        await refreshed(pilot)
        assert not app.snapshot.approvals and not any(r.is_active for r in app.snapshot.runs)
        polls = app.backend.snapshots
        run_id = sb.push_tag("v1.6.0")
        await sb.await_run(run_id, "waiting")

        def shown() -> bool:
            return bool(app.snapshot and any(run.id == run_id for run, _ in app.snapshot.approvals))

        await until(pilot, shown)
        assert app.approval_watch.triggered >= 1 and app.backend.snapshots > polls
        assert app.screen.query_one("#pending", DataTable).row_count == 1
        assert any("waits for approval" in n.message for n in app._notifications)
        # Once noticed, the watch goes back to free 304s: no rate limit spent while nothing changes.
        sb.pause()
        await refreshed(pilot)
        seen = app.approval_watch.looks
        # The watch's first look from here still sees what moved since its last one (the release's
        # notify job ends after the run starts waiting, and moves the run's updated_at): that answer
        # is a counted 200 on a loaded machine. From that look on nothing changes.
        await until(pilot, lambda: app.approval_watch.looks > seen)
        looks, counted = app.approval_watch.looks, sb.state.ratelimit_used
        await until(pilot, lambda: app.approval_watch.looks >= looks + 2)
        assert sb.state.ratelimit_used == counted
