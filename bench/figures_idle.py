"""Figure 4: idle cost over 5 simulated minutes with nothing changing.

Two drivers, both against the sandbox's GitHub stand-in and moto:
  a) the app's own refresh loop (GhaecrApp under Pilot) with its delays divided by SPEEDUP, so
     5 simulated minutes take seconds; the loop chooses its interval (the default 30 s, or its
     faster poll while a run is active or an approval waits) exactly as it would for a user;
  b) ``Backend.snapshot()`` called N = 300 s / refresh_seconds times (the default interval).
GitHub requests are counted by the stand-in (what the server saw; a 304 does not count against the
rate limit) and ECR calls by ``EcrService.stats``.
"""

from __future__ import annotations

import time
from collections import Counter

from bench.environment import BenchEnv
from bench.fast_clock import accelerated_refresh
from bench.report import Row

IDLE_SECONDS = 300.0
SPEEDUP = 30.0
LISTING_OPS = ("DescribeImages", "ListImages")


def _status(record) -> int:
    if isinstance(record, (tuple, list)):
        return int(record[2])
    return int(getattr(record, "status", 0))


def _path(record) -> str:
    return str(record[1] if isinstance(record, (tuple, list)) else getattr(record, "path", "?"))


def _counted(record) -> bool:
    return bool(getattr(record, "counted", _status(record) != 304))


def github_counts(records: list) -> tuple[int, int, Counter]:
    """(counted against the rate limit, not counted (304s), counted per route)."""
    counted = [r for r in records if _counted(r)]
    routes = Counter(_path(r).split("?")[0] for r in counted)
    return len(counted), len(records) - len(counted), routes


def _listings(by_operation: dict[str, int]) -> int:
    return sum(by_operation.get(op, 0) for op in LISTING_OPS)


async def backend_loop(benv: BenchEnv) -> dict:
    from console.services.backend import Backend

    settings = benv.settings()
    backend = Backend.from_settings(settings)
    try:
        await backend.snapshot()  # the load: not idle yet
        requests = benv.sandbox.state.requests
        mark, ecr_before = len(requests), dict(backend.ecr.stats.by_operation)
        n = round(IDLE_SECONDS / settings.refresh_seconds)
        for _ in range(n):
            await backend.snapshot()
        counted, not_modified, routes = github_counts(list(requests[mark:]))
        ecr_after = backend.ecr.stats.by_operation
        ecr = {op: ecr_after.get(op, 0) - ecr_before.get(op, 0) for op in ecr_after}
    finally:
        await backend.aclose()
    return {"refreshes": n, "interval": settings.refresh_seconds, "counted": counted, "not_modified": not_modified,
            "routes": dict(routes), "ecr": ecr, "listings": _listings(ecr), "simulated": IDLE_SECONDS}


def _loaded(app, backend) -> bool:
    snapshot = app.snapshot
    return bool(snapshot and snapshot.images_complete and snapshot.provenance and backend.snapshots >= 2
                and app.approval_watch.looks)


async def app_loop(benv: BenchEnv, simulated: float) -> dict:
    from console.services.backend import Backend
    from console.ui.app import GhaecrApp

    settings = benv.settings()
    backend = Backend.from_settings(settings)
    app = GhaecrApp(backend, settings)
    requests = benv.sandbox.state.requests
    try:
        with accelerated_refresh(SPEEDUP) as clock:
            async with app.run_test(size=(120, 40)) as pilot:
                deadline = time.monotonic() + 240
                # Idle starts after the first load is complete (the second snapshot reads each image's
                # attestations once, kept per digest) and the approval watch's first look (a 200: no
                # ETag yet), as in tests/perf/test_idle_app_loop.py.
                while not _loaded(app, backend) and time.monotonic() < deadline:
                    await pilot.pause(0.01)
                loaded, looks = backend.snapshots, app.approval_watch.looks
                mark, ecr_before = len(requests), dict(backend.ecr.stats.by_operation)
                simulated_start = clock.monotonic()
                while clock.monotonic() - simulated_start < simulated and time.monotonic() < deadline:
                    await pilot.pause(0.02)
                # Let the poll that was due at the 5-minute mark finish, then stop counting.
                while app.data.refreshing and time.monotonic() < deadline:
                    await pilot.pause(0.01)
                refreshes = backend.snapshots - loaded
                looks = app.approval_watch.looks - looks
                counted, not_modified, routes = github_counts(list(requests[mark:]))
                ecr_after = backend.ecr.stats.by_operation
                ecr = {op: ecr_after.get(op, 0) - ecr_before.get(op, 0) for op in ecr_after}
                intervals = sorted(set(clock.delays))
                elapsed = clock.monotonic() - simulated_start
    finally:
        await backend.aclose()
    return {"refreshes": refreshes, "intervals": intervals, "simulated": elapsed, "counted": counted, "looks": looks,
            "not_modified": not_modified,
            "routes": dict(routes), "ecr": ecr, "listings": _listings(ecr)}


async def figure_idle(benv: BenchEnv, quick: bool) -> tuple[list[Row], dict]:
    pause = getattr(benv.sandbox, "pause", None)
    if callable(pause):
        pause()  # nothing may change while idle: stop the pipeline simulator
    # A large refresh takes seconds of real time whatever the clock says: one simulated minute of the
    # app loop there (per-minute figures are what the targets name), the full 5 minutes elsewhere.
    app = await app_loop(benv, 60.0 if quick or benv.scale == "large" else IDLE_SECONDS)
    direct = await backend_loop(benv)
    rows = []
    for name, data in (("app refresh loop", app), (f"backend.snapshot() x{direct['refreshes']}", direct)):
        minutes = data["simulated"] / 60
        per_minute = data["counted"] / minutes
        per_refresh = data["listings"] / max(data["refreshes"], 1)
        per_default = data["listings"] / (data["simulated"] / 30.0)
        interval = data.get("intervals") or [data.get("interval")]
        rows.append(Row(
            f"4. idle {minutes:.0f} min, {name} ({benv.scale})",
            f"{per_minute:.1f} counted GitHub req/min; {per_refresh:.2f} ECR listings/refresh",
            f"{data['refreshes']} refreshes, interval {', '.join(f'{i:g}s' for i in interval)}", None,
            "0 req/min; <= 1 listing/refresh",
            per_minute == 0 and per_refresh <= 1,
            f"{data['not_modified']} GitHub 304s ({data['not_modified'] / max(data['refreshes'], 1):.0f}/refresh); "
            f"ECR calls {sum(data['ecr'].values())}; {per_default:.1f} ECR listings per 30 s default interval"
            + (f"; approval watch between polls: {data['looks']} looks" if "looks" in data else "")
            + (f"; counted routes: {data['routes']}" if data["routes"] else ""),
        ))
    return rows, {"app": app, "backend": direct}
