"""Regression guard (issue 6, figure 4): an idle console costs no GitHub rate limit and one ECR listing
per refresh. Counted by the GitHub stand-in (what the server saw; a 304 is not counted) and by
EcrService.stats — no wall time involved."""

from __future__ import annotations

from console.services.backend import Backend
from console.services.github import SETTLED_STATES

IDLE_REFRESHES = 4


def _listings(stats) -> int:
    return stats.by_operation.get("DescribeImages", 0) + stats.by_operation.get("ListImages", 0)


async def test_refreshing_unchanged_data_costs_no_rate_limit_and_one_ecr_listing_each(sandbox):
    sandbox.wait_idle()
    sandbox.pause()  # nothing may change while idle (simulated time stops too)
    backend = Backend.from_settings(sandbox.settings())
    try:
        first = await backend.snapshot()  # the load: these requests count, once
        assert first.runs and first.images
        mark = len(sandbox.state.requests)
        listings_before = _listings(backend.ecr.stats)

        for _ in range(IDLE_REFRESHES):
            again = await backend.snapshot()
            assert again.runs == first.runs and again.images == first.images  # nothing changed indeed

        idle = sandbox.state.requests[mark:]
        assert idle, "an idle refresh must still revalidate with GitHub"
        counted = [(r.method, r.path, r.status) for r in idle if r.counted]
        assert counted == [], f"idle refreshes spent rate limit on: {counted}"
        assert all(r.status == 304 for r in idle)
        assert _listings(backend.ecr.stats) - listings_before == IDLE_REFRESHES
    finally:
        await backend.aclose()


async def test_the_rate_limit_budget_shown_does_not_drop_while_idle(sandbox):
    sandbox.wait_idle()
    sandbox.pause()  # nothing may change while idle (simulated time stops too)
    backend = Backend.from_settings(sandbox.settings())
    try:
        await backend.snapshot()
        used = sandbox.state.ratelimit_used
        for _ in range(IDLE_REFRESHES):
            await backend.snapshot()
        assert sandbox.state.ratelimit_used == used
    finally:
        await backend.aclose()


async def test_an_idle_refresh_rereads_only_the_deployments_that_can_still_change(sandbox):
    sandbox.wait_idle()
    sandbox.pause()
    backend = Backend.from_settings(sandbox.settings())
    try:
        first = await backend.snapshot()
        open_ids = {d.id for d in first.deployments if d.state not in SETTLED_STATES}
        assert len(open_ids) < len(first.deployments), "the seed should hold finished (inactive/failed) deployments"
        mark = len(sandbox.state.requests)

        again = await backend.snapshot()

        reread = {int(r.path.split("/")[-2]) for r in sandbox.state.requests[mark:] if r.path.endswith("/statuses")}
        assert reread == open_ids
        assert again.deployments == first.deployments  # the settled ones still carry their statuses
    finally:
        await backend.aclose()
