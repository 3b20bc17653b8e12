"""Property tests over generated registries: prune never deletes what it must keep, and a rollback
of target T always lands on a T image."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from console.errors import PlanError
from console.model import Image
from console.model.images import find_by_tag, group_by_target, image_target, image_version
from console.model.plans import plan_prune, plan_rollback, protection_reason
from tests.properties.profile import examples

# Dash-containing names that prefix each other, to stress the tag parser.
TARGETS = ("api", "api-server", "web")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def registries(draw):
    images: list[Image] = []
    counter = 0
    for target in TARGETS:
        n = draw(st.integers(0, 9))
        group = []
        for i in range(n):
            counter += 1
            tags = []
            if draw(st.booleans()):
                tags.append(f"sha-{counter:040x}-{target}")
            if draw(st.booleans()):
                tags.append(f"v1.{i}.{draw(st.integers(0, 3))}-{target}")
            if not tags:
                tags.append(f"sha-{counter:040x}-{target}")
            minutes = draw(st.integers(0, 500))
            group.append([f"sha256:{counter:064x}", tags, T0 + timedelta(minutes=minutes), draw(st.integers(0, 10**9))])
        for pointer in ("latest", "previous", "staging"):
            if group and draw(st.booleans()):
                draw(st.sampled_from(group))[1].append(f"{pointer}-{target}")
        images.extend(Image(d, tuple(dict.fromkeys(t)), at, size) for d, t, at, size in group)
    running = frozenset(draw(st.sets(st.sampled_from([i.digest for i in images]))) if images else set())
    return images, running


@settings(max_examples=examples(5))
@given(registries(), st.integers(1, 6))
def test_prune_never_deletes_protected_or_newest_releases(registry, keep):
    images, running = registry
    plan = plan_prune(images, TARGETS, keep, running)
    deleted = set(plan.digests)
    by_digest = {i.digest: i for i in images}
    for digest in deleted:
        assert protection_reason(by_digest[digest], TARGETS, running) is None
        assert digest not in running
    for target, group in group_by_target(images, TARGETS).items():
        newest = [i.digest for i in group if image_version(i, TARGETS)][:keep]
        assert not deleted & set(newest), f"deleted one of the newest {keep} releases of {target}"
    # every targeted image is either deleted or kept with a reason, never both
    assert not deleted & {i.image.digest for i in plan.protected}
    assert all(item.target == image_target(item.image, TARGETS) for item in plan.delete)


@settings(max_examples=examples(5))
@given(registries(), st.sampled_from(TARGETS), st.one_of(st.none(), st.integers(0, 9)))
def test_rollback_target_is_always_an_image_of_that_target(registry, target, minor):
    images, _ = registry
    version = None if minor is None else f"v1.{minor}.0"
    try:
        plan = plan_rollback(images, TARGETS, [target], version)
    except PlanError:
        return  # nothing to roll back to is a clear refusal, not a wrong image
    (step,) = plan.steps
    chosen = next(i for i in images if i.digest == step.to_digest)
    assert step.target == target
    assert image_target(chosen, TARGETS) == target
    assert step.to_ref in chosen.tags and step.to_ref.endswith(f"-{target}")
    assert step.from_digest == find_by_tag(images, f"latest-{target}").digest
