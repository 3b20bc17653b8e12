"""Figure 9 (issue 12): time to notice — from GitHub creating a pending approval to the console showing
it, while nobody touches the console (default settings: an idle poll every 30 s, the approval watch
every 2 s between polls).

The app runs under Pilot in this process on real time (no accelerated clock), against the sandbox's
stand-in, whose simulator runs tagged releases at speed 1. Each sample: after a random pause (so the
release lands at any phase of the watch and the poll), a tag is pushed; its CD run goes through its
first jobs and waits for production review. The clock starts when the stand-in's run turns
``waiting`` (the moment GitHub creates the pending deployment; observed every 5 ms) and stops when
the app's snapshot holds that approval (the same handler draws it). The release is then rejected
and the next sample starts once the console shows nothing waiting and nothing running.
"""

from __future__ import annotations

import asyncio
import random
import time

from bench.environment import BenchEnv
from bench.figures_idle import github_counts
from bench.report import Row, median, percentile, seconds

SAMPLES, QUICK_SAMPLES = 10, 4
TARGET_P95 = 5.0
RUN_TIMEOUT = 180.0  # a release reaching its gate, a rejected one ending (simulated time runs at speed 1)


async def _wait(condition, timeout: float, what: str, step: float = 0.005) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def _shown(app, run_id: int) -> bool:
    return bool(app.snapshot and any(run.id == run_id for run, _ in app.snapshot.approvals))


def _quiet(app) -> bool:
    snapshot = app.snapshot
    return bool(snapshot and not snapshot.approvals and not any(run.is_active for run in snapshot.runs))


async def _reject(sb, run_id: int) -> None:
    sb.simulator.review(sb.run(run_id), ["production"], False, "bench: next sample")
    await sb.await_run(run_id, "completed", timeout=RUN_TIMEOUT)


async def notice_samples(benv: BenchEnv, count: int) -> dict:
    from console.services.backend import Backend
    from console.ui.app import GhaecrApp

    sb = benv.sandbox
    settings = benv.settings()  # refresh_seconds: the default 30
    backend = Backend.from_settings(settings)
    app = GhaecrApp(backend, settings)
    rng = random.Random(12)
    latencies: list[float] = []
    by_watch = 0
    requests = sb.state.requests
    mark = len(requests)
    try:
        async with app.run_test(size=(120, 40)):
            await _wait(lambda: app.snapshot is not None, 120, "the first load")
            if sb.run(sb.pending_run_id).status == "waiting":
                await _reject(sb, sb.pending_run_id)  # it holds the release group: new tags would queue
            for index in range(count):
                await _wait(lambda: _quiet(app), RUN_TIMEOUT, "an idle console")
                await asyncio.sleep(rng.uniform(0.0, 2.0))
                triggered = app.approval_watch.triggered
                run_id = sb.push_tag(f"v1.9.{index}")
                await _wait(lambda r=run_id: sb.run(r).status == "waiting", RUN_TIMEOUT, "the release's gate")
                started = time.monotonic()
                await _wait(lambda r=run_id: _shown(app, r), 60, "the approval on screen")
                latencies.append(time.monotonic() - started)
                by_watch += app.approval_watch.triggered > triggered
                await _reject(sb, run_id)
            counted, not_modified, routes = github_counts(list(requests[mark:]))
            looks = app.approval_watch.looks
    finally:
        await backend.aclose()
    return {"latencies": latencies, "by_watch": by_watch, "looks": looks, "counted": counted,
            "not_modified": not_modified, "routes": dict(routes)}


async def figure_notice(benv: BenchEnv, quick: bool) -> tuple[list[Row], dict]:
    resume = getattr(benv.sandbox, "resume", None)
    if callable(resume):
        resume()  # figure 4 paused the pipeline: releases must run here
    data = await notice_samples(benv, QUICK_SAMPLES if quick else SAMPLES)
    values = data["latencies"]
    p95 = percentile(values, 95)
    row = Row(
        f"9. time to notice a new pending approval, idle console ({benv.scale})",
        f"p95 {seconds(p95)}, p50 {seconds(median(values))}",
        "idle poll alone: up to 30 s", None, f"p95 <= {TARGET_P95:g} s", p95 <= TARGET_P95,
        f"{len(values)} releases (range {seconds(min(values))}–{seconds(max(values))}); {data['by_watch']} of them "
        f"noticed through the approval watch (the others by a regular poll); watch looks {data['looks']}; GitHub requests counted "
        f"while the releases ran: {data['counted']} (new runs and jobs are new data), 304s {data['not_modified']}; "
        "the idle cost with the watch is figure 4",
    )
    return [row], data
