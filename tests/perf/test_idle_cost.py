"""Regression guard (issue 6, figure 4): an idle console costs no GitHub rate limit and one ECR listing
per refresh. Counted by the GitHub stand-in (what the server saw; a 304 is not counted) and by
EcrService.stats — no wall time involved."""

from __future__ import annotations

import pytest

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


# --- several repositories (issue 13): the cost is per repository, and it is still nothing ----------


def _counted_since(member, mark: int) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in member.state.requests[mark:] if r.counted]


async def test_rereading_several_idle_repositories_costs_no_rate_limit_in_any(sandboxes_factory):
    from console.services.fleet import Fleet

    sbs = sandboxes_factory()  # three repositories on one GitHub stand-in
    for member in sbs.members:
        member.wait_idle()
    sbs.pause()
    fleet = Fleet.from_settings(sbs.settings(), Backend.from_settings)
    try:
        await fleet.read_all()  # the first read counts, once per repository
        assert all(m.summary is not None and m.stale is None for m in fleet.members)
        marks = {m.repo: len(m.state.requests) for m in sbs.members}
        for _ in range(IDLE_REFRESHES):
            await fleet.read_all()
        for member in sbs.members:
            idle = member.state.requests[marks[member.repo]:]
            assert idle, f"{member.repo}: an idle read must still revalidate with GitHub"
            assert _counted_since(member, marks[member.repo]) == [], f"{member.repo} spent rate limit while idle"
    finally:
        await fleet.aclose()


@pytest.mark.slow
async def test_an_idle_repositories_console_costs_no_rate_limit_per_repository(sandboxes_factory):
    """The app over three repositories, re-reading every second (refresh_seconds = 1), first on the
    Repositories view, then inside one repository (its own poll and approval watch, the fleet for the
    others): after the first reads, no request any repository's stand-in counts."""
    import time

    from console.services.fleet import Fleet
    from console.ui.repositories import RepositoriesApp

    sbs = sandboxes_factory()
    for member in sbs.members:
        member.wait_idle()
    sbs.pause()
    fleet = Fleet.from_settings(sbs.settings(refresh_seconds=1), Backend.from_settings)
    app = RepositoriesApp(fleet)

    async def wait_for(condition, what: str) -> None:
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            await pilot.pause(0.05)

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(lambda: all(m.summary for m in fleet.members), "every repository's first read")
            marks = {m.repo: len(m.state.requests) for m in sbs.members}
            rounds = fleet.rounds
            await wait_for(lambda: fleet.rounds >= rounds + 3, "three idle rounds")
            for member in sbs.members:
                assert member.state.requests[marks[member.repo]:], f"{member.repo} was not re-read"
                assert _counted_since(member, marks[member.repo]) == [], f"{member.repo} spent rate limit"
            entered_at = fleet.member("acme/cart").backend.snapshots
            app.enter_repository("acme/cart")  # its full data: deployments and attestations, read once
            # As at a single repository's start: the first polls read each image's attestations once.
            await wait_for(lambda: app.snapshot is not None and app.snapshot.images_complete and app.snapshot.provenance
                           and app.backend.snapshots >= entered_at + 2 and app.approval_watch.looks >= 1,
                           "acme/cart's full reads and the approval watch's first look")
            marks = {m.repo: len(m.state.requests) for m in sbs.members}
            rounds, polls = fleet.rounds, app.backend.snapshots
            await wait_for(lambda: fleet.rounds >= rounds + 3 and app.backend.snapshots >= polls + 3,
                           "three idle rounds and polls")
            for member in sbs.members:
                assert _counted_since(member, marks[member.repo]) == [], f"{member.repo} spent rate limit"
    finally:
        await fleet.aclose()
