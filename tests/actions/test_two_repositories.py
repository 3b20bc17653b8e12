"""The two-repository layout (``production_repository``): builds and ``staging-*`` in one ECR
repository, release tags, ``latest-*`` and ``previous-*`` in another. Every action reads and writes
the right one, through the workflow and in direct mode, on the sandbox (moto holds both)."""

from __future__ import annotations

import pytest

from console.actions import approve, prune, rollback
from console.model.serialize import status_json
from console.services.backend import Backend
from tests.actions.helpers import dispatched_runs, ecr_digests, ecr_tags

TARGETS = ("minimal", "runtime")
PRODUCTION_REPO = "shop-prod"
PRODUCTION_TAG = ("latest-", "previous-", "v")


@pytest.fixture
def split(sandbox_factory):
    return sandbox_factory(production_repository=PRODUCTION_REPO)


@pytest.fixture
async def ctx(split, make_ctx_for):
    return await make_ctx_for(split)


@pytest.fixture
async def make_ctx_for():
    from console.actions import ActionContext

    backends = []

    async def make(sb):
        backend = Backend.from_settings(sb.settings(), ecr_endpoint_url=sb.ecr_endpoint_url)
        backends.append(backend)
        return ActionContext.from_backend(backend)

    yield make
    for backend in backends:
        await backend.aclose()


def production_tags(sb) -> dict[str, str]:
    return ecr_tags(sb, PRODUCTION_REPO)


def assert_layout_kept(sb) -> None:
    """Production's tags only in the production repository; builds and staging only in the other."""
    assert not [t for t in ecr_tags(sb) if t.startswith(PRODUCTION_TAG)]
    assert not [t for t in production_tags(sb) if t.startswith(("sha-", "staging-"))]


async def test_the_console_sees_one_registry_and_says_which_layout(split, ctx):
    backend = Backend.from_settings(split.settings(), ecr_endpoint_url=split.ecr_endpoint_url)
    try:
        snapshot = await backend.snapshot()
    finally:
        await backend.aclose()
    assert_layout_kept(split)
    prod = production_tags(split)
    for t in TARGETS:  # production's version comes from the production repository's tags
        state = snapshot.state("production", t)
        assert state.digest == prod[f"latest-{t}"] and state.version == "v1.4.0"
        assert snapshot.state("staging", t).digest == ecr_tags(split)[f"staging-{t}"]
    assert status_json(snapshot)["layout"] == {
        "name": "two-repository", "staging_repository": "shop", "production_repository": PRODUCTION_REPO}


async def test_approve_promotes_into_the_production_repository(split, ctx):
    staged = ecr_tags(split)
    before = production_tags(split)
    preview = await approve.preview(ctx, split.pending_run_id)
    release = {r.target: r.digest for r in preview.targets}
    assert release == {t: staged[f"sha-{preview.commit}-{t}"] for t in TARGETS}  # the staging-tested digest

    await approve.review(ctx, preview, approve=True, comment="ship it")

    after = production_tags(split)
    for t in TARGETS:
        assert after[f"latest-{t}"] == after[f"v1.5.0-{t}"] == release[t]
        assert after[f"previous-{t}"] == before[f"latest-{t}"]
    assert ecr_tags(split) == staged  # the staging repository is not written
    assert_layout_kept(split)


@pytest.mark.parametrize("direct", [False, True], ids=["workflow", "direct"])
async def test_rollback_moves_latest_in_the_production_repository(split, ctx, direct):
    staged, before = ecr_tags(split), production_tags(split)
    runs = len(dispatched_runs(split))
    plan, _ = await rollback.plan(ctx, None)

    result = await rollback.execute(ctx, plan, direct=direct)

    after = production_tags(split)
    for t in TARGETS:
        assert after[f"latest-{t}"] == before[f"previous-{t}"]
    assert all(c.ok for c in result.checks)
    assert ecr_tags(split) == staged
    assert len(dispatched_runs(split)) == runs + (0 if direct else 1)


@pytest.mark.parametrize("direct", [False, True], ids=["workflow", "direct"])
async def test_prune_deletes_from_both_repositories_and_never_production(split, ctx, direct):
    plan, _ = await prune.plan(ctx, 2)
    released = ecr_digests(split, PRODUCTION_REPO)
    chosen = set(plan.digests)
    old_releases = chosen & released
    assert old_releases and chosen - released  # old releases (in both) and plain builds (staging only)

    result = await prune.execute(ctx, plan, direct=direct)

    assert set(result.deleted) == chosen and result.refused == ()
    assert not chosen & (ecr_digests(split) | ecr_digests(split, PRODUCTION_REPO))
    prod = production_tags(split)
    for t in TARGETS:  # production's pointers survive, in their repository
        assert f"latest-{t}" in prod and f"previous-{t}" in prod
