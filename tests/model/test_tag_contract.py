"""The tag contract as the console reads it: targets, versions, environments, drift."""

from __future__ import annotations

import pytest

from console.errors import PlanError
from console.model.environments import releases_behind_by_tags, tag_digests, target_states
from console.model.images import TagKind, discover_targets, group_by_target, parse_tag
from console.model.plans import plan_prune, plan_rollback
from tests.model.helpers import img

SHA = "a" * 40


REGISTRY = (
    img(1, "v1.0.0-runtime", day=1),
    img(2, "v1.1.0-runtime", "previous-runtime", day=2),
    img(3, "v1.2.0-runtime", "latest-runtime", day=3),
    img(4, f"sha-{SHA}-runtime", "staging-runtime", day=4),
    img(11, "v1.0.0-api-server", "previous-api-server", day=1),
    img(12, "v1.1.0-api-server", "latest-api-server", "staging-api-server", day=2),
)
TARGETS = discover_targets([t for i in REGISTRY for t in i.tags])


def test_targets_with_dashes_are_discovered_and_parsed():
    assert TARGETS == ("api-server", "runtime")
    info = parse_tag("v1.1.0-api-server", TARGETS)
    assert (info.kind, info.target, info.version) == (TagKind.RELEASE, "api-server", "v1.1.0")
    assert parse_tag(f"sha-{SHA}-runtime", TARGETS).sha == SHA
    assert parse_tag("nightly", TARGETS).kind is TagKind.OTHER


def test_group_by_target_is_newest_first_and_never_mixes_targets():
    groups = group_by_target(REGISTRY, TARGETS)
    assert [i.digest[-1] for i in groups["runtime"]] == ["4", "3", "2", "1"]
    assert all("api-server" in t for i in groups["api-server"] for t in i.tags)


def test_environment_states_follow_pointer_tags():
    states = {(s.environment, s.target): s for s in target_states(REGISTRY, TARGETS)}
    assert states[("production", "runtime")].version == "v1.2.0"
    assert states[("staging", "runtime")].digest == REGISTRY[3].digest
    assert states[("staging", "api-server")].digest == states[("production", "api-server")].digest


def test_drift_counts_newer_releases_than_production():
    newer = (*REGISTRY, img(5, "v1.3.0-runtime", day=5), img(6, "v1.4.0-runtime", day=6))
    assert releases_behind_by_tags(tag_digests(newer), TARGETS)["runtime"] == 2
    assert releases_behind_by_tags(tag_digests(REGISTRY), TARGETS)["runtime"] == 0


def test_rollback_plan_is_per_target():
    plan = plan_rollback(REGISTRY, TARGETS, ["runtime", "api-server"])
    by_target = {s.target: s for s in plan.steps}
    assert by_target["runtime"].to_digest == REGISTRY[1].digest
    assert by_target["api-server"].to_digest == REGISTRY[4].digest
    assert by_target["runtime"].from_version == "v1.2.0"


@pytest.mark.parametrize(
    ("chosen", "version", "message"),
    [
        (["web"], None, "Unknown target 'web'"),
        (["runtime"], "v9.9.9", "Version 'v9.9.9' does not exist"),
        (["runtime"], "v1.2.0", "already runs"),
        ([], None, "at least one target"),
    ],
)
def test_rollback_plan_refuses_with_one_sentence(chosen, version, message):
    with pytest.raises(PlanError, match=message):
        plan_rollback(REGISTRY, TARGETS, chosen, version)


def test_prune_keeps_pointers_and_newest_releases():
    plan = plan_prune(REGISTRY, TARGETS, keep=1)
    assert plan.digests == (REGISTRY[0].digest,)
    assert plan.bytes_reclaimed == 100
    reasons = {i.image.digest: i.reason for i in plan.protected}
    assert reasons[REGISTRY[2].digest] == "carries latest-runtime"
    with pytest.raises(PlanError):
        plan_prune(REGISTRY, TARGETS, keep=0)
