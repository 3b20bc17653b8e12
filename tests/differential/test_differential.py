"""The deploy scripts and ecr_ops on identical registries: rollback, prune, cleanup, promotion.

Each test builds a Case (see harness.py) and ``differ.check(case)`` runs both paths and compares.
"""

from __future__ import annotations

import pytest

from console.model.plans import plan_prune, plan_rollback
from console.services import ecr_ops
from tests.differential.harness import SHA, TARGETS, Case, Img, Repos, digest, production, prune_like_the_workflow, rollback_by_names

# --- rollback ------------------------------------------------------------------------------------
# The Python side has two callers: the simulator passes target names, direct mode a RollbackPlan.


def rollback_by_plan(targets, to_version=None):
    async def call(repos: Repos):
        ecr = repos()
        plan = plan_rollback(await ecr.list_images(), TARGETS, list(targets), to_version=to_version)
        await ecr_ops.rollback(ecr, plan)

    return call


ROLLBACK_PATHS = pytest.mark.parametrize("python_path", [rollback_by_names, rollback_by_plan], ids=["names", "plan"])


def rollback_case(name, targets, to_version=None, *, images=None, python_path=rollback_by_names, **expect) -> Case:
    env = {"TARGETS": ",".join(targets), **({"TO_VERSION": to_version} if to_version else {})}
    return Case(name, images or production(), "rollback.sh", env, python_path(targets, to_version), **expect)


@ROLLBACK_PATHS
def test_rollback_one_target_to_previous(differ, python_path):
    differ.check(rollback_case("rollback runtime", ["runtime"], python_path=python_path,
                               expect_tags={"latest-runtime": "v1-runtime", "latest-minimal": "v2-minimal",
                                            "previous-runtime": "v1-runtime"}))


@ROLLBACK_PATHS
def test_rollback_to_a_chosen_version(differ, python_path):
    differ.check(rollback_case("rollback --to v0.9.0", ["runtime"], "v0.9.0", python_path=python_path,
                               expect_tags={"latest-runtime": "v0.9-runtime", "latest-minimal": "v2-minimal"}))


@ROLLBACK_PATHS
def test_rollback_of_two_targets_uses_each_targets_own_previous(differ, python_path):
    differ.check(rollback_case("rollback both", TARGETS, python_path=python_path,
                               expect_tags={"latest-runtime": "v1-runtime", "latest-minimal": "v1-minimal"}))


def test_rollback_is_all_or_nothing_when_one_target_has_no_rollback_image(differ):
    images = production(drop=("previous-runtime",))
    differ.check(rollback_case("rollback both, runtime has no previous", TARGETS, images=images, expect_ok=False,
                               expect_tags={"latest-minimal": "v2-minimal", "latest-runtime": "v2-runtime"}))


def test_rollback_to_a_version_that_does_not_exist_changes_nothing(differ):
    differ.check(rollback_case("rollback --to v7", ["runtime"], "v7.0.0", expect_ok=False,
                               expect_tags={"latest-runtime": "v2-runtime"}))


# --- promotion -----------------------------------------------------------------------------------


def promote_case(name, targets, version, sha, *, images=None, **expect) -> Case:
    async def call(repos: Repos):
        await ecr_ops.promote(repos(), targets, version, lambda t: f"sha-{sha}-{t}")

    env = {"TARGETS": ",".join(targets), "HEAD_SHA": sha, "VERSION": version}
    return Case(name, images or production(), "promote.sh", env, call, **expect)


def test_promotion_of_two_targets(differ):
    expect = {}
    for t in TARGETS:
        expect |= {f"latest-{t}": f"next-{t}", f"v3.0.0-{t}": f"next-{t}", f"previous-{t}": f"v2-{t}",
                   f"v2.0.0-{t}": f"v2-{t}"}
    differ.check(promote_case("promote v3.0.0", list(TARGETS), "v3.0.0", SHA["next"], expect_tags=expect))


def test_first_promotion_into_an_empty_production(differ):
    images = tuple(Img(f"next-{t}", (f"sha-{SHA['next']}-{t}", f"staging-{t}"), 30) for t in TARGETS)
    expect = {f"latest-{t}": f"next-{t}" for t in TARGETS} | {f"previous-{t}": None for t in TARGETS}
    differ.check(promote_case("first release", list(TARGETS), "v1.0.0", SHA["next"], images=images, expect_tags=expect))


def test_promotion_is_all_or_nothing_when_one_target_never_passed_staging(differ):
    images = production(drop=(f"sha-{SHA['next']}-runtime",))
    differ.check(promote_case("promote, runtime not staged", list(TARGETS), "v3.0.0", SHA["next"], images=images,
                              expect_ok=False, expect_tags={"latest-minimal": "v2-minimal", "v3.0.0-minimal": None}))


def test_promotion_never_moves_an_existing_release_tag(differ):
    differ.check(promote_case("promote over v2.0.0", list(TARGETS), "v2.0.0", SHA["next"], expect_ok=False,
                              expect_tags={"latest-minimal": "v2-minimal", "v2.0.0-runtime": "v2-runtime"}))


# --- prune (dispatched with digests) and cleanup (keep N) ---------------------------------------


def prune_case(name, seeds, *, images=None, **expect) -> Case:
    digests = [digest(s) for s in seeds]

    async def call(repos: Repos):
        await prune_like_the_workflow(repos, digests)

    return Case(name, images or production(), "prune.sh", {"DIGESTS": ",".join(digests)}, call, **expect)


def test_prune_deletes_exactly_the_given_digests(differ):
    differ.check(prune_case("prune v0.9", ["v0.9-minimal", "v0.9-runtime"], expect_gone=("v0.9-minimal", "v0.9-runtime")))


def test_prune_refuses_protected_digests_and_deletes_the_rest(differ):
    seeds = ["v0.9-runtime", "v1-runtime", "v2-minimal", "next-minimal"]  # previous-, latest-, staging-
    differ.check(prune_case("prune with protected", seeds, expect_ok=False, expect_gone=("v0.9-runtime",),
                            expect_tags={"previous-runtime": "v1-runtime", "latest-minimal": "v2-minimal",
                                         "staging-minimal": "next-minimal"}))


def test_prune_of_a_digest_already_gone_succeeds(differ):
    differ.check(prune_case("prune, one already gone", ["v0.9-runtime", "never-pushed"], expect_gone=("v0.9-runtime",)))


def cleanup_case(name, keep, *, images=None, **expect) -> Case:
    async def call(repos: Repos):
        ecr = repos()
        plan = plan_prune(await ecr.list_images(), TARGETS, keep)
        if plan.digests:
            await prune_like_the_workflow(repos, plan.digests)

    return Case(name, images or production(), "cleanup.sh", {"KEEP": str(keep)}, call, **expect)


@pytest.mark.parametrize("keep", [1, 2, 3])
def test_cleanup_keeps_the_newest_releases_and_every_protected_image(differ, keep):
    differ.check(cleanup_case(f"cleanup keep {keep}", keep,
                              expect_tags={f"latest-{t}": f"v2-{t}" for t in TARGETS}))
