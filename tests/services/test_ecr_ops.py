"""promote / rollback / prune against moto's ECR server: per target, manifests only, re-checked."""

from __future__ import annotations

from datetime import UTC

import pytest

from console.errors import AwsError, PlanError
from console.model.plans import plan_rollback
from console.services import ecr_ops
from console.services.ecr import EcrService
from tests.services.helpers import REGION, REPO, push, tags_of

TARGETS = ("minimal", "runtime")


@pytest.fixture
def ecr(ecr_endpoint):
    return EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint)


def seed_production(endpoint):
    """v1 then v2 promoted for both targets; staging runs v3 builds."""
    d = {}
    for t in TARGETS:
        d[f"v1-{t}"] = push(endpoint, f"v1{t}", f"v1.0.0-{t}", f"previous-{t}")
        d[f"v2-{t}"] = push(endpoint, f"v2{t}", f"v2.0.0-{t}", f"latest-{t}")
        d[f"v3-{t}"] = push(endpoint, f"v3{t}", "sha-" + "c" * 40 + f"-{t}", f"staging-{t}")
    return d


async def test_promote_writes_previous_then_release_then_latest(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    outcomes = await ecr_ops.promote(ecr, TARGETS, "v3.0.0", lambda t: f"staging-{t}")

    tags = tags_of(ecr_endpoint)
    for t, outcome in zip(TARGETS, outcomes):
        assert tags[f"latest-{t}"] == d[f"v3-{t}"]
        assert tags[f"v3.0.0-{t}"] == d[f"v3-{t}"]
        assert tags[f"previous-{t}"] == d[f"v2-{t}"]  # the old latest, never another target's
        assert [r.tag for r in outcome.retags] == [f"previous-{t}", f"v3.0.0-{t}", f"latest-{t}"]


async def test_promote_twice_keeps_the_rollback_target(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    await ecr_ops.promote(ecr, ["runtime"], "v3.0.0", lambda t: f"staging-{t}")
    again = await ecr_ops.promote(ecr, ["runtime"], "v3.0.0", lambda t: f"staging-{t}")
    assert all(not r.changed for r in again[0].retags)
    assert tags_of(ecr_endpoint)["previous-runtime"] == d["v2-runtime"]


async def test_promote_never_moves_a_release_tag(ecr_endpoint, ecr):
    seed_production(ecr_endpoint)
    with pytest.raises(AwsError, match="release tags never move"):
        await ecr_ops.promote(ecr, ["runtime"], "v1.0.0", lambda t: f"staging-{t}")


async def test_rollback_each_target_to_its_own_previous_in_at_most_four_calls(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    ecr.stats.reset()
    outcomes = await ecr_ops.rollback(ecr, TARGETS)

    tags = tags_of(ecr_endpoint)
    for t in TARGETS:
        assert tags[f"latest-{t}"] == d[f"v1-{t}"]
    assert all(o.changed and o.verified for o in outcomes)
    assert ecr.stats.total <= 4 * len(TARGETS)
    # Only manifests moved: no layer upload or download API was called.
    assert set(ecr.stats.by_operation) <= {"BatchGetImage", "PutImage"}


async def test_rollback_to_a_chosen_version_from_a_plan(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    await ecr_ops.rollback(ecr, ["runtime"])  # first: to previous (v1)
    plan = plan_rollback(await ecr.list_images(), TARGETS, ["runtime"], to_version="v2.0.0")
    outcomes = await ecr_ops.rollback(ecr, plan)
    assert outcomes[0].to_digest == d["v2-runtime"]
    assert tags_of(ecr_endpoint)["latest-runtime"] == d["v2-runtime"]


async def test_rollback_refuses_a_plan_that_went_stale(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    plan = plan_rollback(await ecr.list_images(), TARGETS, ["runtime"])
    push(ecr_endpoint, "other", "previous-runtime")  # someone moved previous- since the preview
    with pytest.raises(PlanError, match="preview again"):
        await ecr_ops.rollback(ecr, plan)
    assert tags_of(ecr_endpoint)["latest-runtime"] == d["v2-runtime"]


async def test_rollback_without_previous_is_a_plan_error(ecr_endpoint, ecr):
    push(ecr_endpoint, "only", "v1.0.0-runtime", "latest-runtime")
    with pytest.raises(PlanError, match="previous-runtime does not exist"):
        await ecr_ops.rollback(ecr, ["runtime"])


async def test_prune_rechecks_protection_at_delete_time(ecr_endpoint, ecr):
    old = push(ecr_endpoint, "old", "v0.1.0-runtime")
    older = push(ecr_endpoint, "older", "v0.0.1-runtime")
    push(ecr_endpoint, "prod", "v1.0.0-runtime", "latest-runtime")
    # Between preview and execution, `older` became the rollback target.
    push(ecr_endpoint, "older", "previous-runtime")
    gone = "sha256:" + "f" * 64

    result = await ecr_ops.prune(ecr, [old, older, gone], ["runtime"])

    assert result.deleted == (old,)
    assert result.kept == ((older, "carries previous-runtime"),)
    assert result.gone == (gone,) and result.failed == ()  # already gone is not a failure (as in prune.sh)
    tags = tags_of(ecr_endpoint)
    assert "v0.1.0-runtime" not in tags and tags["previous-runtime"] == older


async def test_prune_protects_targets_the_caller_did_not_name(ecr_endpoint, ecr):
    api = push(ecr_endpoint, "api", "v1.0.0-api-server", "staging-api-server")
    result = await ecr_ops.prune(ecr, [api], targets=())
    assert result.deleted == () and result.kept == ((api, "carries staging-api-server"),)


# --- never backwards (the rules the scripts follow too) -------------------------------------------


async def test_promote_refuses_a_version_older_than_production(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)  # production runs v2.0.0; staging holds a new build
    with pytest.raises(PlanError, match=r"Refusing to promote v1\.5\.0 for 'minimal': production runs v2\.0\.0"):
        await ecr_ops.promote(ecr, TARGETS, "v1.5.0", lambda t: f"staging-{t}")
    tags = tags_of(ecr_endpoint)
    assert tags["latest-minimal"] == d["v2-minimal"] and "v1.5.0-minimal" not in tags  # nothing moved


async def test_a_pre_release_ranks_below_its_release(ecr_endpoint, ecr):
    seed_production(ecr_endpoint)
    with pytest.raises(PlanError, match="production runs v2.0.0"):
        await ecr_ops.promote(ecr, ["runtime"], "v2.0.0-rc1", lambda t: f"staging-{t}")
    # ... and v2.0.1-rc1 is above v2.0.0: promoted.
    await ecr_ops.promote(ecr, ["runtime"], "v2.0.1-rc1", lambda t: f"staging-{t}")
    assert tags_of(ecr_endpoint)["latest-runtime"] == tags_of(ecr_endpoint)["staging-runtime"]


async def test_an_older_version_goes_out_only_when_explicitly_allowed(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    await ecr_ops.promote(ecr, ["runtime"], "v1.9.0", lambda t: f"staging-{t}", allow_older=True)
    tags = tags_of(ecr_endpoint)
    assert tags["latest-runtime"] == d["v3-runtime"] and tags["previous-runtime"] == d["v2-runtime"]


async def test_staging_never_moves_to_an_older_commit(ecr_endpoint, ecr):
    old_sha, new_sha = "a" * 40, "b" * 40
    old = push(ecr_endpoint, "old", f"sha-{old_sha}-runtime")
    new = push(ecr_endpoint, "new", f"sha-{new_sha}-runtime", "staging-runtime")
    history = [old_sha, new_sha]

    def is_ancestor(a: str, b: str) -> bool:
        return history.index(a) <= history.index(b)

    # A re-run of the old commit's staging run: nothing moves, the step says why.
    outcome = await ecr_ops.stage(ecr, "runtime", old_sha, is_ancestor)
    assert not outcome.moved and "a newer commit" in outcome.skipped
    assert tags_of(ecr_endpoint)["staging-runtime"] == new
    # A newer commit moves it forward.
    newest = "c" * 40
    history.append(newest)
    newest_digest = push(ecr_endpoint, "newest", f"sha-{newest}-runtime")
    outcome = await ecr_ops.stage(ecr, "runtime", newest, is_ancestor)
    assert outcome.moved and tags_of(ecr_endpoint)["staging-runtime"] == newest_digest
    assert old in tags_of(ecr_endpoint).values()  # the old build stays, untouched


async def test_without_git_the_push_dates_order_the_commits(ecr_endpoint, ecr):
    from datetime import datetime, timedelta

    from console.sandbox.ecr_seed import set_pushed_at

    old_sha, new_sha = "a" * 40, "b" * 40
    old = push(ecr_endpoint, "old", f"sha-{old_sha}-runtime")
    new = push(ecr_endpoint, "new", f"sha-{new_sha}-runtime", "staging-runtime")
    now = datetime.now(UTC)
    set_pushed_at(REGION, REPO, old, now - timedelta(hours=2))
    set_pushed_at(REGION, REPO, new, now - timedelta(hours=1))
    outcome = await ecr_ops.stage(ecr, "runtime", old_sha)
    assert not outcome.moved and tags_of(ecr_endpoint)["staging-runtime"] == new


async def test_no_automatic_rollback_when_the_release_did_not_change_production(ecr_endpoint, ecr):
    d = seed_production(ecr_endpoint)
    # Re-releasing the digest production already runs: previous- is left alone, and a smoke flake
    # must not roll back to it (that would go further back than before the release).
    [outcome] = await ecr_ops.promote(ecr, ["runtime"], "v2.0.1", lambda t: f"latest-{t}")
    assert outcome.previous_digest == outcome.digest == d["v2-runtime"]
    assert await ecr_ops.undo_promotion(ecr, "runtime", outcome.digest, outcome.previous_digest) is None
    assert tags_of(ecr_endpoint)["latest-runtime"] == d["v2-runtime"]
    # A release that did change production is undone, to exactly what ran before.
    [outcome] = await ecr_ops.promote(ecr, ["runtime"], "v3.0.0", lambda t: f"staging-{t}")
    undone = await ecr_ops.undo_promotion(ecr, "runtime", outcome.digest, outcome.previous_digest)
    assert undone is not None and undone.to_digest == d["v2-runtime"]
    assert tags_of(ecr_endpoint)["latest-runtime"] == d["v2-runtime"]
