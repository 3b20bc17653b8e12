"""Backend.from_settings on the full sandbox (GitHub stand-in + moto + simulator) over loopback."""

from __future__ import annotations

from console.model.environments import deployment_targets
from console.model.images import tag_digest
from console.model.serialize import status_json
from console.services.backend import Backend


async def test_snapshot_of_the_seeded_sandbox(sandbox):
    sandbox.wait_idle()
    backend = Backend.from_settings(sandbox.settings())  # ECR endpoint from AWS_ENDPOINT_URL_ECR
    try:
        snap = await backend.snapshot()
    finally:
        await backend.aclose()

    assert snap.errors == ()
    assert snap.targets == ("minimal", "runtime")
    assert {r.workflow for r in snap.runs} == {"ci.yml", "cd.yml", "security.yml"}
    assert snap.approvals and all(run.is_waiting for run, _ in snap.approvals)
    for env in ("staging", "production"):
        for target in snap.targets:
            assert snap.state(env, target).digest, (env, target)


async def test_idle_refresh_costs_nothing_counted_and_one_listing(sandbox):
    sandbox.wait_idle()
    backend = Backend.from_settings(sandbox.settings())
    try:
        await backend.snapshot()
        counted, listings = sandbox.state.counted_requests(), backend.ecr.stats.by_operation["DescribeImages"]
        for _ in range(5):
            await backend.snapshot()
        assert sandbox.state.counted_requests() == counted
        assert backend.ecr.stats.by_operation["DescribeImages"] - listings == 5
        assert set(backend.ecr.stats.by_operation) == {"DescribeImages"}
    finally:
        await backend.aclose()


async def test_the_cheap_first_load_has_the_full_overview_and_completes_later(sandbox):
    sandbox.wait_idle()
    backend = Backend.from_settings(sandbox.settings(targets=None))  # targets discovered from the tags
    try:
        full = await backend.snapshot()
        cheap = await backend.snapshot(pointers_only=True)
        completed = await backend.with_all_images(cheap)
    finally:
        await backend.aclose()

    assert not cheap.images_complete and len(cheap.images) < len(full.images)
    assert all(any(t.startswith(("latest-", "previous-", "staging-")) for t in i.tags) for i in cheap.images)
    assert cheap.targets == full.targets
    assert cheap.states == full.states
    assert cheap.releases_behind() == full.releases_behind()
    # `status` uses the cheap load: what it prints must not depend on it
    moment = {"fetched_at", "rate_limit"}
    assert {k: v for k, v in status_json(cheap).items() if k not in moment} == {
        k: v for k, v in status_json(full).items() if k not in moment
    }
    assert completed.images_complete and completed.images == full.images and completed.states == full.states


async def test_history_deployments_name_the_target_of_the_digest_they_shipped(sandbox):
    # GitHub makes one deployment per matrix leg; only the digest in each one's environment url tells
    # the legs apart. The seed (the v1.4.0 release) and the simulator (a new staging) both record it.
    sha = sandbox.push_main("Add gift cards")
    sandbox.wait_idle()
    backend = Backend.from_settings(sandbox.settings())
    try:
        snap = await backend.snapshot()
    finally:
        await backend.aclose()

    targets = deployment_targets(snap.deployments, snap.images, snap.targets)
    staging = [d for d in snap.deployments if d.sha == sha]
    release = [d for d in snap.deployments if d.ref == "v1.4.0" and d.environment == "production"]
    for deployments, tag in ((staging, "staging-{}"), (release, "v1.4.0-{}")):
        assert sorted(targets[d.id] for d in deployments) == ["minimal", "runtime"]
        for d in deployments:
            assert d.digest == tag_digest(snap.images, tag.format(targets[d.id]))
