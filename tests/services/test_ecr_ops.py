"""promote / rollback / prune against moto's ECR server: per target, manifests only, re-checked."""

from __future__ import annotations

import pytest

from console.errors import AwsError, PlanError
from console.model.plans import plan_rollback
from console.services import ecr_ops
from console.services.ecr import EcrService
from svc_helpers import REGION, REPO, push, tags_of

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
    assert result.failed == ((gone, "no longer in the repository"),)
    tags = tags_of(ecr_endpoint)
    assert "v0.1.0-runtime" not in tags and tags["previous-runtime"] == older


async def test_prune_protects_targets_the_caller_did_not_name(ecr_endpoint, ecr):
    api = push(ecr_endpoint, "api", "v1.0.0-api-server", "staging-api-server")
    result = await ecr_ops.prune(ecr, [api], targets=())
    assert result.deleted == () and result.kept == ((api, "carries staging-api-server"),)
