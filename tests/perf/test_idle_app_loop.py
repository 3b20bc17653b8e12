"""Regression guard (issue 6, figure 4) at the app level: the console's own refresh loop, left alone
while a deployment waits for approval (so it polls fast), spends no GitHub rate limit and lists ECR
at most once per refresh interval; the approval watch between its polls (a conditional request every
few seconds) is all 304s too. The loop's timers and its monotonic clock are accelerated;
everything else (sandbox, services, Textual) is real. Counts only, no wall time."""

from __future__ import annotations

import math
import time

from bench.fast_clock import accelerated_refresh
from console.services.backend import Backend
from console.ui.app import GhaecrApp

SPEEDUP = 100.0
SIMULATED = 120.0  # seconds of idle console


async def test_an_idle_console_polling_fast_lists_ecr_once_per_interval_and_spends_no_rate_limit(sandbox):
    sandbox.wait_idle()
    sandbox.pause()
    settings = sandbox.settings()  # refresh_seconds: the default 30
    backend = Backend.from_settings(settings)
    app = GhaecrApp(backend, settings, now=sandbox.clock.now)
    try:
        with accelerated_refresh(SPEEDUP) as clock:
            async with app.run_test(size=(120, 40)) as pilot:
                deadline = time.monotonic() + 60
                while app.snapshot is None:
                    assert time.monotonic() < deadline
                    await pilot.pause(0.02)
                assert app.snapshot.approvals, "the seeded release should be waiting (the loop polls fast)"
                # The first load ends with the first snapshot of the complete listing: it reads each
                # image's attestations once (kept per digest). Idle starts after that.
                # ... and the approval watch's first look (a 200: no ETag yet) is behind it too.
                while not (app.snapshot.images_complete and app.snapshot.provenance and backend.snapshots >= 2
                           and app.approval_watch.looks >= 1):
                    assert time.monotonic() < deadline
                    await pilot.pause(0.02)
                mark = len(sandbox.state.requests)
                listings = backend.ecr.stats.by_operation.get("DescribeImages", 0)
                polls = backend.snapshots
                looks = app.approval_watch.looks
                start = clock.monotonic()
                while clock.monotonic() - start < SIMULATED:
                    assert time.monotonic() < deadline, "the refresh loop stalled"
                    await pilot.pause(0.02)
                while app.data.refreshing:
                    await pilot.pause(0.02)
                idle = sandbox.state.requests[mark:]
                listed = backend.ecr.stats.by_operation.get("DescribeImages", 0) - listings
                polled = backend.snapshots - polls
                watched = app.approval_watch.looks - looks
                triggered = app.approval_watch.triggered
    finally:
        await backend.aclose()

    assert min(clock.delays) < settings.refresh_seconds  # it did poll fast while the approval waited
    assert polled >= SIMULATED / settings.refresh_seconds * 2
    # Between polls the approval watch asked GitHub (every WATCH_SECONDS, skipped while a poll runs):
    # more often than an idle poll would, all 304s, and nothing changed, so it started no refresh.
    assert watched >= SIMULATED / settings.refresh_seconds
    assert sum(r.path.endswith("/actions/runs") for r in idle) >= watched
    assert triggered == 0
    assert [r for r in idle if r.counted] == []
    assert listed <= math.ceil((clock.monotonic() - start) / settings.refresh_seconds) + 1
